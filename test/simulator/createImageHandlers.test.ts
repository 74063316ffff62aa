import { describe, expect, it } from 'vitest';
import { createImageHandlers } from '../../src/simulator/createImageHandlers.js';
import { createPaging } from '../../src/simulator/createPaging.js';
import { createSeed } from '../../src/simulator/createSeed.js';

const data = createSeed('unit', { benchStreams: 3, benchImagesPerStream: 2 });
const handlers = createImageHandlers(data, createPaging());
const digest =
  data.streams.get('apps')?.get('frontend')?.status?.tags?.[0]?.items?.[0]?.image ?? '';
const message = (answer: { body: unknown }) => (answer.body as { message: string }).message;

describe('createImageHandlers', () => {
  it('resolves an isimage by a prefix with or without sha256:, echoing the name as asked', () => {
    const hex = digest.slice('sha256:'.length);
    for (const id of [digest, `sha256:${hex.slice(0, 10)}`, hex.slice(0, 12)]) {
      const answer = handlers.imageStreamImage('apps', `frontend@${id}`);
      expect(answer.status).toBe(200);
      const body = answer.body as {
        metadata: { name: string };
        image: { metadata: { name: string } };
      };
      expect([body.metadata.name, body.image.metadata.name]).toEqual([`frontend@${id}`, digest]);
    }
  });

  it('tells the three 404s apart and refuses names without exactly one @', () => {
    expect(message(handlers.imageStreamImage('apps', `nothing@${digest}`))).toBe(
      'imagestreams.image.openshift.io "nothing" not found',
    );
    const unknown = handlers.imageStreamImage('apps', 'frontend@sha256:ffff');
    expect(unknown.body).toMatchObject({
      message: 'imagestreamimage.image.openshift.io "frontend@sha256:ffff" not found',
      details: { kind: 'imagestreamimage', group: 'image.openshift.io' },
    });
    expect(message(handlers.image('sha256:0000'))).toBe(
      'images.image.openshift.io "sha256:0000" not found',
    );
    for (const name of ['frontend', 'frontend@a@b', '@abc', 'frontend@'])
      expect(handlers.imageStreamImage('apps', name).status).toBe(400);
  });

  it('refuses istag names without exactly one : or with an @', () => {
    expect(handlers.imageStreamTag('apps', 'frontend:latest').status).toBe(200);
    for (const name of ['frontend', 'a:b:c', 'frontend@x:latest', ':latest', 'frontend:']) {
      const answer = handlers.imageStreamTag('apps', name);
      expect([name, answer.status, message(answer)]).toEqual([
        name,
        400,
        'ImageStreamTags must be retrieved with <name>:<tag>',
      ]);
    }
  });

  it('lists the streams of one namespace, or none for an unknown one, paged', () => {
    const list = handlers.imageStreamList('bench', new URLSearchParams('limit=2'));
    const body = list.body as {
      items: { metadata: { name: string } }[];
      metadata: { remainingItemCount: number };
    };
    expect(body.items.map((s) => s.metadata.name)).toEqual(['stream-000', 'stream-001']);
    expect(body.metadata.remainingItemCount).toBe(1);
    expect(
      (handlers.imageStreamList('nowhere', new URLSearchParams()).body as { items: unknown[] })
        .items,
    ).toEqual([]);
    expect(handlers.imageStreamList('bench', new URLSearchParams('limit=x')).status).toBe(400);
  });
});
