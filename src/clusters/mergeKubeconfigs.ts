import yaml from 'js-yaml';
import { ConfigError } from '../config/ConfigError.js';
import { isRecord } from '../isRecord.js';
import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';

/** One named cluster, user or context, as its file wrote it. */
export interface KubeconfigEntry {
  readonly name: string;
  /**
   * The `cluster`, `user` or `context` mapping exactly as parsed (`undefined` when absent). It
   * is checked only when a selected context uses it, so a broken entry nobody selects cannot
   * stop the gateway (kubectl's `ConfirmUsable` checks only what the context uses, too).
   */
  readonly body: unknown;
  /** The file that defined the entry; relative paths in it are resolved against its folder. */
  readonly file: string;
}

/** Several kubeconfig files merged with kubectl's rules; entries in order of first appearance. */
export interface MergedKubeconfig {
  readonly files: readonly string[];
  readonly clusters: ReadonlyMap<string, KubeconfigEntry>;
  readonly users: ReadonlyMap<string, KubeconfigEntry>;
  readonly contexts: ReadonlyMap<string, KubeconfigEntry>;
  /** From the first file that sets a non-empty `current-context`. */
  readonly currentContext?: { readonly name: string; readonly file: string } | undefined;
}

/**
 * A kubeconfig with a hundred contexts and their certificates embedded is well under 1 MiB; a
 * file past this is a mistake (or `/dev/zero`), refused before it is read.
 */
export const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;

const SECTIONS = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

/**
 * Reads and merges kubeconfig files with client-go's `ClientConfigLoadingRules.Load` rules:
 * for the named clusters, users and contexts the FIRST file that defines a name wins, whole
 * (the same name in a later file is ignored, even its fields the first one lacks);
 * `current-context` comes from the first file that sets it. An empty file is an empty
 * configuration. Within one file, a name defined twice with different contents is an error, as
 * in client-go's conversion of the named lists.
 *
 * Only the file's structure is checked here (a mapping with lists of named entries); what the
 * entries say is checked by the caller for the entries it selects. Error messages name the
 * file and the entry, never a field's value: kubeconfigs hold tokens.
 */
export function mergeKubeconfigs(paths: readonly string[]): MergedKubeconfig {
  if (paths.length === 0) throw new ConfigError('no kubeconfig file to read');
  const maps = {
    clusters: new Map<string, KubeconfigEntry>(),
    users: new Map<string, KubeconfigEntry>(),
    contexts: new Map<string, KubeconfigEntry>(),
  };
  let currentContext: MergedKubeconfig['currentContext'];
  for (const file of paths) {
    const doc = parseFile(file);
    const current = doc['current-context'];
    if (current !== undefined && current !== null && typeof current !== 'string')
      throw invalid(file, '"current-context" must be a string');
    if (current && !currentContext) currentContext = { name: current, file };
    for (const [section, key] of SECTIONS) {
      const inFile = new Map<string, KubeconfigEntry>();
      for (const entry of entriesOf(doc, section, key, file)) {
        const twin = inFile.get(entry.name);
        if (twin) {
          if (!sameValue(twin.body, entry.body))
            throw invalid(
              file,
              `two ${section} entries are named ${JSON.stringify(entry.name)}, with different contents`,
            );
          continue;
        }
        inFile.set(entry.name, entry);
        if (!maps[section].has(entry.name)) maps[section].set(entry.name, entry);
      }
    }
  }
  return Object.freeze({ files: Object.freeze([...paths]), ...maps, currentContext });
}

function invalid(file: string, reason: string): ConfigError {
  return new ConfigError(`kubeconfig "${file}" is invalid: ${reason}`);
}

function parseFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readSmallFile(file, MAX_KUBECONFIG_BYTES).toString('utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read kubeconfig "${file}" (${err instanceof SmallFileError ? err.reason : 'error'})`,
    );
  }
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    // Only the reason and the position: js-yaml's message also quotes the lines around the
    // error, which may hold a token.
    if (err instanceof yaml.YAMLException)
      throw invalid(
        file,
        `${err.reason} (line ${err.mark.line + 1}, column ${err.mark.column + 1})`,
      );
    throw invalid(file, 'not YAML');
  }
  if (doc === undefined || doc === null) return {};
  if (!isRecord(doc)) throw invalid(file, 'expected a mapping (apiVersion, kind, clusters, ...)');
  if (doc['kind'] !== undefined && doc['kind'] !== 'Config')
    throw invalid(file, '"kind" must be "Config"');
  if (doc['apiVersion'] !== undefined && doc['apiVersion'] !== 'v1')
    throw invalid(file, '"apiVersion" must be "v1"');
  return doc;
}

/**
 * The named entries of one section. An entry without a name (or with an empty one) cannot be
 * referenced and is skipped, as kubectl stores it under "" where no context can select it.
 */
function entriesOf(
  doc: Record<string, unknown>,
  section: 'clusters' | 'users' | 'contexts',
  key: 'cluster' | 'user' | 'context',
  file: string,
): KubeconfigEntry[] {
  const list = doc[section];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(file, `"${section}" must be a list`);
  const out: KubeconfigEntry[] = [];
  list.forEach((item: unknown, index) => {
    // An entry that is not a mapping has no name to give; its position is all there is.
    if (!isRecord(item))
      throw invalid(file, `${section} entry ${index + 1} is not a mapping with a name`);
    const name = item['name'];
    if (name === undefined || name === null || name === '') return;
    if (typeof name !== 'string')
      throw invalid(file, `${section} entry ${index + 1} has a name that is not a string`);
    out.push(Object.freeze({ name, body: item[key], file }));
  });
  return out;
}

/**
 * Structural equality of two parsed YAML values, with a bound on the work: YAML aliases can
 * make a small file describe a huge tree ("billion laughs"); past the bound the values count
 * as different, which makes the duplicate an error rather than a hang.
 */
function sameValue(a: unknown, b: unknown): boolean {
  let budget = 10_000;
  const equal = (x: unknown, y: unknown): boolean => {
    if (--budget < 0) return false;
    if (x === y) return true;
    if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime();
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      return x.every((item, i) => equal(item, y[i]));
    }
    if (!isRecord(x) || !isRecord(y)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    return keys.every((k) => Object.hasOwn(y, k) && equal(x[k], y[k]));
  };
  return equal(a, b);
}
