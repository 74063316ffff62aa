import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamLayers,
  ImageStreamList,
} from '../upstream/types.js';
import type { Answer } from './Answer.js';
import { IMAGE_GROUP } from './authorize.js';
import type { SeedData } from './createSeed.js';
import { LIST_RESOURCE_VERSION, type Paging } from './createPaging.js';
import { parseLabelSelector } from './parseLabelSelector.js';
import { badRequest, notFound } from './status.js';

/**
 * The reads of image.openshift.io/v1, built from the seed data the way openshift-apiserver
 * builds them (docs/openshift-image-api.md §2.1): one function per resource, each taking the
 * namespace and name already taken from the path. Authorization happened before.
 */
export interface ImageHandlers {
  imageStreamImage(namespace: string, name: string): Answer;
  imageStream(namespace: string, name: string): Answer;
  /** All namespaces when `namespace` is ``; in namespace then name order, paged. */
  imageStreamList(namespace: string, query: URLSearchParams): Answer;
  imageStreamLayers(namespace: string, name: string): Answer;
  imageStreamTag(namespace: string, name: string): Answer;
  image(name: string): Answer;
  imageList(): Answer;
}

const API_VERSION = `${IMAGE_GROUP}/v1`;

/**
 * `resourceVersion` is the list's resourceVersion now (it moves when streams change, see
 * createWatchHub); default the seed's.
 */
export function createImageHandlers(
  data: SeedData,
  paging: Paging,
  resourceVersion: () => string = () => LIST_RESOURCE_VERSION,
): ImageHandlers {
  return {
    imageStreamImage: (namespace, name) => imageStreamImage(data, namespace, name),
    imageStream: (namespace, name) => {
      const s = data.streams.get(namespace)?.get(name);
      return s ? { status: 200, body: s } : missingStream(name);
    },
    imageStreamList: (namespace, query) =>
      imageStreamList(data, paging, namespace, query, resourceVersion()),
    imageStreamLayers: (namespace, name) => {
      const s = data.streams.get(namespace)?.get(name);
      return s ? { status: 200, body: layersOf(s, data.images) } : missingStream(name);
    },
    imageStreamTag: (namespace, name) => imageStreamTag(data, namespace, name),
    image: (name) => {
      const image = data.images.get(name);
      return image ? { status: 200, body: image } : notFound('images', IMAGE_GROUP, name);
    },
    imageList: () => ({
      status: 200,
      body: {
        kind: 'ImageList',
        apiVersion: API_VERSION,
        metadata: { resourceVersion: LIST_RESOURCE_VERSION },
        items: [...data.images.values()],
      },
    }),
  };
}

function missingStream(name: string): Answer {
  return notFound('imagestreams', IMAGE_GROUP, name);
}

/** registry/imagestreamimage/rest.go: `<stream>@<id>`, id any prefix of a digest in the stream. */
function imageStreamImage(data: SeedData, namespace: string, name: string): Answer {
  const at = name.split('@');
  const [streamName, id] = at;
  if (at.length !== 2 || !streamName || !id)
    return badRequest('ImageStreamImages must be retrieved with <name>@<id>');
  const s = data.streams.get(namespace)?.get(streamName);
  if (!s) return missingStream(streamName);
  // The id may be any prefix of the digest, with or without `sha256:`; the first match wins.
  const digest = candidateDigests(s, data.images).find(
    (d) => d.startsWith(id) || d.slice(d.indexOf(':') + 1).startsWith(id),
  );
  if (!digest) return notFound('imagestreamimage', IMAGE_GROUP, name);
  const image = data.images.get(digest);
  if (!image) return notFound('images', IMAGE_GROUP, digest);
  const body: ImageStreamImage = {
    kind: 'ImageStreamImage',
    apiVersion: API_VERSION,
    metadata: {
      name,
      namespace,
      creationTimestamp: image.metadata.creationTimestamp ?? null,
      ...(s.metadata.annotations ? { annotations: s.metadata.annotations } : {}),
    },
    image: blanked(image),
  };
  return { status: 200, body };
}

