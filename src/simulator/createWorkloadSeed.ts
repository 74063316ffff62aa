import type {
  ImageManifestVuln,
  ImageStream,
  ObjectMeta,
  OwnerReference,
  Pod,
  WorkloadOwner,
} from '../upstream/types.js';
import { INTERNAL_REGISTRY, uidFor } from './buildImageStream.js';
import type { SeedData } from './createSeed.js';
import { workloadKey, WORKLOAD_RESOURCES, type WorkloadResource } from './workloadResources.js';

/** Workload objects of one simulated cluster: `workloadKey` -> namespace -> name -> object. */
export interface WorkloadData {
  readonly objects: Map<string, Map<string, Map<string, unknown>>>;
  /** Whether the Container Security Operator's ImageManifestVuln CRD is served. */
  readonly scanner: boolean;
}

export interface WorkloadSeedOptions {
  /** Serve ImageManifestVuln (default: every cluster but "west", as in the demo). */
  readonly scanner?: boolean | undefined;
  /** Pods generated in namespace `bench`, owned by ReplicaSets of 20 Deployments (default 0). */
  readonly benchPods?: number | undefined;
}

/** The advisory the demo's Critical image carries (Log4Shell), and its feature. */
export const DEMO_ADVISORY = 'CVE-2021-44228';

const TRIGGERS = 'image.openshift.io/triggers';
const byKind = new Map(WORKLOAD_RESOURCES.map((r) => [r.kind, r]));

function resourceOf(kind: string): WorkloadResource {
  const r = byKind.get(kind);
  if (!r) throw new Error(`invariant: no workload resource of kind ${kind}`);
  return r;
}

function currentOf(stream: ImageStream | undefined, tag = 'latest', index = 0): string {
  const items = stream?.status?.tags?.find((t) => t.tag === tag)?.items ?? [];
  return items[index]?.image ?? items[0]?.image ?? '';
}

/**
 * The demo's workloads, built on the seed's real and generated images (so every digest a pod
 * reports is one the image API serves): each owner chain, each imageID form, a Deployment
 * drifting behind its tag (apps/frontend runs the tag's previous image), a DaemonSet running a
 * manifest-list child of the tag it follows, a bare pod, and, where the scanner is installed,
 * ImageManifestVuln objects: a Critical Log4Shell advisory on apps/backend's current image.
 */
