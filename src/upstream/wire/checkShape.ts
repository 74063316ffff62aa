import { isRecord } from '../../isRecord.js';
import { RFC3339 } from '../types.js';

/**
 * Tiny shape checks for JSON from outside the process (API servers, Redis). A check returns
 * undefined when the value fits, or a short description of the first thing that does not, with
 * its path (`status.tags[2].items is not a list`). Fields not named are ignored (the API adds
 * fields over time); fields named must have the named type when present. `null` counts as
 * absent for optional fields, as the API server emits many empty fields as null
 * (openshift-image-api.md §8.9).
 */
export type Check = (value: unknown, path: string) => string | undefined;

const describeType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export const string: Check = (value, path) =>
  typeof value === 'string' ? undefined : `${path} is ${describeType(value)}, not a string`;

export const number: Check = (value, path) =>
  typeof value === 'number' && Number.isFinite(value)
    ? undefined
    : `${path} is ${describeType(value)}, not a number`;

/** An integer JSON numbers hold exactly (sizes and generations, int64 on the wire). */
export const integer: Check = (value, path) => {
  if (typeof value !== 'number') return `${path} is ${describeType(value)}, not a number`;
  return Number.isSafeInteger(value) ? undefined : `${path} is ${value}, not an integer`;
};

/** An RFC 3339 time as the API server writes it, or `""` (an unset time, served as null). */
export const dateTime: Check = (value, path) =>
  typeof value === 'string' && (value === '' || RFC3339.test(value))
    ? undefined
    : `${path} is not an RFC 3339 time`;

export const boolean: Check = (value, path) =>
  typeof value === 'boolean' ? undefined : `${path} is ${describeType(value)}, not a boolean`;

/** Anything at all (a field the gateway passes through without reading). */
export const unknown: Check = () => undefined;

/** Absent, null, or the given check. */
export function optional(check: Check): Check {
  return (value, path) => (value === undefined || value === null ? undefined : check(value, path));
}

export function list(item: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path} is ${describeType(value)}, not a list`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

export function object(fields: Readonly<Record<string, Check>>): Check {
  const entries = Object.entries(fields);
  return (value, path) => {
    if (!isRecord(value)) return `${path || 'the body'} is ${describeType(value)}, not an object`;
    for (const [key, check] of entries) {
      const problem = check(value[key], at(path, key));
      if (problem) return problem;
    }
    return undefined;
  };
}

/** A JSON object used as a map (labels, annotations, `ExposedPorts`…): every value checked. */
export function record(item: Check): Check {
  return (value, path) => {
    if (!isRecord(value)) return `${path} is ${describeType(value)}, not an object`;
    for (const key of Object.keys(value)) {
      const problem = item(value[key], `${path}[${JSON.stringify(key.slice(0, 40))}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** A value equal to one of the given strings. */
export function oneOf(...values: readonly string[]): Check {
  return (value, path) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${path} is not one of ${values.join(', ')}`;
}
