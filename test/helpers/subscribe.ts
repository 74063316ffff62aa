import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TokenGrant } from '../../src/simulator/createSimulator.js';
import { startStack, type Stack, type StackOptions } from './startStack.js';
import { until } from './until.js';

/**
 * A stack with location indexes, which subscriptions are fed from (one cluster, east, unless
 * `options.clusters` says otherwise), returned once every index watches its cluster: a change
 * made from then on reaches the subscribers.
 */
export async function startIndexedStack(options: StackOptions = {}): Promise<Stack> {
  const stack = await startStack({
    clusters: [{ name: 'east' }],
    locationIndex: { maxEntries: 100_000 },
    logLevel: 'info',
    ...options,
  });
  await until(
    () => Object.values(stack.sims).every((sim) => sim.watches.open === 1),
    'every index watches its cluster',
  );
  return stack;
}

/**
 * Tokens a passthrough cluster accepts: the gateway's own (every namespace, for its index) and
 * `token-apps`, bound to namespace `apps`. A new record each time: a test may revoke a token by
 * deleting it (the simulator reads the record at each request).
 */
export function appsGrants(): Record<string, TokenGrant> {
  return {
    'demo-token-east': { user: 'system:serviceaccount:gw:reader', namespaces: '*' },
    'token-apps': { user: 'apps-dev', namespaces: ['apps'] },
  };
}

/** What a subscription result looks like on the wire. */
export interface EventResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A running subscription as a client sees it: results in arrival order, and how it ended. */
export interface Subscribed {
  readonly results: EventResult[];
  /** Resolves with the next result not yet taken (waits for it; fails after the poll limit). */
  next(what?: string): Promise<EventResult>;
  /** True once the server completed the subscription (SSE `complete`, graphql-ws `complete`). */
  readonly completed: boolean;
  /** A transport-level error (graphql-ws `error` message, a closed socket), if any. */
  readonly failure: unknown;
  /** Ends it from the client's side (closes the stream, or sends graphql-ws `complete`). */
  close(): void;
}

function collector(close: () => void) {
  const results: EventResult[] = [];
  let taken = 0;
  const state = { completed: false, failure: undefined as unknown };
  const subscribed: Subscribed = {
    results,
    async next(what = 'the next event') {
      await until(
        () => results.length > taken || state.completed || state.failure !== undefined,
        what,
      );
      const result = results[taken];
      if (result === undefined)
        throw new Error(
          `no ${what}: the subscription ${state.completed ? 'completed' : 'failed'} (${JSON.stringify(state.failure)})`,
        );
      taken += 1;
      return result;
    },
    get completed() {
      return state.completed;
    },
    get failure() {
      return state.failure;
    },
    close,
  };
  return { results, state, subscribed };
}

/**
 * A subscription over Server-Sent Events, read as a graphql-sse client in "distinct connections"
 * mode does: a POST with `Accept: text/event-stream`, `next` events until `complete`. Resolves
 * once the response head arrived; a response that is not an event stream rejects with its
 * status and body.
 */
export async function sseSubscribe(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Subscribed & { readonly response: Response }> {
  const controller = new AbortController();
  const { results, state, subscribed } = collector(() => controller.abort());
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream'))
    throw Object.assign(new Error(`not an event stream: ${response.status}`), {
      status: response.status,
      body: await response.text(),
    });
  const body = response.body;
  if (!body) throw new Error('no body');
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines
            .find((l) => l.startsWith('event:'))
            ?.slice(6)
            .trim();
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (event === 'next') results.push(JSON.parse(data) as EventResult);
          if (event === 'complete') state.completed = true;
        }
      }
      if (!state.completed) state.failure = new Error('the stream ended without complete');
    } catch (err) {
      if (!controller.signal.aborted) state.failure = err;
    }
  })();
  return Object.assign(subscribed, { response });
}

/** A graphql-ws client (the library's own) over the `ws` WebSocket, as Node clients use it. */
export function wsClient(
  url: string,
  connectionParams?: Record<string, unknown>,
  options: { headers?: Record<string, string> } = {},
): Client {
  const wsUrl = url.replace(/^http/, 'ws');
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: options.headers ?? {} });
    }
  }
  return createClient({
    url: wsUrl,
    webSocketImpl: WithHeaders,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** One subscription over a graphql-ws client. */
export function wsSubscribe(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Subscribed {
  let stop = (): void => undefined;
  const { results, state, subscribed } = collector(() => stop());
  stop = client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (value) => results.push(value as EventResult),
      error: (err) => {
        state.failure = err;
      },
      complete: () => {
        state.completed = true;
      },
    },
  );
  return subscribed;
}
