import DataLoader from 'dataloader';
import { identityOf, type AccessReviews } from '../authz/createAccessReviews.js';
import type { ContentCache } from '../cache/createContentCache.js';
import type { ClusterRegistry } from '../clusters/createClusterRegistry.js';
import { fanOut, type FanOutOptions } from '../clusters/fanOut.js';
import { findImageLocations, type LocationsAnswer } from '../clusters/findImageLocations.js';
import type { LocationIndex } from '../clusters/createLocationIndex.js';
import { findIndexedLocations, MAX_LOCATION_REVIEWS } from '../clusters/findIndexedLocations.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  credentialOf,
  type CallOptions,
  type ImageApiClient,
} from '../upstream/createImageApiClient.js';
import { headerOf } from '../upstream/headerNameOf.js';
import type { AccessAttributes } from '../upstream/resources.js';
import { createSideBudget, type OperationBudget } from '../upstream/createOperationBudget.js';
import type {
  ImageStream,
  ImageStreamImage,
  ImageStreamList,
  ImageStreamTag,
  ProjectList,
} from '../upstream/types.js';
import { createImageStreamImageBatch } from './createImageStreamImageBatch.js';
import {
  imageCacheKey,
  imageStreamTagName,
  locationCacheKey,
  streamCacheKey,
  streamPageCacheKey,
  tagCacheKey,
  type ImageKey,
  type LocationKey,
  type StreamKey,
  type StreamPageKey,
  type TagKey,
} from './keys.js';
import { asError, perKey } from './perKey.js';
import { createWorkloadLoaders, type WorkloadLoaders } from './createWorkloadLoaders.js';

/** An ImageStreamImage, and when its image came from the content cache, when that was read. */
export interface LoadedImageStreamImage {
  readonly wire: ImageStreamImage;
  readonly cachedAt?: number | undefined;
}

/** Every upstream read of a request, batched and deduplicated; created per request, never shared. */
export interface Loaders extends WorkloadLoaders {
  /** ImageStreamImages; served from the content cache where the caller's access is proven. */
  readonly imageStreamImage: DataLoader<ImageKey, LoadedImageStreamImage, string>;
  /** The same, always from the API server (signatures and annotations older than their TTL). */
  readonly freshImageStreamImage: DataLoader<ImageKey, LoadedImageStreamImage, string>;
  readonly imageStream: DataLoader<StreamKey, ImageStream, string>;
  readonly imageStreamTag: DataLoader<TagKey, ImageStreamTag, string>;
  /** Pages of a namespace's image streams. */
  readonly imageStreamPage: DataLoader<StreamPageKey, ImageStreamList, string>;
  /**
   * The namespaces the caller can see on a cluster: OpenShift's projects (each user sees its
   * own), or where the project API is absent (404) or refused (403), the core namespaces.
   */
  readonly namespaces: DataLoader<string, ProjectList, string>;
  /** Where a digest is tagged, per cluster, each cluster within its own deadline. */
  /** Per cluster: the locations, and the namespaces refused to the caller (next to them). */
  readonly imageLocations: DataLoader<LocationKey, LocationsAnswer, string>;
  /**
   * Whether the request's identity may watch image streams in a namespace of a cluster (`` for
   * every namespace), as the API server decides it for the caller's own credentials (the gateway's
   * identity, which the indexes watch with, may). Rejects when it cannot be asked (an invalid
   * token is UNAUTHENTICATED, not "no").
   */
  mayWatchImageStreams(cluster: string, namespace: string): Promise<boolean>;
}

/** Receives batch sizes, for metrics. */
export interface LoaderObserver {
  loaderBatch(loader: string, size: number): void;
}

