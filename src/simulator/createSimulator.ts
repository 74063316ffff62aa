import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seededRandom.js';
import { readFixture, createSeed, type SeedData, type SeedOptions } from './createSeed.js';
import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamLayers,
  ImageStreamList,
  Status,
} from '../upstream/types.js';

/**
 * A simulated OpenShift image API (image.openshift.io/v1) on a real HTTP(S) listener, for the
 * demo, the tests and the benchmarks. It follows the behaviour described in
 * docs/openshift-image-api.md: the same paths, the three kinds of 404, Status bodies, 429 with a
 * plain-text body and Retry-After, 500 ServerTimeout with Retry-After: 2, paging with
 * limit/continue and 410 for an expired continue token, bearer tokens with per-namespace access
 * (no token: 403 as system:anonymous; unknown token: 401).
 */

/** What one token may read: every namespace (and cluster-scoped images), or a list. */
export interface TokenGrant {
  readonly user: string;
  readonly namespaces: '*' | readonly string[];
  /** May get imagestreams/layers (the edit role has it, view does not); default true. */
  readonly layers?: boolean;
}

export type Fault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly reason?: string;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'server-timeout'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'reset-mid-body' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'invalid-json' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number }
  /** A 200 whose body never ends (until the client gives up). */
  | { readonly kind: 'endless' };

/** Faults drawn at random for a share of requests, from a seeded generator (reproducible). */
export interface RandomFaults {
  /** Share of matching requests that get a fault, 0 to 1. */
  readonly rate: number;
  readonly seed: number;
  readonly faults: readonly Fault[];
  /** Only requests for this resource. */
  readonly resource?: string;
}

export interface FaultRule {
  /** Only requests for this resource (e.g. `imagestreamimages`, `imagestreams`). */
  readonly resource?: string;
  /** Only requests whose decoded path contains this text. */
  readonly pathIncludes?: string;
  readonly fault: Fault;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly resource: string;
  /** ms since the simulator started (performance.now based). */
  readonly at: number;
}

export interface SimulatorOptions {
  readonly name: string;
  readonly port?: number;
  readonly host?: string;
  /** Added before every answer. */
  readonly latencyMs?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly seed?: SeedData;
  readonly seedOptions?: SeedOptions;
  /** Tokens and what they may read; default: `demo-token-<name>` reads everything. */
  readonly tokens?: Readonly<Record<string, TokenGrant>>;
  /** How many request records to keep (counters are always exact). Default 100000. */
  readonly maxRecords?: number;
}

export interface Simulator {
  readonly name: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly data: SeedData;
  /** Requests answered or in progress, newest last (bounded by maxRecords). */
  readonly requests: readonly RequestRecord[];
  /** Requests seen per resource since start or the last reset. */
  count(resource?: string): number;
  resetCounts(): void;
  /** Scripted faults, applied in order to matching requests. */
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Draws faults at random from now on (undefined stops it); the count of faults served is returned by faultsServed. */
  setRandomFaults(random: RandomFaults | undefined): void;
  readonly faultsServed: number;
  /** Makes every continue token handed out so far expire (410 ResourceExpired). */
  expireContinueTokens(): void;
  latencyMs: number;
  close(): Promise<void>;
}

const GROUP = 'image.openshift.io';
const GROUP_PATH = `/apis/${GROUP}/v1`;

function status(
  code: number,
  reason: string,
  message: string,
  details?: Status['details'],
): Status {
  const body: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return body;
}

function notFound(resource: string, name: string): Status {
  const [group, kind] =
    resource === 'imagestreamimage' ? [GROUP, 'imagestreamimage'] : [GROUP, resource];
  return status(404, 'NotFound', `${resource}.${GROUP} "${name}" not found`, { name, group, kind });
}

const NO_ROUTE = status(404, 'NotFound', 'the server could not find the requested resource');

/** Drops what imagestreamimages and imagestreamtags never return (server code: blanked). */
function blanked(image: Image): Image {
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  return rest;
}

