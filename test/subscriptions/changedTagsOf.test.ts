import { describe, expect, it } from 'vitest';
import type { IndexedStream } from '../../src/clusters/createLocationIndex.js';
import { changedTagsOf } from '../../src/subscriptions/changedTagsOf.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

function stream(
  tags: Record<string, string[]>,
  errors: Record<string, string> = {},
): IndexedStream {
  return {
    namespace: 'ns',
    name: 's',
    tags: new Map(Object.entries(tags)),
    preserved: new Set(),
    importErrors: new Map(Object.entries(errors)),
  };
}

describe('changedTagsOf', () => {
  it('reports added, moved and removed tags by their current image, sorted by tag', () => {
    const before = stream({ latest: [A], old: [B], same: [C] });
    const after = stream({ latest: [B, A], same: [C], new: [C] });
    expect(changedTagsOf(before, after)).toEqual([
      { tag: 'latest', from: A, to: B, importError: null },
      { tag: 'new', from: null, to: C, importError: null },
      { tag: 'old', from: B, to: null, importError: null },
    ]);
  });

  it('reports an import failing and recovering, with the tag where it was', () => {
    const ok = stream({ latest: [A] });
    const failing = stream({ latest: [A] }, { latest: 'manifest unknown' });
    expect(changedTagsOf(ok, failing)).toEqual([
      { tag: 'latest', from: A, to: A, importError: 'manifest unknown' },
    ]);
    expect(changedTagsOf(failing, ok)).toEqual([
      { tag: 'latest', from: A, to: A, importError: null },
    ]);
    // A spec-only tag whose first import fails has no image on either side.
    expect(changedTagsOf(stream({}), stream({}, { next: 'not found' }))).toEqual([
      { tag: 'next', from: null, to: null, importError: 'not found' },
    ]);
  });

  it('ignores history that moved under an unchanged head (an old entry pruned)', () => {
    expect(changedTagsOf(stream({ latest: [A, B, C] }), stream({ latest: [A, B] }))).toEqual([]);
  });

  it('treats a stream added or deleted as every tag appearing or going', () => {
    expect(changedTagsOf(undefined, stream({ latest: [A] }))).toEqual([
      { tag: 'latest', from: null, to: A, importError: null },
    ]);
    expect(changedTagsOf(stream({ latest: [A] }, { latest: 'x' }), undefined)).toEqual([
      { tag: 'latest', from: A, to: null, importError: null },
    ]);
  });
});
