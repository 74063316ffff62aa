import type { ImageStream, NamedTagEventList } from '../upstream/types.js';
import { INTERNAL_REGISTRY, tagEvent } from './buildImageStream.js';
import type { SeedData } from './createSeed.js';
import type { WatchHub } from './createWatchHub.js';
import { generateImage } from './generateStream.js';

/**
 * Changes to a simulated cluster's image streams, as an import, a push or `oc tag` makes them:
 * each replaces the stream object with a new one stamped with the next resourceVersion and is
 * sent to the watchers. For tests (a tag moved on demand) and the demo (one tag now and then).
 * A stream or digest that does not exist is a thrown Error (a bug in the test, never served).
 */
export interface StreamChanges {
  /**
   * Points `tag` at `digest` (an Image the cluster has; default: a new generated image), as an
   * import does: a new first entry of the tag's history (MAX_TAG_HISTORY kept), its
   * ImportSuccess condition cleared; the tag is created when missing. Returns the digest.
   */
  moveTag(namespace: string, stream: string, tag: string, digest?: string): string;
  /** Removes a tag from the stream's spec and status. */
  removeTag(namespace: string, stream: string, tag: string): void;
  /** Sets (message) or clears (undefined) a tag's ImportSuccess=False condition. */
  setImportError(namespace: string, stream: string, tag: string, message: string | undefined): void;
  /** Creates (ADDED) or replaces (MODIFIED) a stream. */
  putImageStream(stream: ImageStream): void;
  /** Deletes a stream (DELETED, with its last state). */
  deleteImageStream(namespace: string, stream: string): void;
}

/** Entries a moved tag's history keeps (the newest), as image pruning would leave it. */
export const MAX_TAG_HISTORY = 10;

export function createStreamChanges(data: SeedData, hub: WatchHub): StreamChanges {
  let generated = 0;
  const existing = (namespace: string, name: string): ImageStream => {
    const stream = data.streams.get(namespace)?.get(name);
    if (!stream) throw new Error(`simulator: no image stream ${namespace}/${name}`);
    return stream;
  };
  const stamped = (stream: ImageStream): ImageStream => ({
    ...stream,
    metadata: { ...stream.metadata, resourceVersion: hub.nextVersion() },
  });
  const store = (stream: ImageStream): 'ADDED' | 'MODIFIED' => {
    const namespace = stream.metadata.namespace ?? '';
    const name = stream.metadata.name ?? '';
    let streams = data.streams.get(namespace);
    if (!streams) {
      streams = new Map();
      data.streams.set(namespace, streams);
    }
    const type = streams.has(name) ? 'MODIFIED' : 'ADDED';
    streams.set(name, stream);
    return type;
  };
  const withTags = (
    stream: ImageStream,
    change: (tags: NamedTagEventList[]) => NamedTagEventList[],
  ): ImageStream => ({
    ...stream,
    status: { ...stream.status, tags: change([...(stream.status?.tags ?? [])]) },
  });
  const update = (stream: ImageStream): void => {
    const next = stamped(stream);
    hub.record(store(next), next);
  };

  return {
    moveTag(namespace, name, tag, digest) {
      const stream = existing(namespace, name);
      let target = digest;
      if (target === undefined) {
        generated += 1;
        const image = generateImage(`moved/${namespace}/${name}/${tag}/${generated}`, 0);
        target = image.metadata.name ?? '';
        data.images.set(target, image);
      } else if (!data.images.has(target)) {
        throw new Error(`simulator: no image ${target}`);
      }
      const event = tagEvent(
        target,
        new Date().toISOString(),
        stream.metadata.generation ?? undefined,
        `${INTERNAL_REGISTRY}/${namespace}/${name}`,
      );
      update(
        withTags(stream, (tags) => {
          const at = tags.findIndex((t) => t.tag === tag);
          const old = at >= 0 ? tags[at] : undefined;
          const items = [event, ...(old?.items ?? [])].slice(0, MAX_TAG_HISTORY);
          const next: NamedTagEventList = { tag, items };
          if (at >= 0) tags[at] = next;
          else tags.push(next);
          return tags;
        }),
      );
      return target;
    },
    removeTag(namespace, name, tag) {
      const stream = withTags(existing(namespace, name), (tags) =>
        tags.filter((t) => t.tag !== tag),
      );
      update({
        ...stream,
        spec: { ...stream.spec, tags: (stream.spec?.tags ?? []).filter((t) => t.name !== tag) },
      });
    },
    setImportError(namespace, name, tag, message) {
      update(
        withTags(existing(namespace, name), (tags) =>
          tags.map((t) =>
            t.tag !== tag
              ? t
              : {
                  tag: t.tag,
                  items: t.items ?? null,
                  ...(message === undefined
                    ? {}
                    : {
                        conditions: [
                          {
                            type: 'ImportSuccess',
                            status: 'False',
                            reason: 'NotFound',
                            message,
                            lastTransitionTime: new Date().toISOString(),
                          },
                        ],
                      }),
                },
          ),
        ),
      );
    },
    putImageStream(stream) {
      update(stream);
    },
    deleteImageStream(namespace, name) {
      const gone = stamped(existing(namespace, name));
      data.streams.get(namespace)?.delete(name);
      hub.record('DELETED', gone);
    },
  };
}
