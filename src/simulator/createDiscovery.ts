import { readFixture } from './readFixture.js';
import { AUTHORIZATION_GROUP, IMAGE_GROUP } from './authorize.js';
import { PROJECT_GROUP, SCANNER_GROUP, WORKLOAD_RESOURCES } from './workloadResources.js';

/**
 * The discovery documents the simulated API server serves (`/version`, `/api`, `/apis`, each
 * group and group version), and which resources each group version serves. The image group's
 * resources are derived from the real aggregated discovery document
 * (fixtures/openshift/discovery-image-openshift-io.json); authorization.k8s.io serves
 * selfsubjectaccessreviews only. Serving another group is one more entry in `groups`.
 */
export interface Discovery {
  /** The document served at a discovery path (`/apis`, `/apis/<group>/<version>`, ...), if any. */
  documentAt(path: string): unknown;
  /** Whether a group version serves a resource (by its top-level name, e.g. `imagestreams`). */
  serves(group: string, version: string, resource: string): boolean;
}

/** One entry of a legacy APIResourceList. */
interface ApiResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

interface ServedGroup {
  readonly name: string;
  readonly version: string;
  readonly resources: readonly ApiResource[];
}

const VERSION = {
  major: '1',
  minor: '29',
  gitVersion: 'v1.29.0+simulated',
  gitCommit: 'simulated',
  gitTreeState: 'clean',
  buildDate: '2024-03-01T00:00:00Z',
  goVersion: 'go1.21.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Core (v1) resources served: namespaces only (Cluster.namespaces' fallback). */
const CORE_RESOURCES: readonly ApiResource[] = [
  {
    name: 'namespaces',
    singularName: 'namespace',
    namespaced: false,
    kind: 'Namespace',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
  },
];

export interface DiscoveryOptions {
  /**
   * false: a cluster without OpenShift's project API (plain Kubernetes); the projects list is
   * then 404, as on such a server. Default true.
   */
  readonly projects?: boolean | undefined;
  /** Serve secscan.quay.redhat.com/v1alpha1 (ImageManifestVuln): the scanner is installed. */
  readonly scanner?: boolean | undefined;
}

export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const workloads = workloadGroups(options.scanner === true);
  // Core v1: namespaces (Cluster.namespaces' fallback) and the workload resources (pods, RCs).
  const coreResources: readonly ApiResource[] = [
    ...CORE_RESOURCES,
    ...(workloads.find((g) => g.name === '')?.resources ?? []),
  ];
  const groups: readonly ServedGroup[] = [
    { name: IMAGE_GROUP, version: 'v1', resources: imageResources() },
    {
      name: AUTHORIZATION_GROUP,
      version: 'v1',
      resources: [
        {
          name: 'selfsubjectaccessreviews',
          singularName: 'selfsubjectaccessreview',
          namespaced: false,
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
        },
      ],
    },
    ...workloads.filter((g) => g.name !== ''),
    ...(options.projects === false
      ? []
      : [
          {
            name: PROJECT_GROUP,
            version: 'v1',
            resources: [
              {
                name: 'projects',
                singularName: 'project',
                namespaced: false,
                kind: 'Project',
                verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
              },
            ],
          },
        ]),
  ];
  const apiGroup = (g: ServedGroup) => {
    const version = { groupVersion: `${g.name}/${g.version}`, version: g.version };
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: g.name,
      versions: [version],
      preferredVersion: version,
    };
  };
  const documents = new Map<string, unknown>([
    ['/version', VERSION],
    [
      '/api',
      {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
      },
    ],
    ['/api/v1', { kind: 'APIResourceList', groupVersion: 'v1', resources: coreResources }],
    ['/apis', { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) }],
  ]);
  for (const g of groups) {
    documents.set(`/apis/${g.name}`, apiGroup(g));
    documents.set(`/apis/${g.name}/${g.version}`, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${g.name}/${g.version}`,
      resources: g.resources,
    });
  }
  return {
    documentAt: (path) => documents.get(path),
    serves: (group, version, resource) =>
      [...groups, { name: '', version: 'v1', resources: coreResources }].some(
        (g) =>
          g.name === group && g.version === version && g.resources.some((r) => r.name === resource),
      ),
  };
}

interface AggregatedResource {
  readonly resource: string;
  readonly singularResource?: string;
  readonly scope: string;
  readonly shortNames?: string[];
  readonly categories?: string[];
  readonly verbs: string[];
  readonly responseKind: { readonly kind: string };
  readonly subresources?: {
    readonly subresource: string;
    readonly verbs: string[];
    readonly responseKind: { readonly kind: string };
  }[];
}

/** The legacy APIResourceList entries, subresources as `<resource>/<subresource>`. */
function imageResources(): ApiResource[] {
  const discovery = readFixture('discovery-image-openshift-io.json') as {
    versions: { resources: AggregatedResource[] }[];
  };
  const resources: ApiResource[] = [];
  for (const r of discovery.versions[0]?.resources ?? []) {
    const namespaced = r.scope === 'Namespaced';
    resources.push({
      name: r.resource,
      singularName: r.singularResource ?? '',
      namespaced,
      kind: r.responseKind.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources ?? []) {
      resources.push({
        name: `${r.resource}/${sub.subresource}`,
        singularName: '',
        namespaced,
        kind: sub.responseKind.kind,
        verbs: sub.verbs,
      });
    }
  }
  return resources;
}

/** The workload groups (core v1 first, as `''`), each resource read-only (get, list, watch). */
function workloadGroups(scanner: boolean): ServedGroup[] {
  const out = new Map<string, { name: string; version: string; resources: ApiResource[] }>();
  for (const r of WORKLOAD_RESOURCES) {
    if (r.group === SCANNER_GROUP && !scanner) continue;
    const key = `${r.group}/${r.version}`;
    let group = out.get(key);
    if (!group) out.set(key, (group = { name: r.group, version: r.version, resources: [] }));
    group.resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: true,
      kind: r.kind,
      verbs: ['get', 'list', 'watch'],
    });
  }
  return [...out.values()];
}
