import http from 'node:http';
import type { ImageStream } from '../upstream/types.js';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyFault } from './applyFault.js';
import type { TokenGrant } from './authorize.js';
import { createDiscovery } from './createDiscovery.js';
import {
  createFaultSchedule,
  type FaultRule,
  type FaultSchedule,
  type RandomFaults,
} from './createFaultSchedule.js';
import { createImageHandlers } from './createImageHandlers.js';
import { createNamespaceHandlers } from './createNamespaceHandlers.js';
import { createPaging } from './createPaging.js';
import { createRequestLog, type RequestLog, type RequestRecord } from './createRequestLog.js';
import { createRouter, type Router } from './createRouter.js';
import { createRoutes } from './createRoutes.js';
import { createWorkloadRoutes } from './createWorkloadRoutes.js';
import { createRouteTable } from './createRouteTable.js';
import { createSeed, type SeedData, type SeedOptions } from './createSeed.js';
import { createStreamChanges, type StreamChanges } from './createStreamChanges.js';
import { createWatchHub } from './createWatchHub.js';
import { parseRequestTarget } from './parseRequestTarget.js';
import { counterKeyOf, requestInfoOf } from './requestInfoOf.js';
import { send } from './send.js';
import { badRequest, noRoute, status } from './status.js';

export type { Fault } from './applyFault.js';
export type { TokenGrant } from './authorize.js';
export type { FaultRule, RandomFaults } from './createFaultSchedule.js';
export type { RequestRecord } from './createRequestLog.js';
export type { StreamChanges } from './createStreamChanges.js';

/**
 * A simulated OpenShift API server on a real HTTP(S) listener, for the demo, the tests and the
 * benchmarks. It serves what docs/openshift-image-api.md describes: the image.openshift.io/v1
 * reads with their three kinds of 404 and Status bodies, paging with limit/continue and 410 for
 * an expired continue token, per-resource RBAC for bearer tokens (no token: 403 as
 * system:anonymous; unknown token: 401) and SelfSubjectAccessReview decided by the same check,
 * plus scripted and random faults (429 in plain text, 500 ServerTimeout, resets, proxies that
 * leak tokens or send HTML). Every request is counted per resource.
 */
export interface SimulatorOptions {
  readonly name: string;
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  /** Added before every answer. */
  readonly latencyMs?: number | undefined;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string } | undefined;
  readonly seed?: SeedData | undefined;
  readonly seedOptions?: SeedOptions | undefined;
  /** Tokens and what they may read; default: `demo-token-<name>` reads everything. */
  readonly tokens?: Readonly<Record<string, TokenGrant>> | undefined;
  /** Serve OpenShift's project API (default true); false: a plain Kubernetes API server. */
  readonly projects?: boolean | undefined;
  /** How many request records to keep (counters are always exact). Default 100000. */
  readonly maxRecords?: number | undefined;
  /** Watch BOOKMARK events every this many ms (0, the default: only on `watches.bookmark()`). */
  readonly watchBookmarkMs?: number | undefined;
  /** Changes kept for watches that resume from a resourceVersion (default 1000). */
  readonly watchHistory?: number | undefined;
}

/** The simulated API server's open watches, driven by tests. */
export interface SimulatorWatches {
  /** Open watch connections. */
  readonly open: number;
  /** Sends a BOOKMARK to every watch that allows them. */
  bookmark(): void;
  /** Cuts every watch connection mid-stream. */
  drop(): void;
  /** Forgets the change history: resuming from any older resourceVersion is 410 Expired. */
  compact(): void;
  /**
   * A store reset: resourceVersions start again from `version` (default the seed's), the
   * history is forgotten and every watch is cut; a watch from a newer version is then 504.
   */
  restart(version?: number): void;
}

