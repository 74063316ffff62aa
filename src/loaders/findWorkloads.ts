import { GatewayError } from '../errors.js';
import { isRecord } from '../isRecord.js';
import { isOwnerKind } from '../upstream/resources.js';
import type { OwnerReference, Pod, WorkloadOwner } from '../upstream/types.js';
import type { OwnerKey, ScopeKey, WorkloadsKey } from './keys.js';

/** The tag a workload follows: an ImageStreamTag named by a trigger. */
export interface ImageTriggerRef {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
}

/**
 * One workload found running an image: the top owner of its pods (or the pod itself), with
 * what the pods report. Identified by (cluster, namespace, kind, name) — what an opaque node id
 * would encode — plus the digest, as pods of one workload may run two digests mid-rollout.
 */
export interface FoundWorkload {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** Containers and init containers running the digest, sorted. */
  readonly containers: readonly string[];
  /** Pods running it, sorted. */
  readonly pods: readonly string[];
  readonly runningDigest: string;
  readonly trigger: ImageTriggerRef | undefined;
  /** A stream the running image can be read through: the trigger's, else the pull spec's. */
  readonly imageStream: { readonly namespace: string; readonly stream: string } | undefined;
}

/** Workloads of one cluster and the errors of the scopes that could not be read (partial result). */
export interface WorkloadScan {
  readonly workloads: readonly FoundWorkload[];
  readonly errors: readonly GatewayError[];
}

/** A pod reduced to what the join reads (a page of real pods is large; this is kept). */
export interface PodSummary {
  readonly namespace: string;
  readonly name: string;
  readonly controller: OwnerReference | undefined;
  readonly containers: readonly RunningContainer[];
}

export interface RunningContainer {
  readonly name: string;
  readonly digest: string;
  /** The integrated-registry stream of its pull spec, when it is one. */
  readonly stream: { readonly namespace: string; readonly stream: string } | undefined;
}

/** What the join reads, each through a per-request loader (deduplicated, budgeted). */
export interface WorkloadReaders {
  pods(scope: ScopeKey): Promise<readonly PodSummary[]>;
  /** The namespaces the credentials can see, for when pods cannot be listed cluster-wide. */
  namespaces?(cluster: string): Promise<readonly string[]>;
  owner(key: OwnerKey): Promise<WorkloadOwner>;
  /**
   * The child digests of `digest` read through a stream (empty when it is not a manifest
   * list), or undefined when the stream does not resolve it or may not be read.
   */
  children(
    cluster: string,
    namespace: string,
    stream: string,
    digest: string,
  ): Promise<readonly string[] | undefined>;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** `<registry service>/<namespace>/<stream>`: the integrated registry's pull specs. */
const INTERNAL_REPOSITORY =
  /^image-registry\.openshift-image-registry\.svc(?::\d+)?\/([a-z0-9-]+)\/([a-z0-9._-]+)$/;
/** A container named in a trigger's fieldPath: `…containers[?(@.name=="app")].image`. */
const FIELD_PATH_CONTAINER = /[cC]ontainers\[\?\(@\.name==["']([^"']{1,253})["']\)\]/;

/** Owners above a pod that are followed at most (ReplicaSet → Deployment is 2). */
const MAX_OWNER_DEPTH = 4;
/** Manifest-list look-ups (ImageStreamImage reads) one cluster's join may make. */
export const MAX_LIST_LOOKUPS = 64;
/** An image.openshift.io/triggers annotation longer than this is not read. */
const MAX_TRIGGERS_BYTES = 64 * 1024;
const TRIGGERS_ANNOTATION = 'image.openshift.io/triggers';

/**
 * The digest a container status reports, in each form the kubelet writes it
 * (openshift-image-api.md §6.3): `<repo>@sha256:<hex>`, `docker-pullable://<repo>@sha256:<hex>`,
 * or a bare `sha256:<hex>`. Empty (still pulling) and other forms (`docker://sha256:…` is an
 * image id, not a manifest digest) give undefined.
 */
export function parseImageId(imageId: string): { digest: string; repository?: string } | undefined {
  const rest = imageId.startsWith('docker-pullable://')
    ? imageId.slice('docker-pullable://'.length)
    : imageId;
  if (DIGEST.test(rest)) return { digest: rest };
  const at = rest.lastIndexOf('@');
  if (at <= 0) return undefined;
  const digest = rest.slice(at + 1);
  if (!DIGEST.test(digest) || rest.includes('://')) return undefined;
  return { digest, repository: rest.slice(0, at) };
}

/** The integrated-registry stream of a repository or pull spec (tag or digest dropped). */
export function streamOfPullSpec(
  pullSpec: string | undefined,
): { namespace: string; stream: string } | undefined {
  if (!pullSpec) return undefined;
  let repo = pullSpec.split('@')[0] ?? '';
  const slash = repo.lastIndexOf('/');
  const colon = repo.lastIndexOf(':');
  if (colon > slash) repo = repo.slice(0, colon);
  const m = INTERNAL_REPOSITORY.exec(repo);
  if (!m) return undefined;
  const [, namespace = '', stream = ''] = m;
  return DNS1123_LABEL.test(namespace) && STREAM_NAME.test(stream)
    ? { namespace, stream }
    : undefined;
}

/** The managing owner (`controller: true`) of an object, when there is one. */
function controllerOf(
  refs: readonly OwnerReference[] | null | undefined,
): OwnerReference | undefined {
  return (refs ?? []).find((r) => r.controller === true);
}

/** A pod as the join reads it: one entry per container (and init container) that reports a digest. */
export function summarisePod(pod: Pod): PodSummary {
  const containers: RunningContainer[] = [];
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const s of statuses) {
    const parsed = parseImageId(s.imageID ?? '');
    if (!parsed) continue;
    containers.push({
      name: s.name,
      digest: parsed.digest,
      stream: streamOfPullSpec(parsed.repository) ?? streamOfPullSpec(s.image),
    });
  }
  return {
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    controller: controllerOf(pod.metadata.ownerReferences),
    containers,
  };
}