export interface LoaderOptions {
  readonly registry: ClusterRegistry;
  /** The request's call options: deadline, budget, the caller's credentials. */
  readonly call: CallOptions;
  readonly cache?: ContentCache | undefined;
  /** Required with a cache: nothing cached is served without the API server's own answer. */
  readonly accessReviews?: AccessReviews | undefined;
  readonly observer?: LoaderObserver | undefined;
  readonly logger?: Logger | undefined;
  /** Per-cluster deadline and concurrency of fan-outs (imageLocations). */
  readonly fanOut: FanOutOptions;
  /**
   * The location indexes by cluster name (shared across requests): imageLocations answers from
   * a synced one; required with them, `accessReviews` narrows it to what the caller may list.
   */
  readonly indexes?: ReadonlyMap<string, LocationIndex> | undefined;
  /**
   * How long a synced index may have heard nothing and still prove a cached image read with the
   * gateway's own credentials, ms (0: never; default 0 here, the CLI's default is 90 s).
   */
  readonly indexProofMaxSilenceMs?: number | undefined;
}

/**
 * The per-request loaders: the only way a resolver reads upstream. The DataLoader contract
 * holds (same order, same length, an Error per failed key, a failure confined to its own key),
 * and each loader's cache deduplicates within the request only: nothing one caller fetched is
 * served to another from here (the shared content cache has its own rules, see
 * createImageStreamImageBatch).
 */
