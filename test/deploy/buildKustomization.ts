import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';

/** One Kubernetes object as parsed from YAML; tests assert its shape. */
export type Manifest = Record<string, any>;

export interface KustomizationBuild {
  readonly manifests: readonly Manifest[];
  /** Every file the build read, relative to the folder it started from (kustomization.yaml too). */
  readonly files: readonly string[];
}

/**
 * What `kubectl kustomize DIR` (`oc apply -k DIR`) produces, for the subset of kustomize this
 * project uses: `resources` (files and folders), `namespace`, and `patches` that are JSON patches
 * (RFC 6902) with a `target` of kind and name. Anything else in a kustomization is refused, so
 * that the tests never check a build that kustomize would make differently. Stricter than
 * kustomize where that catches mistakes: a patch whose target matches nothing is an error.
 * Object order is the order of reading (kustomize sorts its output; the tests never depend on
 * order).
 */
export function buildKustomization(dir: string): KustomizationBuild {
  const files: string[] = [];
  const manifests = build(dir, files);
  return { manifests, files: files.map((f) => relative(dir, f)) };
}

const FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches']);
/** The cluster-scoped kinds these manifests use; `namespace` leaves them alone. */
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);

function build(dir: string, files: string[]): Manifest[] {
  const path = join(dir, 'kustomization.yaml');
  files.push(path);
  const kustomization = yaml.load(readFileSync(path, 'utf8')) as Manifest;
  for (const field of Object.keys(kustomization)) {
    if (!FIELDS.has(field)) throw new Error(`${path}: "${field}" is not supported by this build`);
  }
  if (kustomization['kind'] !== 'Kustomization') throw new Error(`${path}: not a Kustomization`);
  const manifests: Manifest[] = [];
  for (const resource of (kustomization['resources'] ?? []) as string[]) {
    const target = join(dir, resource);
    if (statSync(target).isDirectory()) manifests.push(...build(target, files));
    else {
      files.push(target);
      manifests.push(...(yaml.loadAll(readFileSync(target, 'utf8')) as Manifest[]));
    }
  }
  for (const patch of (kustomization['patches'] ?? []) as Manifest[]) {
    const patchPath = join(dir, patch['path'] as string);
    files.push(patchPath);
    const operations = yaml.load(readFileSync(patchPath, 'utf8'));
    if (!Array.isArray(operations)) throw new Error(`${patchPath}: not a JSON patch (a list)`);
    const { kind, name, ...rest } = patch['target'] as Manifest;
    if (Object.keys(rest).length > 0) throw new Error(`${patchPath}: target by kind and name only`);
    const targets = manifests.filter((m) => m['kind'] === kind && m['metadata']['name'] === name);
    if (targets.length === 0) throw new Error(`${patchPath}: no ${kind} named ${name}`);
    for (const target of targets) {
      for (const operation of operations as Manifest[]) applyOperation(target, operation);
    }
  }
  const namespace = kustomization['namespace'] as string | undefined;
  if (namespace !== undefined) {
    for (const manifest of manifests) {
      if (manifest['kind'] === 'RoleBinding' || manifest['kind'] === 'ClusterRoleBinding')
        throw new Error(`${path}: namespace with role bindings is not supported by this build`);
      if (!CLUSTER_SCOPED.has(manifest['kind'] as string))
        manifest['metadata']['namespace'] = namespace;
    }
  }
  return manifests;
}

/** RFC 6901: "/a/b~1c" -> ["a", "b/c"]. */
function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`JSON pointer must start with "/", got "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyOperation(document: Manifest, operation: Manifest): void {
  const tokens = pointer(operation['path'] as string);
  const last = tokens.pop() as string;
  let parent: any = document;
  for (const token of tokens) {
    parent = parent?.[Array.isArray(parent) ? Number(token) : token];
    if (parent === undefined) throw new Error(`${operation['path']}: no such path`);
  }
  const op = operation['op'] as string;
  const value = structuredClone(operation['value']);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new Error(`${operation['path']}: index out of range`);
    if (op !== 'add' && index >= parent.length)
      throw new Error(`${operation['path']}: index out of range`);
    if (op === 'add') parent.splice(index, 0, value);
    else if (op === 'remove') parent.splice(index, 1);
    else if (op === 'replace') parent[index] = value;
    else if (op === 'test') assertEqual(parent[index], value, operation['path'] as string);
    else throw new Error(`unsupported JSON patch op "${op}"`);
    return;
  }
  if (typeof parent !== 'object' || parent === null)
    throw new Error(`${operation['path']}: parent is not an object or array`);
  if (op !== 'add' && !(last in parent)) throw new Error(`${operation['path']}: no such member`);
  if (op === 'add' || op === 'replace') parent[last] = value;
  else if (op === 'remove') Reflect.deleteProperty(parent, last);
  else if (op === 'test') assertEqual(parent[last], value, operation['path'] as string);
  else throw new Error(`unsupported JSON patch op "${op}"`);
}

function assertEqual(actual: unknown, expected: unknown, path: string): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new Error(
      `JSON patch test failed at ${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
}