/** `<stream>:<tag>` in `namespace` (default: the workload's), or undefined when malformed. */
function tagReference(
  name: unknown,
  namespace: unknown,
  defaultNamespace: string,
): ImageTriggerRef | undefined {
  if (typeof name !== 'string') return undefined;
  const parts = name.split(':');
  const [stream = '', tag = ''] = parts;
  const ns = typeof namespace === 'string' && namespace !== '' ? namespace : defaultNamespace;
  if (parts.length !== 2 || !STREAM_NAME.test(stream) || !TAG.test(tag)) return undefined;
  if (ns.length > 63 || !DNS1123_LABEL.test(ns)) return undefined;
  return { namespace: ns, stream, tag };
}

/**
 * The tag an owner follows for one of `containers`: a DeploymentConfig's ImageChange trigger
 * (its containerNames, all when empty), else the `image.openshift.io/triggers` annotation
 * (a JSON list of `{from: {kind: ImageStreamTag, name, namespace?}, fieldPath}`). A malformed
 * annotation or entry is no trigger: it is data of the cluster's users, not the gateway's.
 */
export function triggerOf(
  owner: WorkloadOwner | undefined,
  containers: readonly string[],
): ImageTriggerRef | undefined {
  if (!owner) return undefined;
  const namespace = owner.metadata.namespace ?? '';
  for (const t of owner.spec?.triggers ?? []) {
    const params = t.imageChangeParams;
    if (t.type !== 'ImageChange' || !params || params.from?.kind !== 'ImageStreamTag') continue;
    const names = params.containerNames ?? [];
    if (names.length > 0 && !names.some((n) => containers.includes(n))) continue;
    const ref = tagReference(params.from.name, params.from.namespace, namespace);
    if (ref) return ref;
  }
  const text = owner.metadata.annotations?.[TRIGGERS_ANNOTATION];
  if (typeof text !== 'string' || text.length > MAX_TRIGGERS_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  for (const entry of parsed.slice(0, 100) as unknown[]) {
    if (!isRecord(entry) || !isRecord(entry['from'])) continue;
    const from = entry['from'];
    if (from['kind'] !== 'ImageStreamTag') continue;
    const fieldPath = entry['fieldPath'];
    const container =
      typeof fieldPath === 'string' ? FIELD_PATH_CONTAINER.exec(fieldPath)?.[1] : undefined;
    if (container === undefined || !containers.includes(container)) continue;
    const ref = tagReference(from['name'], from['namespace'], namespace);
    if (ref) return ref;
  }
  return undefined;
}

interface TopOwner {
  readonly kind: string;
  readonly name: string;
  readonly object: WorkloadOwner | undefined;
}

/**
 * Follows a pod's controller chain upwards (ReplicaSet → Deployment, ReplicationController →
 * DeploymentConfig, Job → CronJob; StatefulSet, DaemonSet directly), each owner read once per
 * request through the loader. The chain stops at a kind the gateway does not read (a custom
 * controller), at a malformed name, at an owner gone (404), and at one the caller may not read
 * (reported in `errors`, the workload kept at the last owner known).
 */
async function topOwnerOf(
  readers: WorkloadReaders,
  cluster: string,
  pod: PodSummary,
  errors: GatewayError[],
): Promise<TopOwner> {
  let ref = pod.controller;
  if (!ref) return { kind: 'Pod', name: pod.name, object: undefined };
  let object: WorkloadOwner | undefined;
  for (let depth = 0; depth < MAX_OWNER_DEPTH; depth++) {
    if (!isOwnerKind(ref.kind) || ref.name.length > 253 || !DNS1123_SUBDOMAIN.test(ref.name)) {
      return { kind: ref.kind, name: ref.name, object: undefined };
    }
    try {
      object = await readers.owner({
        cluster,
        namespace: pod.namespace,
        kind: ref.kind,
        name: ref.name,
      });
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'NOT_FOUND') {
        if (err instanceof GatewayError && !errors.includes(err)) errors.push(err);
        else if (!(err instanceof GatewayError)) throw err;
      }
      return { kind: ref.kind, name: ref.name, object: undefined };
    }
    const next = controllerOf(object.metadata.ownerReferences);
    if (!next || !isOwnerKind(next.kind)) return { kind: ref.kind, name: ref.name, object };
    ref = next;
  }
  return { kind: ref.kind, name: ref.name, object };
}

