import { cutForMessage } from './cutForMessage.js';
import { badUserInput } from './errors.js';

/**
 * Argument checks made before any upstream call (docs/openshift-image-api.md §4). Each failure
 * is a BAD_USER_INPUT whose message names the argument, the expected form and what was given.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** OpenShift's image stream name rule (server validation): single separators only. */
const STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** The docker reference grammar for tags (library-go). */
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function shown(value: string): string {
  return JSON.stringify(cutForMessage(value));
}

export function checkNamespace(value: string, argument = 'namespace'): string {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw badUserInput(
      `Argument "${argument}" must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters); got ${shown(value)}.`,
    );
  }
  return value;
}

export function checkStreamName(value: string, namespace: string, argument: string): string {
  if (!STREAM_NAME.test(value) || namespace.length + 1 + value.length > 255) {
    throw badUserInput(
      `Argument "${argument}" must name an image stream: lowercase letters and digits, with single '.', '_' or '-' between them (namespace/name at most 255 characters); got ${shown(value)}.`,
    );
  }
  return value;
}

export function checkDigest(value: string, argument = 'digest'): string {
  if (!DIGEST.test(value)) {
    throw badUserInput(
      `Argument "${argument}" must be a full digest, "sha256:" followed by 64 lowercase hex digits; got ${shown(value)}.`,
    );
  }
  return value;
}

export interface ImageStreamImageName {
  readonly stream: string;
  readonly digest: string;
}

/** `<stream>@sha256:<64 hex>`, the name of an ImageStreamImage. */
export function parseImageStreamImageName(
  value: string,
  namespace: string,
  argument = 'name',
): ImageStreamImageName {
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) {
    throw badUserInput(
      `Argument "${argument}" must be "<stream>@sha256:<64 lowercase hex>"; got ${shown(value)}.`,
    );
  }
  const stream = checkStreamName(value.slice(0, at), namespace, argument);
  const digest = checkDigest(value.slice(at + 1), argument);
  return { stream, digest };
}

export interface ImageStreamTagName {
  readonly stream: string;
  readonly tag: string;
}

/** `<stream>:<tag>`, the name of an ImageStreamTag. */
export function parseImageStreamTagName(
  value: string,
  namespace: string,
  argument = 'name',
): ImageStreamTagName {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon !== value.lastIndexOf(':') || value.includes('@')) {
    throw badUserInput(`Argument "${argument}" must be "<stream>:<tag>"; got ${shown(value)}.`);
  }
  const stream = checkStreamName(value.slice(0, colon), namespace, argument);
  const tag = value.slice(colon + 1);
  if (!TAG.test(tag)) {
    throw badUserInput(
      `Argument "${argument}" has an invalid tag: a tag is 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'; got ${shown(tag)}.`,
    );
  }
  return { stream, tag };
}

/** The page size of a connection when `first` is omitted (the cost model counts the same). */
export const DEFAULT_PAGE_SIZE = 50;

export function checkPageSize(
  value: number | null | undefined,
  max: number,
  fallback: number,
): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw badUserInput(`Argument "first" must be an integer from 1 to ${max}; got ${value}.`);
  }
  return value;
}

/** How much text `search` takes (a DNS-1123 subdomain's length). */
export const MAX_SEARCH_LENGTH = 253;

/** A search text: 1 to 253 characters, no control characters; returned lowercased. */
export function checkSearch(value: string, argument = 'search'): string {
  let control = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) control = true;
  }
  if (value.length === 0 || value.length > MAX_SEARCH_LENGTH || control) {
    throw badUserInput(
      `Argument "${argument}" must be 1 to ${MAX_SEARCH_LENGTH} characters without control characters; got ${shown(value)}.`,
    );
  }
  return value.toLowerCase();
}

export const MAX_LABEL_SELECTOR_LENGTH = 1024;
const LABEL_NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const LABEL_KEY = `(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?${LABEL_NAME}`;
const LABEL_VALUE = `(?:${LABEL_NAME})?`;
/**
 * The requirements of a label selector (apimachinery labels.Parse; spaces, never other blanks).
 * No pattern here repeats an optional part next to what may match the same text: a set such as
 * `(a, ,b)` is split by hand and each value checked alone. (One pattern for the whole set, an
 * optional value repeated between commas and spaces, took 36 s for 59 characters.)
 */
const SET_REQUIREMENT = new RegExp(`^[ ]*${LABEL_KEY}[ ]+(?:in|notin)[ ]*\\(([^()]*)\\)[ ]*$`);
const OTHER_REQUIREMENT = new RegExp(
  `^[ ]*(?:![ ]*${LABEL_KEY}|${LABEL_KEY}(?:[ ]*(?:==|=|!=)[ ]*${LABEL_VALUE})?)[ ]*$`,
);
const SET_VALUE = new RegExp(`^${LABEL_VALUE}$`);

/** `text` without leading and trailing spaces, in linear time. */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start += 1;
  while (end > start && text[end - 1] === ' ') end -= 1;
  return text.slice(start, end);
}

function isLabelRequirement(part: string): boolean {
  const set = SET_REQUIREMENT.exec(part);
  if (set) return (set[1] ?? '').split(',').every((value) => SET_VALUE.test(trimSpaces(value)));
  return OTHER_REQUIREMENT.test(part);
}

/**
 * A Kubernetes label selector, checked before it is sent (the API server would answer 400 for
 * a malformed one; checking here names the argument and spares the call): comma-separated
 * `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`.
 */
export function checkLabelSelector(value: string, argument = 'labelSelector'): string {
  const fail = (): never => {
    throw badUserInput(
      `Argument "${argument}" must be a label selector of at most ${MAX_LABEL_SELECTOR_LENGTH} characters: comma-separated key, !key, key=value, key!=value, key in (a,b) or key notin (a,b); got ${shown(value)}.`,
    );
  };
  if (value.length === 0 || value.length > MAX_LABEL_SELECTOR_LENGTH) fail();
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    if (depth < 0 || depth > 1) fail();
    if (ch === ',' && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) fail();
  parts.push(value.slice(start));
  if (!parts.every(isLabelRequirement)) fail();
  return value;
}
