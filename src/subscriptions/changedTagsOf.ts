import type { IndexedStream } from '../clusters/createLocationIndex.js';

/** How one tag changed: its current digest before and after, and a failing import after. */
export interface TagChangeModel {
  readonly tag: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly importError: string | null;
}

/**
 * The tags whose current image or import state differ between two states of a stream (either
 * absent: the stream was added or deleted), sorted by tag. A tag's current image is the first
 * of its history; a tag whose history moved without changing its head (an older entry pruned)
 * is not a change a subscriber asked for.
 */
export function changedTagsOf(
  before: IndexedStream | undefined,
  after: IndexedStream | undefined,
): TagChangeModel[] {
  const tags = new Set<string>([...(before?.tags.keys() ?? []), ...(after?.tags.keys() ?? [])]);
  for (const tag of before?.importErrors.keys() ?? []) tags.add(tag);
  for (const tag of after?.importErrors.keys() ?? []) tags.add(tag);
  const changes: TagChangeModel[] = [];
  for (const tag of [...tags].sort()) {
    const from = before?.tags.get(tag)?.[0] ?? null;
    const to = after?.tags.get(tag)?.[0] ?? null;
    const errorBefore = before?.importErrors.get(tag) ?? null;
    const importError = after?.importErrors.get(tag) ?? null;
    if (from !== to || errorBefore !== importError) changes.push({ tag, from, to, importError });
  }
  return changes;
}
