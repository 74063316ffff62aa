import { describe, expect, it } from 'vitest';
import { createSeed } from '../../src/simulator/createSeed.js';
import { createStreamChanges, MAX_TAG_HISTORY } from '../../src/simulator/createStreamChanges.js';
import { createWatchHub } from '../../src/simulator/createWatchHub.js';

function setup() {
  const data = createSeed('sim', { benchStreams: 2, benchImagesPerStream: 2 });
  const hub = createWatchHub();
  return { data, hub, changes: createStreamChanges(data, hub) };
}

const tagsOf = (data: ReturnType<typeof setup>['data'], stream = 'stream-000') =>
  data.streams.get('bench')?.get(stream)?.status?.tags ?? [];

describe('createStreamChanges', () => {
  it('moves a tag as an import does: a new stream object, the next version, history capped', () => {
    const { data, hub, changes } = setup();
    const before = data.streams.get('bench')?.get('stream-000');
    const digests: string[] = [];
    for (let i = 0; i < MAX_TAG_HISTORY + 3; i++)
      digests.push(changes.moveTag('bench', 'stream-000', 'live'));
    const after = data.streams.get('bench')?.get('stream-000');
    expect(after).not.toBe(before);
    expect(before?.status?.tags?.some((t) => t.tag === 'live')).toBe(false);
    const live = tagsOf(data).find((t) => t.tag === 'live');
    expect(live?.items).toHaveLength(MAX_TAG_HISTORY);
    expect(live?.items?.[0]?.image).toBe(digests.at(-1));
    expect(data.images.has(digests[0] ?? '')).toBe(true);
    expect(after?.metadata.resourceVersion).toBe(hub.resourceVersion);
    expect(hub.resourceVersion).toBe(String(5000 + MAX_TAG_HISTORY + 3));
  });

  it('moves a tag to an image the cluster has, and sets and clears an import error', () => {
    const { data, changes } = setup();
    const other = tagsOf(data, 'stream-001')[0]?.items?.[0]?.image ?? '';
    expect(changes.moveTag('bench', 'stream-000', 'latest', other)).toBe(other);
    changes.setImportError('bench', 'stream-000', 'latest', 'manifest unknown');
    expect(tagsOf(data).find((t) => t.tag === 'latest')?.conditions?.[0]).toMatchObject({
      type: 'ImportSuccess',
      status: 'False',
      message: 'manifest unknown',
    });
    changes.setImportError('bench', 'stream-000', 'latest', undefined);
    expect(tagsOf(data).find((t) => t.tag === 'latest')?.conditions).toBeUndefined();
    expect(tagsOf(data).find((t) => t.tag === 'latest')?.items?.[0]?.image).toBe(other);
  });

  it('removes a tag from spec and status, and deletes a stream', () => {
    const { data, hub, changes } = setup();
    changes.removeTag('bench', 'stream-000', 'latest');
    const stream = data.streams.get('bench')?.get('stream-000');
    expect(stream?.status?.tags?.some((t) => t.tag === 'latest')).toBe(false);
    expect(stream?.spec?.tags?.some((t) => t.name === 'latest')).toBe(false);
    changes.deleteImageStream('bench', 'stream-000');
    expect(data.streams.get('bench')?.has('stream-000')).toBe(false);
    expect(hub.resourceVersion).toBe('5002');
    expect(() => changes.removeTag('bench', 'stream-000', 'latest')).toThrow(
      'simulator: no image stream bench/stream-000',
    );
  });
});
