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