/** A cluster-wide list refused: the same error, saying what to do instead. */
function scopeError(err: unknown, scope: ScopeKey, what: string): GatewayError {
  if (!(err instanceof GatewayError)) {
    return new GatewayError(
      'INTERNAL_SERVER_ERROR',
      `cluster "${scope.cluster}": listing ${what} failed`,
      {
        cluster: scope.cluster,
        cause: err,
      },
    );
  }
  if (scope.namespace === undefined && err.code === 'FORBIDDEN') {
    return new GatewayError(
      'FORBIDDEN',
      `${err.message} (the credentials cannot list ${what} cluster-wide; pass the namespaces to search)`,
      { cluster: err.cluster ?? scope.cluster, upstream: err.upstream, cause: err },
    );
  }
  return err;
}

/** Namespaces read one by one, at most, when a cluster-wide list is refused. */
export const MAX_FALLBACK_NAMESPACES = 100;

/**
 * Lists one kind over the key's scopes: the items of the scopes read, an error per scope that
 * failed. Without namespaces, the cluster-wide list; when that is refused (a namespace viewer),
 * each namespace the credentials can see (`visibleNamespaces`, what `oc projects` lists), up to
 * MAX_FALLBACK_NAMESPACES — past that, the refusal, saying to name the namespaces.
 */
