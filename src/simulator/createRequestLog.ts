/** One request as the simulator saw it. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  /** The counter key: resource[/subresource], `version` or `discovery`. */
  readonly resource: string;
  /** ms since the simulator started (performance.now based). */
  readonly at: number;
}

/**
 * Requests seen, counted per resource (exactly) and recorded (the newest `maxRecords`), for
 * tests and benchmarks that assert how many upstream calls the gateway made and when.
 */
export interface RequestLog {
  /** Newest last; the same array for the simulator's lifetime. */
  readonly records: readonly RequestRecord[];
  record(method: string, path: string, resource: string): void;
  /** Requests for a resource since start or the last reset; `*` (the default) is all. */
  count(resource?: string): number;
  counts(): Record<string, number>;
  reset(): void;
}

export function createRequestLog(maxRecords: number): RequestLog {
  const started = performance.now();
  const records: RequestRecord[] = [];
  const counts = new Map<string, number>();
  return {
    records,
    record(method, path, resource) {
      // Oldest half dropped at once: amortised O(1), where shift() would be O(n) per request.
      if (records.length >= maxRecords) records.splice(0, Math.ceil(maxRecords / 2));
      records.push({ method, path, resource, at: performance.now() - started });
      counts.set(resource, (counts.get(resource) ?? 0) + 1);
      counts.set('*', (counts.get('*') ?? 0) + 1);
    },
    count: (resource = '*') => counts.get(resource) ?? 0,
    counts: () => Object.fromEntries(counts),
    reset() {
      counts.clear();
      records.length = 0;
    },
  };
}
