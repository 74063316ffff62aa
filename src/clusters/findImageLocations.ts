import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type { ImageStream } from '../upstream/types.js';

export interface FoundLocation {
  readonly namespace: string;
  readonly stream: string;
  readonly tags: readonly string[];
}

/** Streams are read a page at a time, so memory stays bounded by the page size. */
export const LOCATION_PAGE_SIZE = 200;

/** The tags of a stream whose history contains the digest, sorted. */
export function tagsContaining(stream: ImageStream, digest: string): string[] {
  return (stream.status?.tags ?? [])
    .filter((t) => (t.items ?? []).some((item) => item.image === digest))
    .map((t) => t.tag)
    .sort();
}

/**
 * Every stream of one cluster whose tag history contains the digest: over the named namespaces,
 * or over the cluster-wide image stream list when none are named, paging with limit/continue.
 */
export async function findImageLocations(
  client: ImageApiClient,
  digest: string,
  namespaces: readonly string[] | undefined,
  call: CallOptions,
): Promise<FoundLocation[]> {
  const found: FoundLocation[] = [];
  for (const namespace of namespaces ?? [undefined]) {
    let continueToken: string | undefined;
    do {
      const page = await client.listImageStreams(
        namespace,
        { limit: LOCATION_PAGE_SIZE, continueToken },
        call,
      );
      for (const stream of page.items ?? []) {
        const tags = tagsContaining(stream, digest);
        if (tags.length > 0) {
          found.push({
            namespace: stream.metadata.namespace ?? namespace ?? '',
            stream: stream.metadata.name ?? '',
            tags,
          });
        }
      }
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
  }
  return found;
}
