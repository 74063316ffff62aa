import type { Answer } from './Answer.js';
import type { Discovery } from './createDiscovery.js';
import { LIST_RESOURCE_VERSION, type Paging } from './createPaging.js';
import type { ResourceRoute, Route } from './createRouteTable.js';
import type { WorkloadData } from './createWorkloadSeed.js';
import { quote, status } from './status.js';
import { workloadKey, WORKLOAD_RESOURCES, type WorkloadResource } from './workloadResources.js';

/**
 * The workload reads (openshift-image-api.md §6.3): for each kind, the list of all namespaces,
 * the list of one namespace (both paged with limit/continue) and the GET of one object, plus
 * the discovery documents of their groups. Authorization happened before (the router), per
 * resource and namespace like the image reads; ImageManifestVuln only when the scanner is
 * installed (otherwise discovery does not serve its group and every path of it is 404).
 */
export function createWorkloadRoutes(
  discovery: Discovery,
  data: WorkloadData | undefined,
  paging: Paging,
): Route[] {
  const routes: Route[] = [];
  const groupPaths = new Set<string>();
  for (const r of WORKLOAD_RESOURCES) {
    if (!discovery.serves(r.group, r.version, r.resource)) continue;
    const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    if (r.group !== '') {
      groupPaths.add(`/apis/${r.group}`);
      groupPaths.add(base);
    }
    const route = (
      verb: ResourceRoute['verb'],
      path: string,
      handle: ResourceRoute['handle'],
    ): ResourceRoute => ({ kind: 'resource', verb, path, handle });
    routes.push(
      route('list', `${base}/${r.resource}`, ({ query }) => list(data, r, '', query, paging)),
      route('list', `${base}/namespaces/{namespace}/${r.resource}`, ({ info, query }) =>
        list(data, r, info.namespace, query, paging),
      ),
      route('get', `${base}/namespaces/{namespace}/${r.resource}/{name}`, ({ info }) =>
        get(data, r, info.namespace, info.name),
      ),
    );
  }
  for (const path of groupPaths) {
    routes.push({ kind: 'discovery', path, document: () => discovery.documentAt(path) });
  }
  return routes;
}

function objectsOf(
  data: WorkloadData | undefined,
  r: WorkloadResource,
): Map<string, Map<string, unknown>> | undefined {
  return data?.objects.get(workloadKey(r));
}

function list(
  data: WorkloadData | undefined,
  r: WorkloadResource,
  namespace: string,
  query: URLSearchParams,
  paging: Paging,
): Answer {
  const byNamespace = objectsOf(data, r);
  const items: unknown[] = [];
  const namespaces = namespace === '' ? [...(byNamespace?.keys() ?? [])].sort() : [namespace];
  for (const ns of namespaces) {
    const byName = byNamespace?.get(ns);
    if (!byName) continue;
    for (const name of [...byName.keys()].sort()) items.push(byName.get(name));
  }
  const page = paging.page(items, query);
  if ('error' in page) return page.error;
  return {
    status: 200,
    body: {
      kind: `${r.kind}List`,
      apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
      metadata: { ...page.metadata, resourceVersion: LIST_RESOURCE_VERSION },
      items: page.items,
    },
  };
}

/** GET of one object; a missing one is 404 naming the resource (no group for the core group). */
function get(
  data: WorkloadData | undefined,
  r: WorkloadResource,
  namespace: string,
  name: string,
): Answer {
  const object = objectsOf(data, r)?.get(namespace)?.get(name);
  if (object !== undefined) return { status: 200, body: object };
  const qualified = r.group === '' ? r.resource : `${r.resource}.${r.group}`;
  return {
    status: 404,
    body: status(404, 'NotFound', `${qualified} ${quote(name)} not found`, {
      name,
      ...(r.group === '' ? {} : { group: r.group }),
      kind: r.resource,
    }),
  };
}