/** Every digest a stream can resolve: its full tag history plus manifest-list children. */
function candidateDigests(s: ImageStream, images: Map<string, Image>): string[] {
  const out = new Set<string>();
  for (const tag of s.status?.tags ?? []) {
    for (const item of tag.items ?? []) {
      out.add(item.image);
      for (const child of images.get(item.image)?.dockerImageManifests ?? []) out.add(child.digest);
    }
  }
  return [...out];
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class Router {
  constructor(
    private readonly data: SeedData,
    private readonly tokens: Readonly<Record<string, TokenGrant>>,
    private readonly continueEpoch: () => number,
  ) {}

  /** Which resource a path is for (also used to count and to match faults). */
  static resourceOf(segments: readonly string[]): string {
    if (segments[0] === 'version') return 'version';
    if (segments[0] !== 'apis' || segments[1] !== GROUP || segments[2] !== 'v1') return 'discovery';
    const rest = segments.slice(3);
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const resource = rest[2] ?? '';
      return rest.length >= 5 ? `${resource}/${rest[4]}` : resource;
    }
    return rest[0] ?? 'discovery';
  }

  route(
    method: string,
    segments: string[],
    query: URLSearchParams,
    authorization: string | undefined,
  ): Answer {
    if (segments[0] === 'version') return { status: 200, body: VERSION };
    if (segments.length === 1 && segments[0] === 'api') return { status: 200, body: API_VERSIONS };
    if (segments.length === 2 && segments[0] === 'api' && segments[1] === 'v1')
      return { status: 200, body: { kind: 'APIResourceList', groupVersion: 'v1', resources: [] } };
    if (segments.length === 1 && segments[0] === 'apis')
      return { status: 200, body: API_GROUP_LIST };
    if (segments.length === 2 && segments[0] === 'apis' && segments[1] === GROUP)
      return { status: 200, body: API_GROUP };
    if (segments.length === 3 && `/${segments.join('/')}` === GROUP_PATH)
      return { status: 200, body: apiResourceList() };
    if (segments[0] !== 'apis' || segments[1] !== GROUP || segments[2] !== 'v1')
      return { status: 404, body: NO_ROUTE };

    const rest = segments.slice(3);
    const namespaced = rest[0] === 'namespaces';
    const namespace = namespaced ? (rest[1] ?? '') : undefined;
    const resourcePath = namespaced ? rest.slice(2) : rest;
    const [resource = '', name, subresource] = resourcePath;
    if (!KNOWN_RESOURCES.has(resource) || (namespaced && !rest[1]))
      return { status: 404, body: NO_ROUTE };
    if (method !== 'GET') {
      return {
        status: 405,
        body: status(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      };
    }

    const checked = subresource === undefined ? resource : `${resource}/${subresource}`;
    const denied = this.authorize(authorization, checked, namespace, name);
    if (denied) return denied;

    switch (resource) {
      case 'imagestreamimages':
        if (namespace === undefined || name === undefined) return { status: 404, body: NO_ROUTE };
        return this.imageStreamImage(namespace, name);
      case 'imagestreams':
        if (name === undefined) return this.listStreams(namespace, query);
        if (namespace === undefined) return { status: 404, body: NO_ROUTE };
        if (subresource === 'layers') return this.layers(namespace, name);
        if (subresource !== undefined) return { status: 404, body: NO_ROUTE };
        return this.stream(namespace, name);
      case 'imagestreamtags':
        if (namespace === undefined || name === undefined) return { status: 404, body: NO_ROUTE };
        return this.imageStreamTag(namespace, name);
      case 'images':
        if (namespace !== undefined) return { status: 404, body: NO_ROUTE };
        if (name === undefined)
          return {
            status: 200,
            body: {
              kind: 'ImageList',
              apiVersion: 'image.openshift.io/v1',
              metadata: { resourceVersion: '5000' },
              items: [...this.data.images.values()],
            },
          };
        return this.image(name);
      default:
        return { status: 404, body: NO_ROUTE };
    }
  }

  private authorize(
    authorization: string | undefined,
    resource: string,
    namespace: string | undefined,
    name: string | undefined,
  ): Answer | undefined {
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    const verb = name === undefined ? 'list' : 'get';
    const forbidden = (user: string): Answer => {
      const where =
        namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      const subject = name === undefined ? resource : `${resource}.${GROUP} "${name}"`;
      return {
        status: 403,
        body: status(
          403,
          'Forbidden',
          `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${GROUP}" ${where}`,
          {
            ...(name === undefined ? {} : { name }),
            group: GROUP,
            kind: resource,
          },
        ),
      };
    };
    if (!match) return forbidden('system:anonymous');
    const grant = this.tokens[match[1] ?? ''];
    if (!grant) return { status: 401, body: status(401, 'Unauthorized', 'Unauthorized') };
    if (resource === 'imagestreams/layers' && grant.layers === false) return forbidden(grant.user);
    if (grant.namespaces === '*') return undefined;
    if (namespace === undefined || !grant.namespaces.includes(namespace))
      return forbidden(grant.user);
    return undefined;
  }

  private findStream(namespace: string, name: string): ImageStream | undefined {
    return this.data.streams.get(namespace)?.get(name);
  }

  private imageStreamImage(namespace: string, name: string): Answer {
    const at = name.split('@');
    if (at.length !== 2 || !at[0] || !at[1]) {
      return {
        status: 400,
        body: status(400, 'BadRequest', 'ImageStreamImages must be retrieved with <name>@<id>'),
      };
    }
    const [streamName, id] = at as [string, string];
    const s = this.findStream(namespace, streamName);
    if (!s) return { status: 404, body: notFound('imagestreams', streamName) };
    const digest = candidateDigests(s, this.data.images).find(
      (d) => d.startsWith(id) || d.slice(d.indexOf(':') + 1).startsWith(id),
    );
    if (!digest) return { status: 404, body: notFound('imagestreamimage', name) };
    const image = this.data.images.get(digest);
    if (!image) return { status: 404, body: notFound('images', digest) };
    const body: ImageStreamImage = {
      kind: 'ImageStreamImage',
      apiVersion: 'image.openshift.io/v1',
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

  private stream(namespace: string, name: string): Answer {
    const s = this.findStream(namespace, name);
    return s ? { status: 200, body: s } : { status: 404, body: notFound('imagestreams', name) };
  }

  private listStreams(namespace: string | undefined, query: URLSearchParams): Answer {
    const all: ImageStream[] = [];
    const namespaces = namespace === undefined ? [...this.data.streams.keys()].sort() : [namespace];
    for (const ns of namespaces) {
      const streams = this.data.streams.get(ns);
      if (!streams) continue;
      for (const key of [...streams.keys()].sort()) all.push(streams.get(key) as ImageStream);
    }
    let start = 0;
    const token = query.get('continue');
    if (token) {
      const parsed = decodeContinue(token);
      if (!parsed)
        return {
          status: 400,
          body: status(400, 'BadRequest', 'continue key is not valid: illegal base64 data'),
        };
      if (parsed.epoch !== this.continueEpoch()) {
        const fresh = encodeContinue({ epoch: this.continueEpoch(), start: parsed.start });
        const body = status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
        body.metadata = { continue: fresh };
        return { status: 410, body };
      }
      start = parsed.start;
    }
    const limitText = query.get('limit');
    const limit = limitText ? Number(limitText) : 0;
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const list: ImageStreamList = {
      kind: 'ImageStreamList',
      apiVersion: 'image.openshift.io/v1',
      metadata: { resourceVersion: '5000' },
      items: all.slice(start, end),
    };
    if (end < all.length && list.metadata) {
      list.metadata.continue = encodeContinue({ epoch: this.continueEpoch(), start: end });
      list.metadata.remainingItemCount = all.length - end;
    }
    return { status: 200, body: list };
  }

  private layers(namespace: string, name: string): Answer {
    const s = this.findStream(namespace, name);
    if (!s) return { status: 404, body: notFound('imagestreams', name) };
    const body: ImageStreamLayers = {
      kind: 'ImageStreamLayers',
      apiVersion: 'image.openshift.io/v1',
      metadata: s.metadata,
      blobs: {},
      images: {},
    };
    for (const digest of candidateDigests(s, this.data.images)) {
      const image = this.data.images.get(digest);
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
    return { status: 200, body };
  }

  private imageStreamTag(namespace: string, name: string): Answer {
    const parts = name.split(':');
    if (parts.length !== 2 || name.includes('@') || !parts[0] || !parts[1]) {
      return {
        status: 400,
        body: status(400, 'BadRequest', 'ImageStreamTags must be retrieved with <name>:<tag>'),
      };
    }
    const [streamName, tag] = parts as [string, string];
    const s = this.findStream(namespace, streamName);
    if (!s) return { status: 404, body: notFound('imagestreams', streamName) };
    const event = s.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
    if (!event) return { status: 404, body: notFound('imagestreamtags', name) };
    const image = this.data.images.get(event.image);
    if (!image) return { status: 404, body: notFound('images', event.image) };
    const spec = s.spec?.tags?.find((t) => t.name === tag) ?? null;
    return {
      status: 200,
      body: {
        kind: 'ImageStreamTag',
        apiVersion: 'image.openshift.io/v1',
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
        image: { ...blanked(image), dockerImageReference: event.dockerImageReference },
      },
    };
  }

  private image(name: string): Answer {
    const image = this.data.images.get(name);
    return image ? { status: 200, body: image } : { status: 404, body: notFound('images', name) };
  }
}

const KNOWN_RESOURCES = new Set([
  'imagestreamimages',
  'imagestreams',
  'imagestreamtags',
  'images',
  'imagetags',
  'imagesignatures',
]);

const VERSION = {
  major: '1',
  minor: '29',
  gitVersion: 'v1.29.0+simulated',
  gitCommit: 'simulated',
  gitTreeState: 'clean',
  buildDate: '2024-03-01T00:00:00Z',
  goVersion: 'go1.21.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};
const API_VERSIONS = {
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
};
const API_GROUP = {
  kind: 'APIGroup',
  apiVersion: 'v1',
  name: GROUP,
  versions: [{ groupVersion: `${GROUP}/v1`, version: 'v1' }],
  preferredVersion: { groupVersion: `${GROUP}/v1`, version: 'v1' },
};
const API_GROUP_LIST = { kind: 'APIGroupList', apiVersion: 'v1', groups: [API_GROUP] };

interface DiscoveryResource {
  resource: string;
  singularResource?: string;
  scope: string;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  responseKind: { kind: string };
  subresources?: { subresource: string; verbs: string[]; responseKind: { kind: string } }[];
}

let resourceListCache: unknown;
/** The legacy APIResourceList, derived from the real aggregated discovery document. */
function apiResourceList(): unknown {
  if (resourceListCache) return resourceListCache;
  const discovery = readFixture<{ versions: { resources: DiscoveryResource[] }[] }>(
    'discovery-image-openshift-io.json',
  );
  const resources: unknown[] = [];
  for (const r of discovery.versions[0]?.resources ?? []) {
    resources.push({
      name: r.resource,
      singularName: r.singularResource ?? '',
      namespaced: r.scope === 'Namespaced',
      kind: r.responseKind.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources ?? []) {
      resources.push({
        name: `${r.resource}/${sub.subresource}`,
        singularName: '',
        namespaced: r.scope === 'Namespaced',
        kind: sub.responseKind.kind,
        verbs: sub.verbs,
      });
    }
  }
  resourceListCache = {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${GROUP}/v1`,
    resources,
  };
  return resourceListCache;
}

function encodeContinue(value: { epoch: number; start: number }): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5000, ...value })).toString(
    'base64',
  );
}

function decodeContinue(token: string): { epoch: number; start: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      epoch?: unknown;
      start?: unknown;
    };
    if (typeof parsed.epoch === 'number' && typeof parsed.start === 'number')
      return { epoch: parsed.epoch, start: parsed.start };
  } catch {
    // falls through: an invalid token
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function createSimulator(options: SimulatorOptions): Promise<Simulator> {
  const data = options.seed ?? createSeed(options.name, options.seedOptions);
  const tokens = options.tokens ?? {
    [`demo-token-${options.name}`]: {
      user: `system:serviceaccount:image-gateway:${options.name}-reader`,
      namespaces: '*',
    },
  };
  const maxRecords = options.maxRecords ?? 100_000;
  const started = performance.now();
  const requests: RequestRecord[] = [];
  const counts = new Map<string, number>();
  let faults: FaultRule[] = [];
  let epoch = 1;
  const router = new Router(data, tokens, () => epoch);

  let randomFaults: { config: RandomFaults; next: () => number } | undefined;
  let faultsServed = 0;
  const takeFault = (resource: string, path: string): Fault | undefined => {
    const drawn = takeScripted(resource, path) ?? takeRandom(resource);
    if (drawn) faultsServed += 1;
    return drawn;
  };
  const takeRandom = (resource: string): Fault | undefined => {
    if (
      !randomFaults ||
      (randomFaults.config.resource !== undefined && randomFaults.config.resource !== resource)
    )
      return undefined;
    if (randomFaults.next() >= randomFaults.config.rate) return undefined;
    const kinds = randomFaults.config.faults;
    return kinds[Math.floor(randomFaults.next() * kinds.length)];
  };
  const takeScripted = (resource: string, path: string): Fault | undefined => {
    const rule = faults.find(
      (f) =>
        (f.resource === undefined || f.resource === resource) &&
        (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (!rule) return undefined;
    rule.times = (rule.times ?? 1) - 1;
    if (rule.times <= 0) faults = faults.filter((f) => f !== rule);
    return rule.fault;
  };

  const sim: { latencyMs: number } = { latencyMs: options.latencyMs ?? 0 };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://simulator');
      let segments: string[];
      try {
        segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        segments = ['invalid'];
      }
      const path = `/${segments.join('/')}`;
      const method = req.method ?? 'GET';
      if (segments[0] === '_simulator') {
        // Control endpoints for a simulator in another process (benchmarks, docker-compose);
        // not part of the Kubernetes API and never counted.
        req.resume();
        if (segments[1] === 'stats') {
          const resource = url.searchParams.get('resource') ?? 'imagestreamimages';
          const arrivals = requests.filter((r) => r.resource === resource).map((r) => r.at);
          send(res, 200, JSON.stringify({ counts: Object.fromEntries(counts), arrivals }));
        } else if (segments[1] === 'reset' && method === 'POST') {
          counts.clear();
          requests.length = 0;
          send(res, 200, '{}');
        } else {
          send(res, 404, JSON.stringify(NO_ROUTE));
        }
        return;
      }
      const resource = Router.resourceOf(segments);
      // Oldest half dropped at once: amortised O(1), where shift() would be O(n) per request.
      if (requests.length >= maxRecords) requests.splice(0, Math.ceil(maxRecords / 2));
      requests.push({ method, path, resource, at: performance.now() - started });
      counts.set(resource, (counts.get(resource) ?? 0) + 1);
      counts.set('*', (counts.get('*') ?? 0) + 1);
      req.resume();

      if (sim.latencyMs > 0) await sleep(sim.latencyMs);
      const fault = takeFault(resource, path);
      if (fault && (await applyFault(fault, res))) return;

      const answer = router.route(method, segments, url.searchParams, req.headers.authorization);
      send(res, answer.status, JSON.stringify(answer.body), answer.headers);
    })().catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, JSON.stringify(status(500, 'InternalError', `simulator: ${String(err)}`)));
      else res.destroy();
    });
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    name: options.name,
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    data,
    requests,
    count: (resource = '*') => counts.get(resource) ?? 0,
    resetCounts: () => {
      counts.clear();
      requests.length = 0;
    },
    addFault: (rule) => {
      faults.push({ ...rule });
    },
    clearFaults: () => {
      faults = [];
    },
    setRandomFaults: (config) => {
      randomFaults = config ? { config, next: seededRandom(config.seed) } : undefined;
    },
    get faultsServed() {
      return faultsServed;
    },
    expireContinueTokens: () => {
      epoch += 1;
    },
    get latencyMs() {
      return sim.latencyMs;
    },
    set latencyMs(value: number) {
      sim.latencyMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: http.ServerResponse,
  code: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Applies a fault; returns true when the fault fully answered (or killed) the request. */
async function applyFault(fault: Fault, res: http.ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'status': {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(fault.retryAfterSeconds) };
      send(
        res,
        fault.status,
        JSON.stringify(
          status(fault.status, fault.reason ?? 'InternalError', `simulated ${fault.status}`),
        ),
        headers,
      );
      return true;
    }
    case 'rate-limit': {
      // The API server's max-in-flight and APF filters answer 429 in plain text, not a Status.
      const body = 'Too many requests, please try again later.\n';
      res.writeHead(429, {
        'content-type': 'text/plain; charset=utf-8',
        'retry-after': String(fault.retryAfterSeconds),
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return true;
    }
    case 'server-timeout': {
      const seconds = fault.retryAfterSeconds ?? 2;
      const body = status(
        500,
        'ServerTimeout',
        'The get operation against imagestreams.image.openshift.io could not be completed at this time, please try again.',
        {
          name: 'get',
          group: GROUP,
          kind: 'imagestreams',
          retryAfterSeconds: seconds,
        },
      );
      send(res, 500, JSON.stringify(body), { 'retry-after': String(seconds) });
      return true;
    }
    case 'unavailable':
      send(
        res,
        503,
        JSON.stringify(
          status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
        ),
      );
      return true;
    case 'reset':
      res.socket?.destroy();
      return true;
    case 'reset-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write(
        '{"kind":"ImageStreamImage","apiVersion":"image.openshift.io/v1","metadata":{"name":"',
      );
      await sleep(5);
      res.socket?.destroy();
      return true;
    case 'truncate':
      // A complete HTTP message whose JSON stops half-way (chunked, properly terminated).
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        '{"kind":"ImageStreamImage","apiVersion":"image.openshift.io/v1","metadata":{"name":"',
      );
      return true;
    case 'invalid-json':
      send(res, 200, '<html><body>Application is not available</body></html>');
      return true;
    case 'hang':
      return true;
    case 'endless': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"ImageStreamImage","metadata":{"name":"');
      const chunk = 'x'.repeat(64 * 1024);
      // Bounded by the client: it stops reading, the socket closes, and so does this loop.
      for (let sent = 0; sent < 1024 ** 3 && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk))
          await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.destroy();
      return true;
    }
  }
}