export function createWorkloadSeed(
  clusterName: string,
  data: SeedData,
  options: WorkloadSeedOptions = {},
): WorkloadData {
  const scanner = options.scanner ?? clusterName !== 'west';
  const out: WorkloadData = { objects: new Map(), scanner };
  const put = (kind: string, object: { metadata: ObjectMeta }): void => {
    const key = workloadKey(resourceOf(kind));
    let byNamespace = out.objects.get(key);
    if (!byNamespace) out.objects.set(key, (byNamespace = new Map<string, Map<string, unknown>>()));
    const ns = object.metadata.namespace ?? '';
    let byName = byNamespace.get(ns);
    if (!byName) byNamespace.set(ns, (byName = new Map<string, unknown>()));
    byName.set(object.metadata.name ?? '', object);
  };
  const stream = (ns: string, name: string): ImageStream | undefined =>
    data.streams.get(ns)?.get(name);
  const repo = (ns: string, name: string): string => `${INTERNAL_REGISTRY}/${ns}/${name}`;

  const owner = (
    kind: string,
    namespace: string,
    name: string,
    owners: OwnerReference[],
    extra: Partial<WorkloadOwner> = {},
    annotations: Record<string, string> = {},
  ): OwnerReference => {
    const r = resourceOf(kind);
    const uid = uidFor(`${clusterName}/${kind}/${namespace}/${name}`);
    put(kind, {
      kind,
      apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
      metadata: {
        name,
        namespace,
        uid,
        resourceVersion: '3000',
        creationTimestamp: '2024-04-02T08:00:00Z',
        annotations,
        ...(owners.length > 0 ? { ownerReferences: owners } : {}),
      },
      ...extra,
    });
    return {
      apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
      kind,
      name,
      uid,
      controller: true,
    };
  };
  const trigger = (
    from: string,
    container: string,
    namespace?: string,
  ): Record<string, string> => ({
    [TRIGGERS]: JSON.stringify([
      {
        from: { kind: 'ImageStreamTag', name: from, ...(namespace ? { namespace } : {}) },
        fieldPath: `spec.template.spec.containers[?(@.name=="${container}")].image`,
      },
    ]),
  });
  const pod = (
    namespace: string,
    name: string,
    owners: OwnerReference[],
    containers: { name: string; image: string; imageID: string }[],
    init: { name: string; image: string; imageID: string }[] = [],
  ): void => {
    const p: Pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace,
        uid: uidFor(`${clusterName}/Pod/${namespace}/${name}`),
        resourceVersion: '3100',
        creationTimestamp: '2024-04-02T08:01:00Z',
        ...(owners.length > 0 ? { ownerReferences: owners } : {}),
      },
      spec: { containers: containers.map((c) => ({ name: c.name, image: c.image })) },
      status: {
        phase: 'Running',
        containerStatuses: containers,
        ...(init.length > 0 ? { initContainerStatuses: init } : {}),
      },
    };
    put('Pod', p);
  };

  // apps/frontend: a Deployment following frontend:latest, still running the previous image.
  const frontendOld = currentOf(stream('apps', 'frontend'), 'latest', 1);
  const frontendDeployment = owner(
    'Deployment',
    'apps',
    'frontend',
    [],
    {},
    trigger('frontend:latest', 'web'),
  );
  const frontendRs = owner('ReplicaSet', 'apps', 'frontend-6d8f7b9c5', [frontendDeployment]);
  for (const suffix of ['x7k2p', 'q9m4r']) {
    pod(
      'apps',
      `frontend-6d8f7b9c5-${suffix}`,
      [frontendRs],
      [
        {
          name: 'web',
          image: `${repo('apps', 'frontend')}:latest`,
          imageID: `${repo('apps', 'frontend')}@${frontendOld}`,
        },
      ],
    );
  }

  // apps/backend: current with its tag; docker-pullable:// imageIDs; the Critical image.
  const backend = currentOf(stream('apps', 'backend'));
  const backendDeployment = owner(
    'Deployment',
    'apps',
    'backend',
    [],
    {},
    trigger('backend:latest', 'api'),
  );
  const backendRs = owner('ReplicaSet', 'apps', 'backend-5f4c8d7b6', [backendDeployment]);
  pod(
    'apps',
    'backend-5f4c8d7b6-h2v8n',
    [backendRs],
    [
      {
        name: 'api',
        image: `${repo('apps', 'backend')}:latest`,
        imageID: `docker-pullable://${repo('apps', 'backend')}@${backend}`,
      },
    ],
  );

  // apps/worker: a DeploymentConfig with an ImageChange trigger; bare-digest imageIDs.
  const worker = currentOf(stream('apps', 'worker'));
  const workerDc = owner('DeploymentConfig', 'apps', 'worker', [], {
    spec: {
      triggers: [
        { type: 'ConfigChange' },
        {
          type: 'ImageChange',
          imageChangeParams: {
            automatic: true,
            containerNames: ['worker'],
            from: { kind: 'ImageStreamTag', name: 'worker:latest', namespace: 'apps' },
          },
        },
      ],
    },
  });
  const workerRc = owner('ReplicationController', 'apps', 'worker-3', [workerDc]);
  pod(
    'apps',
    'worker-3-b7xkq',
    [workerRc],
    [{ name: 'worker', image: `${repo('apps', 'worker')}:latest`, imageID: worker }],
  );

  // apps/debug: a bare pod running python, with an init container on the same image.
  const python = currentOf(stream('openshift', 'python'), '3.8');
  pod(
    'apps',
    'debug',
    [],
    [{ name: 'shell', image: 'python:3.8.12', imageID: `docker.io/library/python@${python}` }],
    [{ name: 'setup', image: 'python:3.8.12', imageID: `docker.io/library/python@${python}` }],
  );

  // batch/report: CronJob -> Job -> Pod, running python through openshift/python:3.8.
  const reportCron = owner(
    'CronJob',
    'batch',
    'report',
    [],
    {},
    {
      [TRIGGERS]: JSON.stringify([
        {
          from: { kind: 'ImageStreamTag', name: 'python:3.8', namespace: 'openshift' },
          fieldPath: 'spec.jobTemplate.spec.template.spec.containers[?(@.name=="report")].image',
        },
      ]),
    },
  );
  const reportJob = owner('Job', 'batch', 'report-28551360', [reportCron]);
  pod(
    'batch',
    'report-28551360-m5d2t',
    [reportJob],
    [
      {
        name: 'report',
        image: `${repo('openshift', 'python')}:3.8`,
        imageID: `${repo('openshift', 'python')}@${python}`,
      },
    ],
  );

  // data/db: a StatefulSet on shared/base (the same digest on every cluster).
  const base = currentOf(stream('shared', 'base'));
  const db = owner('StatefulSet', 'data', 'db', [], {}, trigger('base:latest', 'db', 'shared'));
  for (const i of [0, 1]) {
    pod(
      'data',
      `db-${i}`,
      [db],
      [
        {
          name: 'db',
          image: `${repo('shared', 'base')}:latest`,
          imageID: `${repo('shared', 'base')}@${base}`,
        },
      ],
    );
  }

  // monitoring/node-agent: a DaemonSet following a tag that holds a manifest list; the node
  // pulled the list and reports the amd64 child's digest.
  const list = currentOf(stream('openshift', 'hello-multiarch'));
  const child = data.images.get(list)?.dockerImageManifests?.[0]?.digest ?? list;
  const agent = owner(
    'DaemonSet',
    'monitoring',
    'node-agent',
    [],
    {},
    trigger('hello-multiarch:latest', 'agent', 'openshift'),
  );
  pod(
    'monitoring',
    'node-agent-zx8vj',
    [agent],
    [
      {
        name: 'agent',
        image: `${repo('openshift', 'hello-multiarch')}:latest`,
        imageID: `${repo('openshift', 'hello-multiarch')}@${child}`,
      },
    ],
  );

  const benchCritical = addBenchPods(clusterName, data, options.benchPods ?? 0, owner, pod);

  if (scanner) {
    const log4Shell = {
      name: DEMO_ADVISORY,
      severity: 'Critical',
      fixedby: '2.15.0',
      link: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228',
      description:
        'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints (Log4Shell).',
    };
    put(
      'ImageManifestVuln',
      manifestVuln('apps', backend, 'Critical', [
        {
          name: 'log4j-core',
          version: '2.14.1',
          vulnerabilities: [
            log4Shell,
            {
              name: 'CVE-2021-45046',
              severity: 'Critical',
              fixedby: '2.16.0',
              link: 'https://nvd.nist.gov/vuln/detail/CVE-2021-45046',
            },
          ],
        },
        {
          name: 'openssl-libs',
          version: '1.1.1k',
          vulnerabilities: [
            { name: 'CVE-2023-0286', severity: 'High', fixedby: '1:1.1.1k-9.el8_7' },
          ],
        },
      ]),
    );
    // The tag moved on to a fixed image; the Deployment still runs the vulnerable one.
    put(
      'ImageManifestVuln',
      manifestVuln('apps', frontendOld, 'Critical', [
        { name: 'log4j-core', version: '2.14.1', vulnerabilities: [log4Shell] },
        {
          name: 'zlib',
          version: '1.2.11',
          vulnerabilities: [{ name: 'CVE-2018-25032', severity: 'Medium', fixedby: '1.2.12' }],
        },
      ]),
    );
    if (benchCritical) {
      put(
        'ImageManifestVuln',
        manifestVuln('bench', benchCritical, 'Critical', [
          { name: 'log4j-core', version: '2.14.1', vulnerabilities: [log4Shell] },
        ]),
      );
    }
  }
  return out;
}

