import type { Fault } from './applyFault.js';
import { seededRandom } from './seededRandom.js';

/** A scripted fault: the next `times` requests that match get it. */
export interface FaultRule {
  /** Only requests for this resource (e.g. `imagestreamimages`, `imagestreams/layers`). */
  readonly resource?: string | undefined;
  /** Only requests whose decoded path contains this text. */
  readonly pathIncludes?: string | undefined;
  readonly fault: Fault;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number | undefined;
}

/** Faults drawn at random for a share of requests, from a seeded generator (reproducible). */
export interface RandomFaults {
  /** Share of matching requests that get a fault, 0 to 1. */
  readonly rate: number;
  readonly seed: number;
  readonly faults: readonly Fault[];
  /** Only requests for this resource. */
  readonly resource?: string | undefined;
}

/**
 * Which fault, if any, the next request gets: the first scripted rule that matches (used up
 * after `times` requests), else a random draw. Rules are checked when added, so a broken test
 * fails where it writes the rule, not with an odd answer later.
 */
export interface FaultSchedule {
  add(rule: FaultRule): void;
  clear(): void;
  setRandom(random: RandomFaults | undefined): void;
  take(resource: string, path: string): Fault | undefined;
  /** Faults handed out so far (scripted and random). */
  readonly served: number;
}

export function createFaultSchedule(): FaultSchedule {
  let rules: FaultRule[] = [];
  let random: { readonly config: RandomFaults; readonly next: () => number } | undefined;
  let served = 0;

  const takeScripted = (resource: string, path: string): Fault | undefined => {
    const rule = rules.find(
      (r) =>
        (r.resource === undefined || r.resource === resource) &&
        (r.pathIncludes === undefined || path.includes(r.pathIncludes)),
    );
    if (!rule) return undefined;
    rule.times = (rule.times ?? 1) - 1;
    if (rule.times <= 0) rules = rules.filter((r) => r !== rule);
    return rule.fault;
  };
  const takeRandom = (resource: string): Fault | undefined => {
    if (!random || (random.config.resource !== undefined && random.config.resource !== resource))
      return undefined;
    if (random.next() >= random.config.rate) return undefined;
    const kinds = random.config.faults;
    return kinds[Math.floor(random.next() * kinds.length)];
  };

  return {
    add(rule) {
      if (
        rule.times !== undefined &&
        !(rule.times === Infinity || (Number.isInteger(rule.times) && rule.times >= 1))
      )
        throw new RangeError(
          `fault rule: times must be a whole number from 1, or Infinity; received ${rule.times}`,
        );
      checkFault(rule.fault);
      // A copy: counting down `times` must not change the caller's object.
      rules.push({ ...rule });
    },
    clear() {
      rules = [];
    },
    setRandom(config) {
      if (config) {
        if (!(config.rate >= 0 && config.rate <= 1))
          throw new RangeError(`random faults: rate must be from 0 to 1; received ${config.rate}`);
        if (config.rate > 0 && config.faults.length === 0)
          throw new RangeError('random faults: a rate above 0 needs at least one fault');
        config.faults.forEach(checkFault);
      }
      random = config ? { config, next: seededRandom(config.seed) } : undefined;
    },
    take(resource, path) {
      const fault = takeScripted(resource, path) ?? takeRandom(resource);
      if (fault) served += 1;
      return fault;
    },
    get served() {
      return served;
    },
  };
}

/** Rejects a fault the listener could not play (Node throws on a status outside 100-999). */
function checkFault(fault: Fault): void {
  const code = 'status' in fault ? fault.status : undefined;
  if (code !== undefined && !(Number.isInteger(code) && code >= 100 && code <= 599))
    throw new RangeError(
      `fault ${fault.kind}: status must be a whole number from 100 to 599; received ${code}`,
    );
  const seconds = 'retryAfterSeconds' in fault ? fault.retryAfterSeconds : undefined;
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 0))
    throw new RangeError(
      `fault ${fault.kind}: retryAfterSeconds must be a whole number from 0; received ${seconds}`,
    );
  if (fault.kind === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0))
    throw new RangeError(`fault delay: ms must be a finite number from 0; received ${fault.ms}`);
}