export async function overScopes<T>(
  cluster: string,
  namespaces: readonly string[] | undefined,
  what: string,
  read: (scope: ScopeKey) => Promise<readonly T[]>,
  visibleNamespaces?: () => Promise<readonly string[]>,
): Promise<{ items: T[]; errors: GatewayError[] }> {
  if (namespaces === undefined && visibleNamespaces) {
    const all: ScopeKey = { cluster, namespace: undefined };
    try {
      return { items: [...(await read(all))], errors: [] };
    } catch (err) {
      const refused = scopeError(err, all, what);
      if (!(err instanceof GatewayError) || err.code !== 'FORBIDDEN') {
        return { items: [], errors: [refused] };
      }
      let visible: readonly string[];
      try {
        visible = await visibleNamespaces();
      } catch {
        return { items: [], errors: [refused] };
      }
      if (visible.length > MAX_FALLBACK_NAMESPACES) return { items: [], errors: [refused] };
      return overScopes(cluster, visible, what, read);
    }
  }
  const scopes: ScopeKey[] = (namespaces ?? [undefined]).map((namespace) => ({
    cluster,
    namespace,
  }));
  const results = await Promise.all(
    scopes.map((scope) =>
      read(scope).then(
        (items) => ({ items, error: undefined }),
        (err: unknown) => ({ items: [] as readonly T[], error: scopeError(err, scope, what) }),
      ),
    ),
  );
  return {
    items: results.flatMap((r) => r.items),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

/**
 * The workloads of one cluster whose pods run one of the key's digests: directly, or as a child
 * or parent manifest list of it (read through the pod's integrated-registry stream: a pod may
 * report the list's digest or its platform child's). Pods are listed cluster-wide or per
 * namespace; each scope that fails is an error next to the others' workloads.
 */
export async function findWorkloads(
  readers: WorkloadReaders,
  key: WorkloadsKey,
): Promise<WorkloadScan> {
  const { cluster } = key;
  const targets = new Set(key.digests);
  const { items: pods, errors } = await overScopes(
    cluster,
    key.namespaces,
    'pods',
    (scope) => readers.pods(scope),
    readers.namespaces ? () => readers.namespaces?.(cluster) ?? Promise.resolve([]) : undefined,
  );

  const owners = new Map<string, Promise<TopOwner>>();
  const ownerOf = (pod: PodSummary): Promise<TopOwner> => {
    const id = pod.controller
      ? `${pod.namespace}\0${pod.controller.kind}\0${pod.controller.name}`
      : `${pod.namespace}\0Pod\0${pod.name}`;
    let top = owners.get(id);
    if (!top) owners.set(id, (top = topOwnerOf(readers, cluster, pod, errors)));
    return top;
  };
  // Owners of the direct matches are read while the manifest-list relations (containers whose
  // digest is not a target but whose stream is known) are looked up: one wave, not two.
  for (const pod of pods)
    if (pod.containers.some((c) => targets.has(c.digest))) void ownerOf(pod).catch(() => undefined);
  const { related, problems } = await listRelations(readers, cluster, pods, targets);
  errors.push(...problems);
  const matched: { pod: PodSummary; container: RunningContainer }[] = [];
  for (const pod of pods)
    for (const container of pod.containers)
      if (targets.has(container.digest) || related.has(relationKey(container)))
        matched.push({ pod, container });

  const groups = new Map<
    string,
    {
      top: TopOwner;
      pod: PodSummary;
      digest: string;
      containers: Set<string>;
      pods: Set<string>;
      streams: RunningContainer['stream'][];
    }
  >();
  for (const { pod, container } of matched) {
    const resolved = await ownerOf(pod);
    const id = `${pod.namespace}\0${resolved.kind}\0${resolved.name}\0${container.digest}`;
    let group = groups.get(id);
    if (!group) {
      group = {
        top: resolved,
        pod,
        digest: container.digest,
        containers: new Set(),
        pods: new Set(),
        streams: [],
      };
      groups.set(id, group);
    }
    group.containers.add(container.name);
    group.pods.add(pod.name);
    group.streams.push(container.stream);
  }
  const workloads = [...groups.values()].map((g): FoundWorkload => {
    const containers = [...g.containers].sort();
    const trigger = triggerOf(g.top.object, containers);
    return {
      cluster,
      namespace: g.pod.namespace,
      kind: g.top.kind,
      name: g.top.name,
      containers,
      pods: [...g.pods].sort(),
      runningDigest: g.digest,
      trigger,
      imageStream: trigger
        ? { namespace: trigger.namespace, stream: trigger.stream }
        : g.streams.find((s) => s !== undefined),
    };
  });
  workloads.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name) ||
      a.runningDigest.localeCompare(b.runningDigest),
  );
  // One error per code and message: 4,000 owners past the budget are one error, not 4,000.
  const distinct = new Map<string, GatewayError>();
  for (const err of errors)
    distinct.set(`${err.code}\0${err.message}`, distinct.get(`${err.code}\0${err.message}`) ?? err);
  return { workloads, errors: [...distinct.values()] };
}

