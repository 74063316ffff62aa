import { describe, expect, it } from 'vitest';
import { defaultOf, envNameOf, optionNamed, OPTIONS } from '../../src/config/options.js';

describe('the option table', () => {
  it('names each option once, in lower-case words joined by dashes', () => {
    const names = OPTIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('keeps every default within its own bounds and values', () => {
    for (const spec of OPTIONS) {
      expect(spec.commands.length, spec.name).toBeGreaterThan(0);
      expect(spec.help, spec.name).not.toBe('');
      if (spec.kind === 'integer') {
        expect(spec.value, spec.name).toBeDefined();
        if (typeof spec.default === 'number') {
          expect(spec.default, spec.name).toBeGreaterThanOrEqual(spec.min ?? 0);
          expect(spec.default, spec.name).toBeLessThanOrEqual(spec.max ?? Number.MAX_SAFE_INTEGER);
        }
      }
      if (spec.kind === 'enum') expect(spec.values, spec.name).toContain(spec.default);
      if (spec.kind === 'boolean') expect(spec.default, spec.name).toBeUndefined();
    }
  });

  it('finds options by name, and throws on a default that does not exist', () => {
    expect(optionNamed('max-refs')?.default).toBe(500);
    expect(optionNamed('max-ref')).toBeUndefined();
    expect(optionNamed('__proto__')).toBeUndefined();
    expect(defaultOf('deadline-ms')).toBe(30_000);
    expect(() => defaultOf('deadline')).toThrow('option --deadline has no numeric default');
    expect(() => defaultOf('host')).toThrow('option --host has no numeric default');
    expect(envNameOf('cors-origin')).toBe('IMAGE_GATEWAY_CORS_ORIGIN');
  });
});
