import type { KeyValueModel } from './models.js';

/** A string map as a list sorted by key; keys are kept exactly as stored. */
export function keyValues(
  map: Readonly<Record<string, string>> | null | undefined,
): KeyValueModel[] {
  if (!map) return [];
  return Object.keys(map)
    .sort()
    .map((key) => ({ key, value: map[key] ?? '' }));
}

/** The keys of a set-like map (`{"8080/tcp": {}}`), sorted. */
export function sortedKeys(map: Readonly<Record<string, unknown>> | null | undefined): string[] {
  return map ? Object.keys(map).sort() : [];
}
