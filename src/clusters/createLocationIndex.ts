import { LRUCache } from 'lru-cache';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ImageApiClient } from '../upstream/createImageApiClient.js';
import type { WatchEvent } from '../upstream/readWatchEvents.js';
import type { ImageStream } from '../upstream/types.js';
import { watchBackoffMs } from './watchBackoffMs.js';

/**
 * Where each image is tagged on one cluster, kept current by list + watch of image streams
 * (the informer pattern of client-go: api-concepts "Efficient detection of changes"):
 *
 * - **sync**: list every image stream cluster-wide, a page at a time, with the gateway's own
 *   credentials; the list's resourceVersion is where the watch starts;
 * - **watch** from that version with bookmarks; each event updates the index and moves the
 *   version on (a bookmark moves it without a change), so a watch that ends or drops resumes
 *   from the last version seen and loses nothing;
 * - **410 Gone** (an ERROR event or an expired continue token): the version is too old, list
 *   again, and report what changed since as events (onChange), so nothing is lost to a listener;
 * - **errors** (a cluster down, 5xx, a malformed event): wait `watchBackoffMs` (exponential,
 *   jittered, capped), then resume; 401/403 on the list: the gateway's identity may not list
 *   cluster-wide, the index stays `forbidden` (imageLocations lists instead) and tries again
 *   after the longest backoff.
 *
 * It answers only while `synced`: from a completed list until a watch fails, and again once a
 * watch is open; otherwise imageLocations lists as it always did. It keeps what locations need
 * (per stream: each tag's history of digests and which tags keep manifest lists), never whole
 * objects, and at most `maxEntries` tag history entries: past that it drops everything and
 * stays `overflow` (a bound on memory; the gauge shows it).
 */
export interface LocationIndex {
  readonly cluster: string;
  /** Starts syncing in the background (idempotent). */
  start(): void;
  /** Stops the watch and waits for the loop to end; the index is then `stopped`. */
  stop(): Promise<void>;
  readonly synced: boolean;
  /**
   * Synced, and something arrived within the last `maxAgeMs`: a list, or a watch event, bookmarks
   * included (the API server's watch cache sends one about every minute on a quiet watch), so a
   * connection that died without a word is not taken for a quiet cluster for long.
   */
  heardWithin(maxAgeMs: number): boolean;
  /** Streams whose tag history holds the digest, and streams that may hold it as a list child. */
  lookup(digest: string): IndexLookup;
  /**
   * One stream's entry (undefined: not in the index). Current only while `synced`: callers check
   * that first (createImageStreamImageBatch proves cached images with it).
   */
  stream(namespace: string, name: string): IndexedStream | undefined;
  /** Namespaces → stream names → entry, for callers that need the whole picture (tests, bench). */
  readonly size: { readonly streams: number; readonly entries: number };
  status(): IndexStatus;
  /**
   * The children of a manifest list (`[]`: not a list), once some read showed them. An image's
   * content never changes for its digest, so what one read showed holds for every caller; who may
   * see which stream is decided apart (findIndexedLocations).
   */
  childrenOf(digest: string): readonly string[] | undefined;
  learnChildren(digest: string, children: readonly string[]): void;
  /** Every change applied, after it is applied; returns the unsubscribe function. */
  onChange(listener: (change: IndexChange) => void): () => void;
}

export type IndexState =
  'idle' | 'syncing' | 'synced' | 'resyncing' | 'forbidden' | 'overflow' | 'stopped';

export interface IndexStatus {
  readonly state: IndexState;
  readonly streams: number;
  readonly entries: number;
  readonly resourceVersion: string | null;
  /** Epoch ms of the last completed list. */
  readonly listedAt: number | null;
  /** Epoch ms of the last completed list or applied event (how current the index is known to be). */
  readonly freshAt: number | null;
  readonly lists: number;
  /** Watches opened (the first and every resumption). */
  readonly watches: number;
  readonly lastError: string | null;
}

/** What locations need of one stream. */
export interface IndexedStream {
  readonly namespace: string;
  readonly name: string;
  /** Tag → its history of image digests, newest first. */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  /** Tags imported with importMode PreserveOriginal (only those keep manifest lists). */
  readonly preserved: ReadonlySet<string>;
  /** Tag → the message of its ImportSuccess=False condition. */
  readonly importErrors: ReadonlyMap<string, string>;
  /**
   * The stream's annotations (the API server copies them onto each ImageStreamImage), or `null`
   * when they are larger than MAX_KEPT_ANNOTATION_BYTES: then only a read of the stream has them.
   */
  readonly annotations?: Readonly<Record<string, string>> | null | undefined;
}

