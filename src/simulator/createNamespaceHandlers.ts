import type { Project, ProjectList } from '../upstream/types.js';
import type { Answer } from './Answer.js';
import type { Identity } from './authorize.js';
import type { SeedData } from './createSeed.js';
import { LIST_RESOURCE_VERSION } from './createPaging.js';

/** The namespaces of a simulated cluster: those its seed has image streams or workloads in. */
export interface NamespaceHandlers {
  /**
   * GET project.openshift.io/v1/projects: as OpenShift's project API, every user may list, and
   * sees only the projects it has a grant in (all of them with a cluster-wide grant).
   */
  projectList(identity: Identity): Answer;
  /** GET /api/v1/namespaces: every namespace (authorization requires a cluster-wide grant). */
  namespaceList(): Answer;
}

const CREATED = '2024-03-01T00:00:00Z';

function objectOf(name: string, kind: 'Project' | 'Namespace'): Project {
  return {
    kind,
    apiVersion: kind === 'Project' ? 'project.openshift.io/v1' : 'v1',
    metadata: {
      name,
      uid: `uid-${kind.toLowerCase()}-${name}`,
      resourceVersion: LIST_RESOURCE_VERSION,
      creationTimestamp: CREATED,
      annotations: { 'openshift.io/display-name': `The ${name} project` },
    },
    status: { phase: 'Active' },
  };
}

export function createNamespaceHandlers(data: SeedData): NamespaceHandlers {
  // Every namespace holding image streams or workloads.
  const all = (): string[] => {
    const names = new Set(data.streams.keys());
    for (const byNamespace of data.workloads?.objects.values() ?? [])
      for (const ns of byNamespace.keys()) names.add(ns);
    return [...names].sort();
  };
  const list = (kind: 'Project' | 'Namespace', names: readonly string[]): Answer => {
    const body: ProjectList = {
      kind: `${kind}List`,
      apiVersion: kind === 'Project' ? 'project.openshift.io/v1' : 'v1',
      metadata: { resourceVersion: LIST_RESOURCE_VERSION },
      items: names.map((name) => objectOf(name, kind)),
    };
    return { status: 200, body };
  };
  return {
    projectList(identity) {
      const grant = identity.grant;
      const visible =
        grant === undefined
          ? []
          : grant.namespaces === '*'
            ? all()
            : all().filter((ns) => grant.namespaces.includes(ns));
      return list('Project', visible);
    },
    namespaceList: () => list('Namespace', all()),
  };
}
