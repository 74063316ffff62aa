import { createHash } from 'node:crypto';
import type {
  Image,
  ImageStream,
  NamedTagEventList,
  TagEvent,
  TagReference,
} from '../upstream/types.js';

/** The integrated registry's service address, the repository of every seeded stream. */
export const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000';

/** An ImageStream as the API server returns it, with both registry repositories filled in. */
export function buildImageStream(
  namespace: string,
  name: string,
  specTags: TagReference[],
  statusTags: NamedTagEventList[],
  annotations: Record<string, string> = {},
): ImageStream {
  return {
    kind: 'ImageStream',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name,
      namespace,
      uid: uidFor(`${namespace}/${name}`),
      resourceVersion: '1000',
      generation: 2,
      creationTimestamp: '2024-03-01T09:00:00Z',
      annotations,
    },
    spec: { lookupPolicy: { local: false }, tags: specTags },
    status: {
      dockerImageRepository: `${INTERNAL_REGISTRY}/${namespace}/${name}`,
      publicDockerImageRepository: `default-route-openshift-image-registry.apps.example.com/${namespace}/${name}`,
      tags: statusTags,
    },
  };
}

/** One entry of a tag's history, pulled by digest from `repo`. */
export function tagEvent(
  image: Image | string,
  created: string,
  generation: number | undefined,
  repo: string,
): TagEvent {
  const digest = typeof image === 'string' ? image : (image.metadata.name ?? '');
  const event: TagEvent = { created, dockerImageReference: `${repo}@${digest}`, image: digest };
  if (generation !== undefined) event.generation = generation;
  return event;
}

/** A stable uid derived from a seed (the same object gets the same uid on every run). */
export function uidFor(seed: string): string {
  const h = createHash('sha256').update(`uid:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
