import { describe, expect, it } from 'vitest';
import { cutForMessage, MAX_ECHOED_CHARS } from '../src/cutForMessage.js';

describe('cutForMessage', () => {
  it('keeps a string of at most 80 characters as it is', () => {
    expect(MAX_ECHOED_CHARS).toBe(80);
    expect(cutForMessage('')).toBe('');
    expect(cutForMessage('x'.repeat(80))).toBe('x'.repeat(80));
  });

  it('cuts a longer one to 80 characters and marks the cut', () => {
    expect(cutForMessage('x'.repeat(81))).toBe(`${'x'.repeat(80)}…`);
    expect(cutForMessage('y'.repeat(1_000_000))).toBe(`${'y'.repeat(80)}…`);
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    expect(cutForMessage('😀'.repeat(80))).toBe('😀'.repeat(80));
    expect(cutForMessage('😀'.repeat(81))).toBe(`${'😀'.repeat(80)}…`);
    expect(cutForMessage(`${'a'.repeat(79)}😀😀`)).toBe(`${'a'.repeat(79)}😀…`);
  });
});