const relationKey = (c: RunningContainer): string =>
  c.stream ? `${c.stream.namespace}/${c.stream.stream}@${c.digest}` : '';

/**
 * Which (stream, digest) pairs of the pods are a manifest list holding a target, or a child of
 * a target list: one ImageStreamImage read per distinct pair and per (stream, target), at most
 * MAX_LIST_LOOKUPS in all, each through the batched loader.
 */
async function listRelations(
  readers: WorkloadReaders,
  cluster: string,
  pods: readonly PodSummary[],
  targets: ReadonlySet<string>,
): Promise<{ related: Set<string>; problems: GatewayError[] }> {
  const candidates = new Map<string, RunningContainer>();
  for (const pod of pods)
    for (const c of pod.containers)
      if (c.stream && !targets.has(c.digest)) candidates.set(relationKey(c), c);
  const out = new Set<string>();
  if (candidates.size === 0) return { related: out, problems: [] };
  // What made the answer incomplete, reported next to it (never silent): the cap, and reads
  // that failed for another reason than "not in this stream" (one error per code).
  const state = { capped: false };
  const failures = new Map<string, GatewayError>();
  const lookups = new Map<string, Promise<readonly string[] | undefined>>();
  const lookup = (
    namespace: string,
    stream: string,
    digest: string,
  ): Promise<readonly string[] | undefined> => {
    const id = `${namespace}/${stream}@${digest}`;
    let found = lookups.get(id);
    if (!found) {
      if (lookups.size < MAX_LIST_LOOKUPS) {
        found = readers.children(cluster, namespace, stream, digest).catch((err: unknown) => {
          const error =
            err instanceof GatewayError
              ? err
              : new GatewayError('INTERNAL_SERVER_ERROR', 'a manifest-list look-up failed', {
                  cluster,
                  cause: err,
                });
          if (!failures.has(error.code)) failures.set(error.code, error);
          return undefined;
        });
      } else {
        state.capped = true;
        found = Promise.resolve(undefined);
      }
      lookups.set(id, found);
    }
    return found;
  };
  await Promise.all(
    [...candidates].map(async ([id, c]) => {
      const stream = c.stream;
      if (!stream) return;
      for (const target of targets) {
        // The server resolves `<stream>@<digest>` for every image of the stream's history and
        // every child of a list in it: a target the stream does not resolve is related to
        // nothing in it, and costs no further read.
        // Past the cap a candidate stops at its first read not made yet: iterating every
        // target against settled promises (6,000 pods x 6,000 advisory digests) once starved the
        // event loop for seconds, past every deadline.
        if (
          !lookups.has(`${stream.namespace}/${stream.stream}@${target}`) &&
          lookups.size >= MAX_LIST_LOOKUPS
        ) {
          state.capped = true;
          return;
        }
        const ofTarget = await lookup(stream.namespace, stream.stream, target);
        if (ofTarget === undefined) continue;
        if (ofTarget.includes(c.digest)) {
          out.add(id);
          return;
        }
        const ofRunning = await lookup(stream.namespace, stream.stream, c.digest);
        if (ofRunning?.includes(target)) {
          out.add(id);
          return;
        }
      }
    }),
  );
  const problems = [...failures.values()];
  if (state.capped)
    problems.push(
      new GatewayError(
        'BAD_USER_INPUT',
        `cluster "${cluster}": manifest-list matching stopped after ${MAX_LIST_LOOKUPS} image reads, so pods running a platform of a manifest list (or the list of a platform) beyond them are missing from the answer; search fewer namespaces at once.`,
        { cluster, reason: 'LIST_LOOKUPS_CAPPED' },
      ),
    );
  return { related: out, problems };
}