export interface IndexLookup {
  readonly direct: readonly IndexedStream[];
  /** Streams with PreserveOriginal tags that do not hold the digest directly. */
  readonly preservedElsewhere: readonly IndexedStream[];
}

/** One applied watch event: the stream before and after (undefined when it did not exist). */
export interface IndexChange {
  readonly cluster: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly namespace: string;
  readonly name: string;
  readonly before: IndexedStream | undefined;
  readonly after: IndexedStream | undefined;
  /** The object as the event carried it (not kept). */
  readonly object: ImageStream;
}

export interface LocationIndexOptions {
  /** Tag history entries kept at most (default 1,000,000). */
  readonly maxEntries?: number | undefined;
  /** Manifest lists whose children are remembered, at most (default 10,000). */
  readonly maxLists?: number | undefined;
  /** Items per list page (default 500). */
  readonly pageSize?: number | undefined;
  /** The server ends each watch after this long; the index resumes it (default 300). */
  readonly watchTimeoutSeconds?: number | undefined;
  /** A watch silent this long is taken for dead (default watchTimeoutSeconds + 30 s). */
  readonly idleMs?: number | undefined;
  /** Waits between failures; injectable so tests never wait (default a real, abortable timer). */
  readonly delay?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  readonly random?: (() => number) | undefined;
  /** The clock (epoch ms); injectable so tests move time instead of waiting (default Date.now). */
  readonly now?: (() => number) | undefined;
  /**
   * A monotonic clock (ms) for heardWithin, which a step of the wall clock (NTP, by hand) must
   * not fool; injectable for tests (default performance.now).
   */
  readonly monotonic?: (() => number) | undefined;
  /**
   * A full list this often (jittered ±10 %), whatever the watch says: bounds how stale the index
   * can be when a watch misses changes without failing (default 10 minutes; 0: never).
   */
  readonly relistMs?: number | undefined;
  /** In `overflow`, a full list is tried again after this long, jittered (default 5 minutes). */
  readonly overflowRetryMs?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Reports streams and entries after each change (the memory gauge). */
  readonly onSize?: ((cluster: string, streams: number, entries: number) => void) | undefined;
}

const realDelay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Thrown inside the loop when the stored version is too old: list again. */
class Gone extends Error {}

/** Thrown inside the loop when a watch ended early without a single event. */
class ShortWatch extends Error {}

/**
 * Consecutive failed turns (errors, or watches that end early without an event) after which the
 * index stops resuming and lists from scratch: a version the server no longer serves (its store
 * was reset, "too large resource version" is a 504, not a 410) is never retried forever.
 */
export const RELIST_AFTER_FAILURES = 3;

/**
 * Consecutive watches that ended early without an event after which the index is no longer
 * `synced` (a server that answers 200 and ends at once delivers nothing: stale, not current)
 * until a watch delivers an event.
 */
export const SHORT_WATCHES_BEFORE_RESYNCING = 3;

/**
 * Annotations kept per stream at most (keys and values, in UTF-16 units): a stream's annotations
 * are small (a check time, a description); larger ones are not kept, so no namespace editor can
 * make the index hold much more than its tag history.
 */
export const MAX_KEPT_ANNOTATION_BYTES = 4096;

function keptAnnotations(
  annotations: Readonly<Record<string, string>> | null | undefined,
): Readonly<Record<string, string>> | null | undefined {
  if (!annotations) return undefined;
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    size += key.length + (typeof value === 'string' ? value.length : 0);
    if (size > MAX_KEPT_ANNOTATION_BYTES) return null;
  }
  return annotations;
}

function entryOf(stream: ImageStream): IndexedStream {
  const tags = new Map<string, string[]>();
  const importErrors = new Map<string, string>();
  for (const tag of stream.status?.tags ?? []) {
    tags.set(
      tag.tag,
      (tag.items ?? []).map((item) => item.image),
    );
    const failed = (tag.conditions ?? []).find(
      (c) => c.type === 'ImportSuccess' && c.status === 'False',
    );
    if (failed) importErrors.set(tag.tag, failed.message ?? failed.reason ?? 'import failed');
  }
  const preserved = new Set(
    (stream.spec?.tags ?? [])
      .filter((t) => t.importPolicy?.importMode === 'PreserveOriginal')
      .map((t) => t.name),
  );
  return {
    namespace: stream.metadata.namespace ?? '',
    name: stream.metadata.name ?? '',
    tags,
    preserved,
    importErrors,
    annotations: keptAnnotations(stream.metadata.annotations),
  };
}

