/** RFC 9110 §5.6.2 `token`: one or more tchar. Header names are tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The header-safe alias of a cluster name: the `<alias>` in `X-Cluster-Authorization-<alias>`.
 *
 * - A name that is an HTTP token (RFC 9110 tchar only) is its own alias, in lowercase: header
 *   names are case-insensitive and Node.js hands them over in lowercase, so `East` is sent as
 *   `X-Cluster-Authorization-East` or `-east` alike.
 * - Any other name (an `oc login` context such as `default/api-crc-testing:6443/kubeadmin`) is
 *   lowercased (ASCII letters only), every run of characters other than `a-z`, `0-9` and `-`
 *   becomes one `-`, and leading and trailing `-` are removed:
 *   `default-api-crc-testing-6443-kubeadmin`.
 *
 * The result may be empty (a name made only of such characters, e.g. `//`); loadKubeconfig
 * refuses that name, and refuses two selected clusters with the same alias.
 */
/**
 * The alias a configured cluster answers to: the one the registry gave it (`headerName`, unique
 * among the configured clusters), else `headerNameOf(name)`.
 */
export function headerOf(cluster: {
  readonly name: string;
  readonly headerName?: string | undefined;
}): string {
  return cluster.headerName ?? headerNameOf(cluster.name);
}

export function headerNameOf(cluster: string): string {
  const lower = cluster.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  if (TOKEN.test(cluster)) return lower;
  return lower.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}