/** An ImageManifestVuln as the Container Security Operator writes it, counts from the features. */
export function manifestVuln(
  namespace: string,
  digest: string,
  highestSeverity: string,
  features: NonNullable<NonNullable<ImageManifestVuln['spec']>['features']>,
): ImageManifestVuln {
  const counts: Record<string, number> = {};
  for (const f of features)
    for (const v of f.vulnerabilities ?? []) {
      const key = `${(v.severity ?? 'Unknown').toLowerCase()}Count`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  return {
    kind: 'ImageManifestVuln',
    apiVersion: 'secscan.quay.redhat.com/v1alpha1',
    metadata: {
      name: digest.replace(':', '.'),
      namespace,
      uid: uidFor(`imv/${namespace}/${digest}`),
      resourceVersion: '3200',
      creationTimestamp: '2024-04-02T09:00:00Z',
      labels: { [digest.replace(':', '.')]: 'true' },
    },
    spec: { manifest: digest, image: 'quay.io/example/app', features },
    status: { highestSeverity, ...counts },
  };
}

/**
 * `count` pods in namespace `bench`, spread over 20 Deployments on the bench streams' images;
 * returns the image of the first Deployment (the scanner's Critical one), if any.
 */
function addBenchPods(
  clusterName: string,
  data: SeedData,
  count: number,
  owner: (kind: string, ns: string, name: string, owners: OwnerReference[]) => OwnerReference,
  pod: (
    ns: string,
    name: string,
    owners: OwnerReference[],
    containers: { name: string; image: string; imageID: string }[],
  ) => void,
): string | undefined {
  if (count <= 0) return undefined;
  const streams = [...(data.streams.get('bench')?.values() ?? [])];
  const deployments = 20;
  const sets: { rs: OwnerReference; image: string; repoName: string }[] = [];
  for (let d = 0; d < deployments; d++) {
    const s = streams[d % Math.max(1, streams.length)];
    const name = `svc-${String(d).padStart(2, '0')}`;
    const dep = owner('Deployment', 'bench', name, []);
    const rs = owner('ReplicaSet', 'bench', `${name}-7b${d}`, [dep]);
    sets.push({ rs, image: currentOf(s), repoName: s?.metadata.name ?? 'none' });
  }
  for (let i = 0; i < count; i++) {
    const set = sets[i % deployments];
    if (!set) continue;
    pod(
      'bench',
      `${set.rs.name}-${clusterName}-${i}`,
      [set.rs],
      [
        {
          name: 'app',
          image: `${INTERNAL_REGISTRY}/bench/${set.repoName}:latest`,
          imageID: `${INTERNAL_REGISTRY}/bench/${set.repoName}@${set.image}`,
        },
      ],
    );
  }
  return sets[0]?.image;
}