/** Whether two entries of one stream hold the same locations, tags and import states. */
function sameEntry(a: IndexedStream, b: IndexedStream): boolean {
  if (a.tags.size !== b.tags.size || a.importErrors.size !== b.importErrors.size) return false;
  if (a.preserved.size !== b.preserved.size) return false;
  for (const [tag, history] of a.tags) {
    const other = b.tags.get(tag);
    if (!other || other.length !== history.length) return false;
    for (let i = 0; i < history.length; i++) if (history[i] !== other[i]) return false;
  }
  for (const [tag, message] of a.importErrors)
    if (b.importErrors.get(tag) !== message) return false;
  for (const tag of a.preserved) if (!b.preserved.has(tag)) return false;
  return true;
}

function entriesOf(stream: IndexedStream): number {
  let n = 0;
  for (const history of stream.tags.values()) n += Math.max(1, history.length);
  return n;
}

export function createLocationIndex(
  client: ImageApiClient,
  options: LocationIndexOptions = {},
): LocationIndex {
  const cluster = client.cluster.name;
  const maxEntries = options.maxEntries ?? 1_000_000;
  const pageSize = options.pageSize ?? 500;
  const timeoutSeconds = options.watchTimeoutSeconds ?? 300;
  const idleMs = options.idleMs ?? (timeoutSeconds + 30) * 1000;
  const delay = options.delay ?? realDelay;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  /** monotonic() when something last arrived (a completed list, any watch event). */
  let heardAt: number | undefined;
  const relistMs = options.relistMs ?? 600_000;
  const overflowRetryMs = options.overflowRetryMs ?? 300_000;
  /** ±10 % around `ms`, so that many gateways do not relist together. */
  const jittered = (ms: number): number => Math.round(ms * (0.9 + 0.2 * random()));
  const listeners = new Set<(change: IndexChange) => void>();
  const children = new LRUCache<string, readonly string[]>({ max: options.maxLists ?? 10_000 });

  let streams = new Map<string, IndexedStream>();
  /** digest → keys (`namespace/name`) of the streams whose history holds it. */
  let byDigest = new Map<string, Set<string>>();
  /** Keys of streams with PreserveOriginal tags. */
  let withPreserved = new Set<string>();
  let entries = 0;
  let state: IndexState = 'idle';
  let resourceVersion: string | undefined;
  let listedAt: number | undefined;
  let lists = 0;
  let watches = 0;
  let lastError: string | undefined;
  /** Epoch ms of the last completed list or applied event (the age gauge). */
  let freshAt: number | undefined;
  /** Consecutive watches that ended early without an event. */
  let shortWatches = 0;
  const controller = new AbortController();
  let loop: Promise<void> | undefined;

  // A function, not a comparison in the loop: overflow() changes the state behind the compiler.
  const overflowed = (): boolean => state === 'overflow';
  const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;
  const reportSize = (): void => options.onSize?.(cluster, streams.size, entries);

  const remove = (key: string): IndexedStream | undefined => {
    const old = streams.get(key);
    if (!old) return undefined;
    streams.delete(key);
    withPreserved.delete(key);
    entries -= entriesOf(old);
    for (const history of old.tags.values())
      for (const digest of history) {
        const holders = byDigest.get(digest);
        holders?.delete(key);
        if (holders?.size === 0) byDigest.delete(digest);
      }
    return old;
  };
  const put = (entry: IndexedStream): void => {
    const key = keyOf(entry.namespace, entry.name);
    remove(key);
    streams.set(key, entry);
    entries += entriesOf(entry);
    if (entry.preserved.size > 0) withPreserved.add(key);
    for (const history of entry.tags.values())
      for (const digest of history) {
        let holders = byDigest.get(digest);
        if (!holders) {
          holders = new Set();
          byDigest.set(digest, holders);
        }
        holders.add(key);
      }
  };
  const clear = (): void => {
    streams = new Map();
    byDigest = new Map();
    withPreserved = new Set();
    entries = 0;
  };
  const overflow = (): never => {
    clear();
    state = 'overflow';
    lastError = `more than ${maxEntries} tag history entries: the index is off, imageLocations lists instead`;
    options.logger?.warn({ cluster, maxEntries }, 'location index overflow');
    reportSize();
    throw new GatewayError('INTERNAL_SERVER_ERROR', lastError);
  };

  async function list(signal: AbortSignal): Promise<void> {
    // What the index held, when it held something current: a relist (410, a periodic list, a
    // watch that kept failing) then reports what changed meanwhile as events, so that a
    // subscriber misses no change a watch would have shown (it sees the net change).
    const previous = listedAt !== undefined && state !== 'overflow' ? streams : undefined;
    if (state === 'idle') state = 'syncing';
    else if (state !== 'forbidden' && state !== 'overflow') state = 'resyncing';
    const fresh: IndexedStream[] = [];
    const changes: IndexChange[] = [];
    let total = 0;
    let version: string | undefined;
    let continueToken: string | undefined;
    do {
      let page;
      try {
        page = await client.listImageStreams(
          undefined,
          { limit: pageSize, continueToken },
          { signal },
        );
      } catch (err) {
        // An expired continue token: the snapshot is gone, start the list over.
        if (err instanceof GatewayError && err.upstream?.status === 410) throw new Gone();
        throw err;
      }
      version ??= page.metadata?.resourceVersion;
      for (const stream of page.items ?? []) {
        const entry = entryOf(stream);
        total += entriesOf(entry);
        if (total > maxEntries) overflow();
        fresh.push(entry);
        if (previous && listeners.size > 0) {
          const before = previous.get(keyOf(entry.namespace, entry.name));
          if (!before || !sameEntry(before, entry))
            changes.push({
              cluster,
              type: before ? 'MODIFIED' : 'ADDED',
              namespace: entry.namespace,
              name: entry.name,
              before,
              after: entry,
              object: stream,
            });
        }
      }
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    if (!version) throw new GatewayError('UPSTREAM_UNAVAILABLE', 'the list has no resourceVersion');
    if (previous && listeners.size > 0) {
      const listed = new Set(fresh.map((entry) => keyOf(entry.namespace, entry.name)));
      for (const [key, before] of previous)
        if (!listed.has(key))
          changes.push({
            cluster,
            type: 'DELETED',
            namespace: before.namespace,
            name: before.name,
            before,
            after: undefined,
            object: { metadata: { namespace: before.namespace, name: before.name } },
          });
    }
    clear();
    for (const entry of fresh) put(entry);
    resourceVersion = version;
    listedAt = now();
    freshAt = listedAt;
    heardAt = monotonic();
    lists += 1;
    state = shortWatches < SHORT_WATCHES_BEFORE_RESYNCING ? 'synced' : 'resyncing';
    reportSize();
    for (const change of changes) emit(change);
  }

  function emit(change: IndexChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (err) {
        options.logger?.error({ cluster, err }, 'location index listener failed');
      }
    }
  }

  function apply(event: WatchEvent): void {
    if (event.type === 'BOOKMARK') {
      resourceVersion = event.resourceVersion;
      return;
    }
    if (event.type === 'ERROR') {
      if (event.error.upstream?.status === 410) throw new Gone();
      throw event.error;
    }
    const { stream } = event;
    const namespace = stream.metadata.namespace ?? '';
    const name = stream.metadata.name ?? '';
    const key = keyOf(namespace, name);
    const before = streams.get(key);
    let after: IndexedStream | undefined;
    if (event.type === 'DELETED') remove(key);
    else {
      after = entryOf(stream);
      put(after);
      if (entries > maxEntries) overflow();
    }
    resourceVersion = stream.metadata.resourceVersion ?? resourceVersion;
    reportSize();
    emit({ cluster, type: event.type, namespace, name, before, after, object: stream });
  }

  async function run(): Promise<void> {
    const signal = controller.signal;
    /** Consecutive failed turns: errors, short watches, and every 410 after the first. */
    let failures = 0;
    /** Consecutive 410s with no event in between (the first lists at once, the others back off). */
    let gones = 0;
    let relistAt = relistMs > 0 ? now() + jittered(relistMs) : Infinity;
    const stopped = (): boolean => signal.aborted;
    while (!stopped()) {
      try {
        if (resourceVersion !== undefined && now() >= relistAt) {
          // The periodic full list: bounds staleness when a watch misses changes silently.
          options.logger?.debug({ cluster }, 'location index: periodic list');
          resourceVersion = undefined;
        }
        if (resourceVersion === undefined) {
          await list(signal);
          relistAt = relistMs > 0 ? now() + jittered(relistMs) : Infinity;
        }
        const openedAt = now();
        const events = await client.watchImageStreams(
          undefined,
          { resourceVersion: resourceVersion ?? '', timeoutSeconds, idleMs },
          signal,
        );
        watches += 1;
        // Open is not proof of delivery: after repeated short watches only an event is.
        if (shortWatches < SHORT_WATCHES_BEFORE_RESYNCING) state = 'synced';
        let seen = 0;
        for await (const event of events) {
          apply(event);
          seen += 1;
          freshAt = now();
          heardAt = monotonic();
          if (seen === 1) {
            state = 'synced';
            failures = 0;
            gones = 0;
            shortWatches = 0;
          }
        }
        // The server ended the watch. One that ran for most of its timeout is its normal end
        // (resume at once); one that ended early without an event is a failure (a server that
        // answers 200 and ends at once must not be resumed in a hot loop).
        if (seen === 0 && now() - openedAt < (timeoutSeconds * 1000) / 2) {
          shortWatches += 1;
          if (shortWatches >= SHORT_WATCHES_BEFORE_RESYNCING && state === 'synced')
            state = 'resyncing';
          throw new ShortWatch('the watch ended early without an event');
        }
        if (seen === 0) shortWatches = 0;
      } catch (err) {
        if (stopped()) break;
        if (overflowed()) {
          // Try a full list again later: streams may have gone away (and a tenant who can
          // create streams must not switch the index off until a restart).
          resourceVersion = undefined;
          await delay(jittered(overflowRetryMs), signal);
          continue;
        }
        if (err instanceof Gone) {
          resourceVersion = undefined;
          gones += 1;
          // 410: the stored version is gone; the first lists again at once, the next back off.
          (gones === 1 ? options.logger?.info : options.logger?.debug)?.call(
            options.logger,
            { cluster, gones },
            'location index: resourceVersion too old, listing again',
          );
          if (gones === 1) continue;
          failures += 1;
          lastError = 'resourceVersion too old (410 Gone), repeatedly';
          if (state === 'synced') state = 'resyncing';
          await delay(watchBackoffMs(failures, random()), signal);
          continue;
        }
        failures += 1;
        lastError = err instanceof Error ? err.message : String(err);
        const status = err instanceof GatewayError ? err.upstream?.status : undefined;
        const refused = status === 401 || status === 403;
        if (resourceVersion === undefined && refused) state = 'forbidden';
        else if (state !== 'forbidden' && !(err instanceof ShortWatch)) state = 'resyncing';
        // A version the server keeps refusing (its store was reset: "too large resource
        // version" is a 504) is not retried forever: every few failures, list from scratch.
        if (failures % RELIST_AFTER_FAILURES === 0) resourceVersion = undefined;
        // The first failure of a run is a warning; the retries after it (a cluster down for an
        // hour, an identity that may not list) are debug lines, not a warning every 30 s.
        (failures === 1 ? options.logger?.warn : options.logger?.debug)?.call(
          options.logger,
          { cluster, failures, err: lastError },
          'location index: watch failed, resuming after a backoff',
        );
        await delay(watchBackoffMs(refused ? Infinity : failures, random()), signal);
      }
    }
  }

  return {
    cluster,
    start() {
      loop ??= run().finally(() => {
        state = state === 'overflow' ? 'overflow' : 'stopped';
      });
    },
    async stop() {
      controller.abort();
      await loop;
      state = state === 'overflow' ? 'overflow' : 'stopped';
    },
    get synced() {
      return state === 'synced';
    },
    heardWithin(maxAgeMs) {
      return state === 'synced' && heardAt !== undefined && monotonic() - heardAt <= maxAgeMs;
    },
    stream(namespace, name) {
      return streams.get(keyOf(namespace, name));
    },
    lookup(digest) {
      const direct: IndexedStream[] = [];
      const keys = byDigest.get(digest) ?? new Set<string>();
      for (const key of keys) {
        const entry = streams.get(key);
        if (entry) direct.push(entry);
      }
      const preservedElsewhere: IndexedStream[] = [];
      for (const key of withPreserved) {
        const entry = streams.get(key);
        if (entry && !keys.has(key)) preservedElsewhere.push(entry);
      }
      return { direct, preservedElsewhere };
    },
    get size() {
      return { streams: streams.size, entries };
    },
    status: () => ({
      state,
      freshAt: freshAt ?? null,
      streams: streams.size,
      entries,
      resourceVersion: resourceVersion ?? null,
      listedAt: listedAt ?? null,
      lists,
      watches,
      lastError: lastError ?? null,
    }),
    childrenOf: (digest) => children.get(digest),
    learnChildren(digest, list) {
      children.set(digest, Object.freeze([...list]));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