function imageStreamList(
  data: SeedData,
  paging: Paging,
  namespace: string,
  query: URLSearchParams,
  resourceVersion: string,
): Answer {
  const all: ImageStream[] = [];
  const namespaces = namespace === '' ? [...data.streams.keys()].sort() : [namespace];
  for (const ns of namespaces) {
    const streams = data.streams.get(ns);
    if (!streams) continue;
    for (const key of [...streams.keys()].sort()) {
      const s = streams.get(key);
      if (s) all.push(s);
    }
  }
  const selector = query.get('labelSelector');
  const matches = selector === null ? undefined : parseLabelSelector(selector);
  if (typeof matches === 'string') return badRequest(matches);
  const selected = matches ? all.filter((s) => matches(s.metadata.labels ?? {})) : all;
  const page = paging.page(selected, query);
  if ('error' in page) return page.error;
  // The API server does not count what remains of a list filtered by a label selector.
  const metadata = { ...page.metadata };
  if (matches) delete metadata.remainingItemCount;
  const list: ImageStreamList = {
    kind: 'ImageStreamList',
    apiVersion: API_VERSION,
    metadata: { ...metadata, resourceVersion },
    items: page.items,
  };
  return { status: 200, body: list };
}

/** The newest image of a tag, with the stream's uid/resourceVersion and the tag's pull spec. */
function imageStreamTag(data: SeedData, namespace: string, name: string): Answer {
  const parts = name.split(':');
  const [streamName, tag] = parts;
  if (parts.length !== 2 || name.includes('@') || !streamName || !tag)
    return badRequest('ImageStreamTags must be retrieved with <name>:<tag>');
  const s = data.streams.get(namespace)?.get(streamName);
  if (!s) return missingStream(streamName);
  const event = s.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
  if (!event) return notFound('imagestreamtags', IMAGE_GROUP, name);
  const image = data.images.get(event.image);
  if (!image) return notFound('images', IMAGE_GROUP, event.image);
  const spec = s.spec?.tags?.find((t) => t.name === tag) ?? null;
  const body = {
    kind: 'ImageStreamTag',
    apiVersion: API_VERSION,
    metadata: {
      name,
      namespace,
      uid: s.metadata.uid,
      resourceVersion: s.metadata.resourceVersion,
      creationTimestamp: event.created ?? null,
      ...(spec?.annotations ? { annotations: spec.annotations } : {}),
    },
    tag: spec,
    generation: event.generation ?? 0,
    lookupPolicy: { local: s.spec?.lookupPolicy?.local ?? false },
    // The tag's pull spec, as the server resolves it (isimage keeps the Image's own).
    image: { ...blanked(image), dockerImageReference: event.dockerImageReference },
  };
  return { status: 200, body };
}

/** Drops what imagestreamimages and imagestreamtags never return (server code: blanked). */
function blanked(image: Image): Image {
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  return rest;
}

/** Every digest a stream can resolve: its full tag history plus manifest-list children. */
function candidateDigests(s: ImageStream, images: ReadonlyMap<string, Image>): string[] {
  const out = new Set<string>();
  for (const tag of s.status?.tags ?? []) {
    for (const item of tag.items ?? []) {
      out.add(item.image);
      for (const child of images.get(item.image)?.dockerImageManifests ?? []) out.add(child.digest);
    }
  }
  return [...out];
}

/**
 * imagestreams/{name}/layers: every image of the history and each manifest-list child; the
 * manifest itself is a blob with `size: null`; images deleted from the API are `imageMissing`.
 */
function layersOf(s: ImageStream, images: ReadonlyMap<string, Image>): ImageStreamLayers {
  const body: ImageStreamLayers = {
    kind: 'ImageStreamLayers',
    apiVersion: API_VERSION,
    metadata: s.metadata,
    blobs: {},
    images: {},
  };
  for (const digest of candidateDigests(s, images)) {
    const image = images.get(digest);
    if (!image) {
      body.images[digest] = { imageMissing: true, layers: null, config: null };
      continue;
    }
    const layers = (image.dockerImageLayers ?? []).map((l) => {
      body.blobs[l.name] = { size: l.size ?? null, mediaType: l.mediaType ?? '' };
      return l.name;
    });
    body.blobs[digest] = { size: null, mediaType: image.dockerImageManifestMediaType ?? '' };
    const refs: ImageStreamLayers['images'][string] = {
      imageMissing: false,
      layers: layers.length > 0 ? layers : null,
      config: image.dockerImageManifests ? null : (image.dockerImageMetadata?.Id ?? null),
    };
    if (image.dockerImageManifests)
      refs.manifests = image.dockerImageManifests.map((m) => m.digest);
    body.images[digest] = refs;
  }
  return body;
}
