import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImageStream } from '../upstream/types.js';
import type { Answer } from './Answer.js';
import { badRequest, status } from './status.js';

/** A watch event type as the API server sends it (k8s.io/apimachinery/pkg/watch). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * The watch side of the simulated API server (docs/openshift-image-api.md, the watch protocol of
 * api-concepts "Efficient detection of changes"): every change to an image stream gets the next
 * resourceVersion and is kept in a bounded history; `GET …/imagestreams?watch=1` answers 200 with
 * chunked JSON, one event per line:
 *
 * - without `resourceVersion` (or `0`): a synthetic ADDED per stream in scope, then changes;
 * - with `resourceVersion=N` newer than the current version: 504 Timeout with the cause
 *   `ResourceVersionTooLarge`, as the watch cache answers (after waiting for it; here at once);
 * - with `resourceVersion=N`: every change after N, then changes as they happen; when N is older
 *   than the history kept (compaction), one ERROR event carrying a 410 Expired Status, then the
 *   stream ends, as the watch cache does;
 * - `allowWatchBookmarks=true`: BOOKMARK events (an ImageStream with only
 *   `metadata.resourceVersion`) when `bookmark()` is called or every bookmark interval;
 * - `timeoutSeconds=S`: the server ends the stream after S seconds.
 *
 * A watcher that reads too slowly (more than MAX_WATCH_BACKLOG bytes unsent) is cut, as the API
 * server drops watchers that fall behind.
 */
export interface WatchHub {
  /** The current resourceVersion (of the newest change; the list's resourceVersion). */
  readonly resourceVersion: string;
  /** The next resourceVersion, to stamp an object with before it is recorded. */
  nextVersion(): string;
  /** Records a change of a stream (already stamped with nextVersion()) and sends it to watchers. */
  record(type: WatchEventType, stream: ImageStream): void;
  /** Answers a watch request of one namespace (`` for all) whose query asked `watch`. */
  watch(namespace: string, query: URLSearchParams, streams: () => ImageStream[]): Answer;
  /** Sends a BOOKMARK at the current resourceVersion to every watcher that allows them. */
  bookmark(): void;
  /** Cuts every open watch connection (a network drop, an API server restart). */
  drop(): void;
  /** Forgets the history: every resourceVersion before the current one is too old (410). */
  compact(): void;
  /**
   * A store reset (etcd restored from a backup, a simulator restarted): versions start again
   * from `version` (default the initial one), the history is forgotten and every watch is cut.
   */
  restart(version?: number): void;
  /** Open watch connections. */
  readonly watchers: number;
  /** Ends every watch and stops the bookmark timer. */
  close(): void;
}

export interface WatchHubOptions {
  /** Resource version of the seed data, the first list's (default 5000). */
  readonly initialVersion?: number | undefined;
  /** Changes kept for watches that resume (default 1000); older versions get 410. */
  readonly maxHistory?: number | undefined;
  /** Bookmarks every this many ms (0: only when bookmark() is called; default 0). */
  readonly bookmarkIntervalMs?: number | undefined;
}

/** Bytes a watcher may leave unread before it is cut. */
export const MAX_WATCH_BACKLOG = 4 * 1024 * 1024;

interface Change {
  readonly version: number;
  readonly type: WatchEventType;
  readonly stream: ImageStream;
}

