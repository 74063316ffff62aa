import { setMaxListeners } from 'node:events';

/** A signal tied to others, and the way to untie it. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Detaches from the sources and clears the timer; the signal then never aborts. Idempotent. */
  readonly dispose: () => void;
}

/** Sources already allowed any number of listeners. */
const unbounded = new WeakSet<AbortSignal>();

/**
 * A signal that aborts when any source does, or after `timeoutMs` (with the TimeoutError
 * AbortSignal.timeout gives), until dispose(). Not AbortSignal.any: on Node 20 every signal it
 * makes stays registered with each source until that source is collected (58 bytes a call,
 * measured), so tying each request to the process's shutdown signal, or each event to its
 * subscription's, grew the heap for as long as the process ran. Here the listeners go with
 * dispose(), or once the signal aborted.
 */
export function linkSignals(
  sources: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
): LinkedSignal {
  const controller = new AbortController();
  const signal = controller.signal;
  // Every upstream call of a request listens on its one signal.
  setMaxListeners(0, signal);
  const attached: { source: AbortSignal; listener: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const { source, listener } of attached) source.removeEventListener('abort', listener);
    attached.length = 0;
  };
  const abort = (reason: unknown): void => {
    if (disposed) return;
    dispose();
    controller.abort(reason);
  };
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      abort(source.reason);
      return { signal, dispose };
    }
    // A source (the shutdown signal, a subscription's) has one listener per request or event
    // in flight: many, by design, and each removed when its request ends. Set once per source.
    if (!unbounded.has(source)) {
      setMaxListeners(0, source);
      unbounded.add(source);
    }
    const listener = (): void => abort(source.reason);
    source.addEventListener('abort', listener, { once: true });
    attached.push({ source, listener });
  }
  if (timeoutMs !== undefined) {
    timer = setTimeout(
      () => abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
  }
  return { signal, dispose };
}