export function createLoaders(options: LoaderOptions): Loaders {
  const { registry, call, observer } = options;
  const clientOf = (cluster: string): ImageApiClient => {
    const client = registry.get(cluster);
    if (!client)
      throw new GatewayError('INTERNAL_SERVER_ERROR', `no client for cluster "${cluster}"`);
    return client;
  };

  const imageStream = new DataLoader(
    perKey('imageStream', observer, (key: StreamKey) =>
      clientOf(key.cluster).getImageStream(key.namespace, key.stream, call),
    ),
    { cacheKeyFn: streamCacheKey },
  );
  const images = createImageStreamImageBatch({ ...options, clientOf, imageStream });

  /**
   * Whether the request's identity may do one of `asks` (tried in order). The gateway's own
   * identity filled the index, so it may; a caller is asked about with its own credentials, and
   * a review that cannot be made is an error (an invalid token), never "no".
   */
  const identityMay = async (
    client: ImageApiClient,
    clusterCall: CallOptions,
    ...asks: AccessAttributes[]
  ): Promise<boolean> => {
    const header = headerOf(client.cluster);
    if (credentialOf(call, header).kind === 'gateway') return true;
    const reviews = options.accessReviews;
    if (!reviews) return false;
    const identity = identityOf(call, header);
    for (const ask of asks)
      if (await reviews.decide(client, identity, ask, clusterCall)) return true;
    return false;
  };
  const group = 'image.openshift.io';
  /** May list image streams in a namespace (`` = all). */
  const mayList = (client: ImageApiClient, namespace: string, clusterCall: CallOptions) =>
    identityMay(client, clusterCall, { namespace, verb: 'list', group, resource: 'imagestreams' });
  /**
   * May read what listing reads to learn a manifest list's children in a namespace:
   * `get imagestreams/layers`, else `get imagestreamimages`.
   */
  const mayReadImages = (client: ImageApiClient, namespace: string, clusterCall: CallOptions) =>
    identityMay(
      client,
      clusterCall,
      { namespace, verb: 'get', group, resource: 'imagestreams', subresource: 'layers' },
      { namespace, verb: 'get', group, resource: 'imagestreamimages' },
    );
  /** The namespaces the request's identity can see (only asked of a caller, never the gateway). */
  const visibleNamespaces = async (
    client: ImageApiClient,
    clusterCall: CallOptions,
  ): Promise<ReadonlySet<string>> => {
    if (!options.accessReviews) return new Set();
    return options.accessReviews.projects(
      client,
      identityOf(call, headerOf(client.cluster)),
      clusterCall,
    );
  };
  /**
   * The reviews (and the projects list) of indexed answers are counted apart from the
   * operation's upstream budget, MAX_LOCATION_REVIEWS per cluster: their number follows what the
   * caller can see, and a caller who sees many namespaces must get an answer, not a spent budget.
   */
  const reviewBudgets = new Map<string, OperationBudget>();
  const reviewCallOf = (cluster: string, clusterCall: CallOptions): CallOptions => {
    if (!clusterCall.budget) return clusterCall;
    let budget = reviewBudgets.get(cluster);
    if (!budget) {
      budget = createSideBudget(clusterCall.budget, MAX_LOCATION_REVIEWS);
      reviewBudgets.set(cluster, budget);
    }
    return { ...clusterCall, budget };
  };

  const imageLocations = async (
    keys: readonly LocationKey[],
  ): Promise<(LocationsAnswer | Error)[]> => {
    observer?.loaderBatch('imageLocations', keys.length);
    // Clusters unknown to the registry fail alone; the others fan out, each with its deadline.
    const known: { key: LocationKey; client: ImageApiClient; index: number }[] = [];
    const results: (LocationsAnswer | Error)[] = keys.map((key, index) => {
      const client = registry.get(key.cluster);
      if (client) known.push({ key, client, index });
      return client
        ? { locations: [], refused: [] }
        : asError(
            new GatewayError('INTERNAL_SERVER_ERROR', `no client for cluster "${key.cluster}"`),
          );
    });
    const outcomes = await fanOut(
      known.map((k) => k.client),
      (client, clusterCall, i) => {
        const key = (known[i] as (typeof known)[number]).key;
        const index = options.indexes?.get(key.cluster);
        if (index?.synced && (options.accessReviews || !call.asCaller))
          return findIndexedLocations({
            index,
            client,
            digest: key.digest,
            namespaces: key.namespaces,
            call: clusterCall,
            mayList: (namespace) =>
              mayList(client, namespace, reviewCallOf(key.cluster, clusterCall)),
            mayReadImages: (namespace) =>
              mayReadImages(client, namespace, reviewCallOf(key.cluster, clusterCall)),
            visibleNamespaces: () =>
              visibleNamespaces(client, reviewCallOf(key.cluster, clusterCall)),
          });
        return findImageLocations(client, key.digest, key.namespaces, clusterCall);
      },
      call,
      options.fanOut,
    );
    outcomes.forEach((outcome, i) => {
      results[(known[i] as (typeof known)[number]).index] = outcome.ok
        ? outcome.value
        : outcome.error;
    });
    return results;
  };

  const imageStreamImage = new DataLoader(images.batch, { cacheKeyFn: imageCacheKey });
  return {
    mayWatchImageStreams: (cluster, namespace) =>
      identityMay(clientOf(cluster), call, {
        namespace,
        verb: 'watch',
        group,
        resource: 'imagestreams',
      }),
    imageStreamImage,
    freshImageStreamImage: new DataLoader(
      (keys: readonly ImageKey[]) => {
        observer?.loaderBatch('freshImageStreamImage', keys.length);
        return Promise.all(keys.map(images.fetch));
      },
      { cacheKeyFn: imageCacheKey },
    ),
    imageStream,
    imageStreamTag: new DataLoader(
      perKey('imageStreamTag', observer, (key: TagKey) =>
        clientOf(key.cluster).getImageStreamTag(key.namespace, imageStreamTagName(key), call),
      ),
      { cacheKeyFn: tagCacheKey },
    ),
    imageStreamPage: new DataLoader(
      perKey('imageStreamPage', observer, (key: StreamPageKey) =>
        clientOf(key.cluster).listImageStreams(
          key.namespace || undefined,
          {
            limit: key.limit,
            continueToken: key.continueToken || undefined,
            labelSelector: key.labelSelector || undefined,
          },
          call,
        ),
      ),
      { cacheKeyFn: streamPageCacheKey },
    ),
    imageLocations: new DataLoader(imageLocations, { cacheKeyFn: locationCacheKey }),
    namespaces: new DataLoader(
      perKey('namespaces', observer, async (cluster: string) => {
        const client = clientOf(cluster);
        try {
          return await client.listProjects(call);
        } catch (err) {
          const status = err instanceof GatewayError ? err.upstream?.status : undefined;
          if (status !== 404 && status !== 403) throw err;
          return client.listNamespaces(call);
        }
      }),
    ),
    ...createWorkloadLoaders({
      clientOf,
      call,
      observer,
      imageStreamImage,
      clusterDeadlineMs: options.fanOut.clusterDeadlineMs,
    }),
  };
}
