import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_PER_SCOPE } from '../../src/loaders/createWorkloadLoaders.js';
import { MAX_FALLBACK_NAMESPACES } from '../../src/loaders/findWorkloads.js';
import { DEMO_ADVISORY } from '../../src/simulator/createWorkloadSeed.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const WORKLOAD = `cluster { name } namespace kind name containers pods runningDigest drift
  trigger { namespace stream tag currentDigest }`;

let stack: Stack;
let frontendCurrent: string;
let frontendOld: string;
let backend: string;
let worker: string;
let python: string;
let base: string;
let list: string;
let child: string;

beforeAll(async () => {
  stack = await startStack({
    clusters: [
      { name: 'east', seedOptions: { benchStreams: 1, benchImagesPerStream: 1 } },
      { name: 'west', seedOptions: { benchStreams: 1, benchImagesPerStream: 1 } },
    ],
  });
  const east = stack.sims['east']!;
  [frontendCurrent = '', frontendOld = ''] = historyOf(east, 'apps', 'frontend');
  backend = historyOf(east, 'apps', 'backend')[0] ?? '';
  worker = historyOf(east, 'apps', 'worker')[0] ?? '';
  python = historyOf(east, 'openshift', 'python', '3.8')[0] ?? '';
  base = historyOf(east, 'shared', 'base')[0] ?? '';
  list = historyOf(east, 'openshift', 'hello-multiarch')[0] ?? '';
  child = east.data.images.get(list)?.dockerImageManifests?.[0]?.digest ?? '';
});
afterAll(async () => {
  await stack.close();
});

const workloads = async (digest: string, extra = '') => {
  const res = await stack.gql(
    `query($d: String!) { workloads(digest: $d${extra}) { ${WORKLOAD} } }`,
    { d: digest },
  );
  return res;
};

describe('Query.workloads', () => {
  it('follows Pod → ReplicaSet → Deployment, and sees drift when the tag moved on', async () => {
    const res = await workloads(frontendOld, ', clusters: ["east"]');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.['workloads']).toEqual([
      {
        cluster: { name: 'east' },
        namespace: 'apps',
        kind: 'Deployment',
        name: 'frontend',
        containers: ['web'],
        pods: ['frontend-6d8f7b9c5-q9m4r', 'frontend-6d8f7b9c5-x7k2p'],
        runningDigest: frontendOld,
        drift: true,
        trigger: {
          namespace: 'apps',
          stream: 'frontend',
          tag: 'latest',
          currentDigest: frontendCurrent,
        },
      },
    ]);
    // Nothing runs the tag's current image.
    expect(
      (await workloads(frontendCurrent, ', clusters: ["east"]')).body.data?.['workloads'],
    ).toEqual([]);
  });

  it('matches docker-pullable:// imageIDs; a workload current with its tag does not drift', async () => {
    const res = await workloads(backend, ', clusters: ["east"]');
    expect(res.body.data?.['workloads']).toMatchObject([
      { kind: 'Deployment', name: 'backend', containers: ['api'], drift: false },
    ]);
  });

  it('follows Pod → ReplicationController → DeploymentConfig and its ImageChange trigger; bare-digest imageIDs', async () => {
    const res = await workloads(worker, ', clusters: ["east"]');
    expect(res.body.data?.['workloads']).toMatchObject([
      {
        kind: 'DeploymentConfig',
        name: 'worker',
        pods: ['worker-3-b7xkq'],
        drift: false,
        trigger: { namespace: 'apps', stream: 'worker', tag: 'latest', currentDigest: worker },
      },
    ]);
  });

  it('follows Pod → Job → CronJob, and reports a bare pod as a Pod with its init containers', async () => {
    const res = await workloads(python, ', clusters: ["east"]');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.['workloads']).toMatchObject([
      {
        namespace: 'apps',
        kind: 'Pod',
        name: 'debug',
        containers: ['setup', 'shell'],
        trigger: null,
        drift: false,
      },
      {
        namespace: 'batch',
        kind: 'CronJob',
        name: 'report',
        pods: ['report-28551360-m5d2t'],
        trigger: { namespace: 'openshift', stream: 'python', tag: '3.8', currentDigest: python },
        drift: false,
      },
    ]);
  });

  it('finds a StatefulSet on both clusters (the same digest), in cluster order', async () => {
    const res = await workloads(base);
    expect(
      (
        res.body.data?.['workloads'] as {
          cluster: { name: string };
          kind: string;
          pods: string[];
        }[]
      ).map((w) => [w.cluster.name, w.kind, w.pods]),
    ).toEqual([
      ['east', 'StatefulSet', ['db-0', 'db-1']],
      ['west', 'StatefulSet', ['db-0', 'db-1']],
    ]);
  });

  it('matches a manifest list and its platform child both ways, without drift', async () => {
    for (const digest of [list, child]) {
      const res = await workloads(digest, ', clusters: ["east"]');
      expect(res.body.errors, digest).toBeUndefined();
      expect(res.body.data?.['workloads'], digest).toMatchObject([
        {
          kind: 'DaemonSet',
          name: 'node-agent',
          runningDigest: child,
          drift: false,
          trigger: { stream: 'hello-multiarch', tag: 'latest', currentDigest: list },
        },
      ]);
    }
  });

  it('reads each owner once per request, however many pods share it', async () => {
    stack.resetCounts();
    const res = await stack.gql(
      `query($a: String!, $b: String!) { a: workloads(digest: $a, clusters: ["east"]) { name } b: workloads(digest: $b, clusters: ["east"]) { name } }`,
      { a: frontendOld, b: backend },
    );
    expect(res.body.errors).toBeUndefined();
    const east = stack.sims['east']!;
    // One pod list for the two fields, one read per owner (2 ReplicaSets, 2 Deployments).
    expect(east.count('pods')).toBe(1);
    expect(east.count('replicasets')).toBe(2);
    expect(east.count('deployments')).toBe(2);
  });

  it('resolves the running image through the batched loaders', async () => {
    const res = await stack.gql(
      `query($d: String!) { workloads(digest: $d, clusters: ["east"]) { image { name totalLayerSize } } }`,
      { d: frontendOld },
    );
    expect(res.body.data?.['workloads']).toEqual([
      { image: { name: frontendOld, totalLayerSize: expect.any(Number) } },
    ]);
  });

  it('refuses a malformed digest and too many namespaces before any upstream call', async () => {
    stack.resetCounts();
    const bad = await workloads('sha256:nothex');
    expect(bad.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const many = await stack.gql(
      `query($d: String!, $n: [String!]) { workloads(digest: $d, namespaces: $n) { name } }`,
      { d: base, n: Array.from({ length: 101 }, (_, i) => `ns-${i}`) },
    );
    expect(many.body.errors?.[0]?.message).toContain('at most 100');
    expect(stack.sims['east']!.count()).toBe(0);
  });
});

describe('Query.vulnerableWorkloads and Image.vulnerabilities', () => {
  it('finds the workloads running the Critical image, on the cluster with the scanner only', async () => {
    const res = await stack.gql(
      `query($a: String!) { vulnerableWorkloads(advisory: $a) { cluster { name } kind name drift runningDigest } }`,
      { a: DEMO_ADVISORY.toLowerCase() },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.['vulnerableWorkloads']).toEqual([
      {
        cluster: { name: 'east' },
        kind: 'Deployment',
        name: 'backend',
        drift: false,
        runningDigest: backend,
      },
      // The tag moved on to a fixed image; the Deployment still runs the vulnerable one.
      {
        cluster: { name: 'east' },
        kind: 'Deployment',
        name: 'frontend',
        drift: true,
        runningDigest: frontendOld,
      },
    ]);
    // An advisory nobody lists finds nothing, and no error.
    const none = await stack.gql(`{ vulnerableWorkloads(advisory: "CVE-1999-0001") { name } }`);
    expect(none.body).toEqual({ data: { vulnerableWorkloads: [] } });
  });

  it('refuses an advisory that cannot be one before any upstream call', async () => {
    stack.resetCounts();
    for (const advisory of ['', '   ', 'CVE 2021', 'x'.repeat(129), 'CVE-1\u0000']) {
      const res = await stack.gql(
        `query($a: String!) { vulnerableWorkloads(advisory: $a) { name } }`,
        {
          a: advisory,
        },
      );
      expect(res.body.errors?.[0]?.extensions?.['code'], advisory).toBe('BAD_USER_INPUT');
    }
    expect(stack.sims['east']!.count() + stack.sims['west']!.count()).toBe(0);
  });

  it('reports SCANNED, NOT_SCANNED and SCANNER_NOT_INSTALLED, never an error for the last', async () => {
    const query = `query($c: String!, $n: String!) { imageStreamImage(cluster: $c, namespace: "apps", name: $n) {
      image { vulnerabilities { status highestSeverity counts { severity count }
        features { name version vulnerabilities { name severity fixedBy link } } } } } }`;
    const scanned = await stack.gql(query, { c: 'east', n: `backend@${backend}` });
    expect(scanned.body.errors).toBeUndefined();
    const report = (scanned.body.data?.['imageStreamImage'] as { image: { vulnerabilities: any } })
      .image.vulnerabilities;
    expect(report.status).toBe('SCANNED');
    expect(report.highestSeverity).toBe('Critical');
    expect(report.counts).toEqual([
      { severity: 'Critical', count: 2 },
      { severity: 'High', count: 1 },
    ]);
    expect(report.features[0]).toMatchObject({
      name: 'log4j-core',
      version: '2.14.1',
      vulnerabilities: [
        { name: DEMO_ADVISORY, severity: 'Critical', fixedBy: '2.15.0' },
        { name: 'CVE-2021-45046' },
      ],
    });

    const notScanned = await stack.gql(query, { c: 'east', n: `worker@${worker}` });
    expect(notScanned.body.data).toEqual({
      imageStreamImage: {
        image: {
          vulnerabilities: {
            status: 'NOT_SCANNED',
            highestSeverity: null,
            counts: [],
            features: [],
          },
        },
      },
    });

    const westBackend = historyOf(stack.sims['west']!, 'apps', 'backend')[0] ?? '';
    const noScanner = await stack.gql(query, { c: 'west', n: `backend@${westBackend}` });
    expect(noScanner.body.errors).toBeUndefined();
    expect(noScanner.body.data).toEqual({
      imageStreamImage: {
        image: {
          vulnerabilities: {
            status: 'SCANNER_NOT_INSTALLED',
            highestSeverity: null,
            counts: [],
            features: [],
          },
        },
      },
    });
  });

  it('answers Image.workloads as Query.workloads for the image digest', async () => {
    const res = await stack.gql(
      `query($n: String!) { imageStreamImage(cluster: "east", namespace: "shared", name: $n) { image { workloads { cluster { name } kind name } } } }`,
      { n: `base@${base}` },
    );
    expect(res.body.data).toEqual({
      imageStreamImage: {
        image: {
          workloads: [
            { cluster: { name: 'east' }, kind: 'StatefulSet', name: 'db' },
            { cluster: { name: 'west' }, kind: 'StatefulSet', name: 'db' },
          ],
        },
      },
    });
  });
});

describe('partial results and authorization (passthrough)', () => {
  let guarded: Stack;
  const grants = {
    reader: { user: 'reader', namespaces: '*' as const },
    apps: { user: 'apps-viewer', namespaces: ['apps', 'batch'] },
    many: {
      user: 'many',
      namespaces: Array.from({ length: MAX_FALLBACK_NAMESPACES + 1 }, (_, i) => `ns-${i}`),
    },
    // A custom role: pods may be listed, their owners not read.
    podsOnly: { user: 'pods-only', namespaces: ['apps'], resources: { pods: ['list'] } },
  };
  beforeAll(async () => {
    guarded = await startStack({
      auth: 'passthrough',
      clusters: [
        { name: 'east', grants, seedOptions: { benchStreams: 1, benchImagesPerStream: 1 } },
        { name: 'west', grants, seedOptions: { benchStreams: 1, benchImagesPerStream: 1 } },
      ],
    });
  });
  afterAll(async () => {
    await guarded.close();
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a forbidden namespace is an error for that scope, next to the other namespaces’ workloads', async () => {
    const res = await guarded.gql(
      `query($d: String!) { workloads(digest: $d, clusters: ["east"], namespaces: ["data", "apps"]) { namespace kind name } }`,
      { d: python },
      as('apps'),
    );
    expect(res.body.data?.['workloads']).toEqual([
      { namespace: 'apps', kind: 'Pod', name: 'debug' },
    ]);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({
      path: ['workloads'],
      extensions: { code: 'FORBIDDEN', cluster: 'east', upstream: { status: 403 } },
    });
    expect(res.body.errors?.[0]?.message).toContain('"data"');
  });

  it('without namespaces, a caller who cannot list pods cluster-wide searches the projects it can see', async () => {
    guarded.resetCounts();
    const res = await guarded.gql(
      `query($d: String!) { workloads(digest: $d, clusters: ["east"]) { namespace kind name } }`,
      { d: python },
      as('apps'),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.['workloads']).toEqual([
      { namespace: 'apps', kind: 'Pod', name: 'debug' },
      { namespace: 'batch', kind: 'CronJob', name: 'report' },
    ]);
    // The refused cluster-wide list, then one list per project.
    expect(guarded.sims['east']!.count('pods')).toBe(3);
    expect(guarded.sims['east']!.count('projects')).toBe(1);
  });

  it(`past ${MAX_FALLBACK_NAMESPACES} projects, the refusal says to name the namespaces`, async () => {
    // The projects list holds namespaces that exist: give each granted one an image stream.
    const east = guarded.sims['east']!;
    const template = [...(east.data.streams.get('apps')?.values() ?? [])][0]!;
    for (const namespace of grants.many.namespaces)
      east.changes.putImageStream({ ...template, metadata: { ...template.metadata, namespace } });
    const res = await guarded.gql(
      `query($d: String!) { workloads(digest: $d, clusters: ["east"]) { name } }`,
      { d: python },
      as('many'),
    );
    expect(res.body.data?.['workloads']).toEqual([]);
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(res.body.errors?.[0]?.message).toContain('pass the namespaces to search');
  });

  it('an owner the caller may not read keeps the workload at the last owner known, with the error', async () => {
    const res = await guarded.gql(
      `query($d: String!) { workloads(digest: $d, clusters: ["east"], namespaces: ["apps"]) { kind name pods trigger { tag } } }`,
      { d: frontendOld },
      as('podsOnly'),
    );
    expect(res.body.data?.['workloads']).toEqual([
      {
        kind: 'ReplicaSet',
        name: 'frontend-6d8f7b9c5',
        pods: ['frontend-6d8f7b9c5-q9m4r', 'frontend-6d8f7b9c5-x7k2p'],
        trigger: null,
      },
    ]);
    // The owner it may not read, and the manifest-list look-ups it may not make (the answer
    // may miss a workload running a platform of a list: said, not silent).
    expect(res.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(res.body.errors?.[1]?.message).toMatch(/imagestreamimages|images/);
  });

  it('a failing cluster is an error with its name; the other cluster’s workloads stay', async () => {
    guarded.sims['west']!.addFault({
      resource: 'pods',
      fault: { kind: 'unavailable' },
      times: Infinity,
    });
    try {
      const res = await guarded.gql(
        `query($d: String!) { workloads(digest: $d) { cluster { name } kind name } }`,
        { d: base },
        as('reader'),
      );
      expect(res.body.data?.['workloads']).toEqual([
        { cluster: { name: 'east' }, kind: 'StatefulSet', name: 'db' },
      ]);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        cluster: 'west',
      });
    } finally {
      guarded.sims['west']!.clearFaults();
    }
  });

  it('a pod list whose shape is wrong is a typed error for its scope, not a crash', async () => {
    const pods = guarded.sims['east']!.data.workloads?.objects.get('pods');
    pods?.set(
      'broken',
      new Map([
        [
          'p',
          {
            metadata: { name: 'p', namespace: 'broken' },
            status: { containerStatuses: 'running' },
          },
        ],
      ]),
    );
    try {
      const res = await guarded.gql(
        `query($d: String!) { workloads(digest: $d, clusters: ["east"], namespaces: ["broken", "data"]) { name } }`,
        { d: base },
        as('reader'),
      );
      expect(res.body.data?.['workloads']).toEqual([{ name: 'db' }]);
      expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect(res.body.errors?.[0]?.message).toContain('containerStatuses');
      expect(res.text).not.toContain('reader');
    } finally {
      pods?.delete('broken');
    }
  });

  it('a cluster the caller sent no token for is an error without any upstream call', async () => {
    guarded.resetCounts();
    const res = await guarded.gql(`query($d: String!) { workloads(digest: $d) { name } }`, {
      d: base,
    });
    expect(res.body.data?.['workloads']).toEqual([]);
    expect(res.body.errors?.map((e) => e.extensions?.['code'])).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(guarded.sims['east']!.count() + guarded.sims['west']!.count()).toBe(0);
  });
});

describe('limits of a workload search', () => {
  it(`refuses a scope of more than ${MAX_LISTED_PER_SCOPE} pods, and still searches a named namespace`, async () => {
    const big = await startStack({
      clusters: [
        {
          name: 'big',
          seedOptions: {
            benchStreams: 1,
            benchImagesPerStream: 1,
            benchPods: MAX_LISTED_PER_SCOPE + 1,
          },
        },
      ],
      maxUpstreamRequests: 100,
    });
    try {
      const digest = historyOf(big.sims['big']!, 'shared', 'base')[0] ?? '';
      const all = await big.gql(`query($d: String!) { workloads(digest: $d) { name } }`, {
        d: digest,
      });
      expect(all.body.data?.['workloads']).toEqual([]);
      expect(all.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'TOO_MANY_OBJECTS',
        cluster: 'big',
      });
      const named = await big.gql(
        `query($d: String!) { workloads(digest: $d, namespaces: ["data"]) { name } }`,
        { d: digest },
      );
      expect(named.body).toEqual({ data: { workloads: [{ name: 'db' }] } });
    } finally {
      await big.close();
    }
  });

  it('spends at most the operation’s upstream budget; what is past it is an error at the path', async () => {
    const small = await startStack({ maxUpstreamRequests: 3 });
    try {
      const digest = historyOf(small.sims['east']!, 'apps', 'frontend')[1] ?? '';
      small.resetCounts();
      const res = await small.gql(
        `query($d: String!) { workloads(digest: $d) { name image { name } } }`,
        { d: digest },
      );
      expect(res.status).toBe(200);
      expect(small.sims['east']!.count() + small.sims['west']!.count()).toBeLessThanOrEqual(3);
      expect(
        res.body.errors?.some((e) => e.extensions?.['reason'] === 'UPSTREAM_BUDGET_EXHAUSTED'),
      ).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('gives each cluster its own deadline: a hanging cluster is UPSTREAM_TIMEOUT next to the other’s workloads', async () => {
    const slow = await startStack({ fanOut: { clusterDeadlineMs: 300, concurrency: 16 } });
    try {
      slow.sims['west']!.addFault({ resource: 'pods', fault: { kind: 'hang' }, times: Infinity });
      const digest = historyOf(slow.sims['east']!, 'shared', 'base')[0] ?? '';
      const res = await slow.gql(
        `query($d: String!) { workloads(digest: $d) { cluster { name } name } }`,
        {
          d: digest,
        },
      );
      expect(res.body.data?.['workloads']).toEqual([{ cluster: { name: 'east' }, name: 'db' }]);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_TIMEOUT',
        cluster: 'west',
      });
    } finally {
      await slow.close();
    }
  });
});