interface Watcher {
  readonly namespace: string;
  readonly bookmarks: boolean;
  readonly res: ServerResponse;
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

function inScope(namespace: string, stream: ImageStream): boolean {
  return namespace === '' || stream.metadata.namespace === namespace;
}

export function createWatchHub(options: WatchHubOptions = {}): WatchHub {
  let current = options.initialVersion ?? 5000;
  // Changes at or below this version are no longer known one by one.
  let compactedThrough = current;
  const maxHistory = Math.max(1, options.maxHistory ?? 1000);
  const history: Change[] = [];
  const watchers = new Set<Watcher>();

  const write = (watcher: Watcher, line: unknown): void => {
    if (watcher.res.destroyed) return;
    if (watcher.res.writableLength > MAX_WATCH_BACKLOG) {
      watcher.res.destroy();
      watchers.delete(watcher);
      return;
    }
    watcher.res.write(`${JSON.stringify(line)}\n`);
  };

  const bookmark = (): void => {
    const event = {
      type: 'BOOKMARK',
      object: {
        kind: 'ImageStream',
        apiVersion: 'image.openshift.io/v1',
        metadata: { resourceVersion: String(current) },
      },
    };
    for (const watcher of watchers) if (watcher.bookmarks) write(watcher, event);
  };
  const timer =
    (options.bookmarkIntervalMs ?? 0) > 0
      ? setInterval(bookmark, options.bookmarkIntervalMs).unref()
      : undefined;

  return {
    get resourceVersion() {
      return String(current);
    },
    get watchers() {
      return watchers.size;
    },
    nextVersion: () => String(current + 1),
    record(type, stream) {
      current += 1;
      history.push({ version: current, type, stream });
      if (history.length > maxHistory) {
        const dropped = history.shift();
        if (dropped) compactedThrough = dropped.version;
      }
      for (const watcher of watchers)
        if (inScope(watcher.namespace, stream)) write(watcher, { type, object: stream });
    },
    watch(namespace, query, streams) {
      const rvText = query.get('resourceVersion') ?? '';
      if (rvText !== '' && !/^\d{1,15}$/.test(rvText))
        return badRequest(`invalid resource version: ${JSON.stringify(rvText)}`);
      const timeoutText = query.get('timeoutSeconds');
      if (timeoutText !== null && !/^\d{1,9}$/.test(timeoutText))
        return badRequest(
          `strconv.ParseInt: parsing ${JSON.stringify(timeoutText)}: invalid syntax`,
        );
      const since = rvText === '' || rvText === '0' ? undefined : Number(rvText);
      if (since !== undefined && since > current)
        return {
          status: 504,
          body: status(
            504,
            'Timeout',
            `Too large resource version: ${since}, current: ${current}`,
            {
              causes: [
                { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
              ],
              retryAfterSeconds: 1,
            },
          ),
        };
      const bookmarks = TRUE_WORDS.has(query.get('allowWatchBookmarks') ?? '');
      const timeoutMs = timeoutText === null ? 0 : Number(timeoutText) * 1000;
      const start = (req: IncomingMessage, res: ServerResponse): void => {
        req.resume();
        res.writeHead(200, {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          'cache-control': 'no-cache, private',
        });
        // The API server flushes the head at once: a watch with nothing to say yet is open.
        res.flushHeaders();
        const watcher: Watcher = { namespace, bookmarks, res };
        if (since !== undefined && since < compactedThrough) {
          // The watch cache's answer to a version it no longer holds: one ERROR event, the end.
          write(watcher, {
            type: 'ERROR',
            object: status(
              410,
              'Expired',
              `too old resource version: ${since} (${compactedThrough + 1})`,
            ),
          });
          res.end();
          return;
        }
        if (since === undefined) {
          for (const stream of streams())
            if (inScope(namespace, stream)) write(watcher, { type: 'ADDED', object: stream });
        } else {
          for (const change of history)
            if (change.version > since && inScope(namespace, change.stream))
              write(watcher, { type: change.type, object: change.stream });
        }
        watchers.add(watcher);
        const timeout = timeoutMs > 0 ? setTimeout(() => res.end(), timeoutMs).unref() : undefined;
        res.on('close', () => {
          clearTimeout(timeout);
          watchers.delete(watcher);
        });
      };
      return { status: 200, body: undefined, stream: start };
    },
    bookmark,
    drop() {
      for (const watcher of watchers) watcher.res.destroy();
      watchers.clear();
    },
    compact() {
      history.length = 0;
      compactedThrough = current;
    },
    restart(version) {
      for (const watcher of watchers) watcher.res.destroy();
      watchers.clear();
      history.length = 0;
      current = version ?? options.initialVersion ?? 5000;
      compactedThrough = current;
    },
    close() {
      clearInterval(timer);
      for (const watcher of watchers) watcher.res.end();
      watchers.clear();
    },
  };
}
