import type { ListMeta } from '../upstream/types.js';
import type { Answer } from './Answer.js';
import { badRequest, status } from './status.js';

/**
 * Paging of lists with `limit` and `continue`, as the API server does it: a page of at most
 * `limit` items, `metadata.continue` and `remainingItemCount` while items remain, 410 Expired
 * with a fresh continue token once the tokens handed out have expired (compaction in a real
 * cluster; `expire()` here), 400 for a token or limit that does not parse.
 */
export interface Paging {
  /** One page of `items` (already in list order) for the request's query, or the error answer. */
  page<T>(items: readonly T[], query: URLSearchParams): Page<T> | { readonly error: Answer };
  /** Makes every continue token handed out so far expire (410 Expired). */
  expire(): void;
}

export interface Page<T> {
  readonly items: T[];
  readonly metadata: ListMeta;
}

/** The list's resourceVersion; the simulated data never changes. */
export const LIST_RESOURCE_VERSION = '5000';

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface Position {
  readonly epoch: number;
  readonly start: number;
}

export function createPaging(): Paging {
  let epoch = 1;
  return {
    page<T>(items: readonly T[], query: URLSearchParams) {
      const limit = parseLimit(query.get('limit'));
      if (typeof limit === 'string') return { error: badRequest(limit) };
      let start = 0;
      const token = query.get('continue');
      if (token) {
        const position = decodeContinue(token);
        if (!position)
          return { error: badRequest('continue key is not valid: illegal base64 data') };
        if (position.epoch !== epoch) {
          const body = status(410, 'Expired', EXPIRED_MESSAGE);
          body.metadata = { continue: encodeContinue({ epoch, start: position.start }) };
          return { error: { status: 410, body } };
        }
        start = position.start;
      }
      const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
      const metadata: ListMeta = { resourceVersion: LIST_RESOURCE_VERSION };
      if (end < items.length) {
        metadata.continue = encodeContinue({ epoch, start: end });
        metadata.remainingItemCount = items.length - end;
      }
      return { items: items.slice(start, end), metadata };
    },
    expire() {
      epoch += 1;
    },
  };
}

/** `limit` is an int64 query parameter; 0 or less (or none) means no limit. */
function parseLimit(text: string | null): number | string {
  if (text === null || text === '') return 0;
  if (!/^[-+]?\d+$/.test(text))
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`;
  return Number(text);
}

/** The token is base64 of JSON, like the API server's (which also carries `rv` and `start` key). */
export function encodeContinue(position: Position): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5000, ...position })).toString(
    'base64',
  );
}

export function decodeContinue(token: string): Position | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { epoch, start } = parsed as { epoch?: unknown; start?: unknown };
  // A forged start (negative, fractional, huge) is as invalid as bad base64.
  if (
    typeof epoch !== 'number' ||
    typeof start !== 'number' ||
    !Number.isSafeInteger(start) ||
    start < 0
  )
    return undefined;
  return { epoch, start };
}
