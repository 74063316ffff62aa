import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../config/ConfigError.js';

/**
 * The kubeconfig files to read, in precedence order, chosen as kubectl chooses them (client-go
 * `clientcmd.NewDefaultClientConfigLoadingRules` and `Load`):
 *
 * 1. `--kubeconfig PATH` when given: that one file, which must exist (an empty PATH is refused
 *    rather than silently falling back to another file, as kubectl would).
 * 2. Else `KUBECONFIG` when set and not empty: its entries split on `path.delimiter` (`:`, or `;`
 *    on Windows), empty entries and repeated entries skipped, files that do not exist skipped.
 *    When none of them exists the result would be no configuration at all, which for a gateway
 *    is an error: it names the missing files.
 * 3. Else `<homeDir>/.kube/config`, which must exist.
 *
 * Files that exist but cannot be read (permissions, a directory) are kept: loadKubeconfig then
 * fails on them with the reason, as kubectl does.
 */
export function kubeconfigPaths(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): string[] {
  if (explicit !== undefined) {
    if (explicit === '') throw new ConfigError('--kubeconfig needs a path, got ""');
    if (isMissing(explicit)) throw new ConfigError(`cannot read kubeconfig "${explicit}" (ENOENT)`);
    return [explicit];
  }
  const list = env['KUBECONFIG'];
  if (list) {
    const named = [...new Set(list.split(delimiter).filter((entry) => entry !== ''))];
    const present = named.filter((path) => !isMissing(path));
    if (present.length > 0) return present;
    if (named.length === 0) throw new ConfigError(`KUBECONFIG names no file (it is "${list}")`);
    throw new ConfigError(
      `cannot read kubeconfig ${named.map((p) => `"${p}"`).join(', ')} (ENOENT): no file that KUBECONFIG names exists`,
    );
  }
  if (homeDir === '')
    throw new ConfigError('no home directory to find ~/.kube/config in: pass --kubeconfig PATH');
  const home = join(homeDir, '.kube', 'config');
  if (isMissing(home))
    throw new ConfigError(
      `cannot read kubeconfig "${home}" (ENOENT): pass --kubeconfig PATH or set KUBECONFIG`,
    );
  return [home];
}

/** Whether nothing is at `path` (ENOENT), the one case kubectl skips silently. */
function isMissing(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    // Any other failure (EACCES on a parent folder, ENOTDIR) is reported when the file is read.
    return false;
  }
}