export interface Simulator {
  readonly name: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly data: SeedData;
  /** Requests answered or in progress, newest last (bounded by maxRecords). */
  readonly requests: readonly RequestRecord[];
  /** Requests seen per resource since start or the last reset (`selfsubjectaccessreviews` too). */
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
  /** Changes to image streams (tags moved, streams added or deleted), sent to watchers. */
  readonly changes: StreamChanges;
  readonly watches: SimulatorWatches;
  latencyMs: number;
  close(): Promise<void>;
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
  const log = createRequestLog(options.maxRecords ?? 100_000);
  const faults = createFaultSchedule();
  const paging = createPaging();
  const discovery = createDiscovery({
    projects: options.projects,
    scanner: data.workloads?.scanner,
  });
  const hub = createWatchHub({
    bookmarkIntervalMs: options.watchBookmarkMs,
    maxHistory: options.watchHistory,
  });
  const allStreams = (): ImageStream[] =>
    [...data.streams.keys()]
      .sort()
      .flatMap((ns) =>
        [...(data.streams.get(ns)?.entries() ?? [])]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, stream]) => stream),
      );
  const table = createRouteTable([
    ...createRoutes(
      discovery,
      createImageHandlers(data, paging, () => hub.resourceVersion),
      createNamespaceHandlers(data),
      (namespace, query) => hub.watch(namespace, query, allStreams),
    ),
    ...createWorkloadRoutes(discovery, data.workloads, paging),
  ]);
  const router = createRouter(table, discovery, tokens);
  const state = { latencyMs: options.latencyMs ?? 0 };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    // A bug in the simulator is a 500 for that request, never a crash of the process.
    serve({ log, faults, router, state }, req, res).catch((err: unknown) => {
      try {
        if (res.headersSent) res.destroy();
        else
          send(res, {
            status: 500,
            body: status(500, 'InternalError', `simulator: ${String(err)}`),
          });
      } catch {
        res.destroy();
      }
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  const origin = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    name: options.name,
    url: `${options.tls ? 'https' : 'http'}://${origin}`,
    data,
    requests: log.records,
    count: (resource) => log.count(resource),
    resetCounts: () => log.reset(),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
    get faultsServed() {
      return faults.served;
    },
    expireContinueTokens: () => paging.expire(),
    changes: createStreamChanges(data, hub),
    watches: {
      get open() {
        return hub.watchers;
      },
      bookmark: () => hub.bookmark(),
      drop: () => hub.drop(),
      compact: () => hub.compact(),
      restart: (version) => hub.restart(version),
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Parts {
  readonly log: RequestLog;
  readonly faults: FaultSchedule;
  readonly router: Router;
  readonly state: { latencyMs: number };
}

/**
 * One request: a target that cannot be read is 400; otherwise it is counted (before anything
 * else, so a test sees every attempt), delayed by the latency, given its fault if one is due,
 * and answered by the router.
 */
async function serve(
  { log, faults, router, state }: Parts,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const target = parseRequestTarget(req.url);
  if ('error' in target) {
    req.resume();
    send(res, badRequest(target.error));
    return;
  }
  const { segments, query } = target;
  if (segments[0] === '_simulator') {
    serveControl(req, res, segments, query, log);
    return;
  }
  const method = req.method ?? 'GET';
  const info = requestInfoOf(method, segments, query);
  const resource = counterKeyOf(info);
  log.record(method, info.path, resource);
  if (state.latencyMs > 0) await sleep(state.latencyMs);
  const fault = faults.take(resource, info.path);
  if (fault && (await applyFault(fault, req, res))) return;
  const answer = await router.answer(req, info, segments, query);
  if (answer.stream) answer.stream(req, res);
  else send(res, answer);
}

/** Listens and answers `host:port` as a URL authority (IPv6 in brackets). */
async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

/**
 * Control endpoints for a simulator in another process (benchmarks, docker-compose): GET
 * /_simulator/stats?resource=R (counts and the arrival times of R), POST /_simulator/reset.
 * Not part of the Kubernetes API, never counted.
 */
function serveControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  segments: readonly string[],
  query: URLSearchParams,
  log: RequestLog,
): void {
  req.resume();
  if (segments[1] === 'stats') {
    const resource = query.get('resource') ?? 'imagestreamimages';
    const arrivals = log.records.filter((r) => r.resource === resource).map((r) => r.at);
    send(res, { status: 200, body: { counts: log.counts(), arrivals } });
  } else if (segments[1] === 'reset' && req.method === 'POST') {
    log.reset();
    send(res, { status: 200, body: {} });
  } else {
    send(res, noRoute());
  }
}
