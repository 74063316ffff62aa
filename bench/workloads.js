// Workload benchmarks: `npm run bench:workloads` (builds first). Three simulated clusters, each
// in its own process with 2,000 pods (20 Deployments over the bench streams) and 20 ms latency
// per call; the gateway and a direct client in this process. For `workloads(digest)` and
// `vulnerableWorkloads(advisory)`: upstream requests (the simulators' own counters) and time,
// cold (first query of a gateway) and warm (the same query again), and the ratio to a direct
// client doing the same reads (pod pages, each owner once, the scan results) with got.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Writable } from 'node:stream';
import { got } from 'got';
import { createClusterRegistry } from '../dist/clusters/createClusterRegistry.js';
import { createGateway } from '../dist/createGateway.js';
import { createLogger } from '../dist/logger.js';
import { DEMO_ADVISORY } from '../dist/simulator/createWorkloadSeed.js';
import { DEFAULT_UPSTREAM_OPTIONS } from '../dist/upstream/createImageApiClient.js';
import { LATENCY_MS, median, round, startSimulator, stopChildren } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const PODS = Number(process.env.BENCH_PODS ?? 2000);
const CLUSTERS = ['bench-a', 'bench-b', 'bench-c'];

/** A simulator with PODS pods in namespace "bench", on 10 streams of 2 images each. */
const startWorkloadSimulator = (name) =>
  startSimulator(name, { benchStreams: 10, benchImages: 2, pods: PODS });

async function startGateway(sims) {
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const registry = createClusterRegistry(
    sims.map((sim) => ({
      name: sim.name,
      server: sim.url,
      insecureSkipTlsVerify: false,
      token: () => `demo-token-${sim.name}`,
    })),
    DEFAULT_UPSTREAM_OPTIONS,
    logger,
  );
  const gateway = await createGateway({ registry, logger, maxUpstreamRequests: 5000 });
  return { url: await gateway.listen(0, '127.0.0.1'), gateway };
}

async function gql(url, query, variables) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
  return body.data;
}

const WORKLOADS = `query($d: String!) { workloads(digest: $d) { cluster { name } namespace kind name pods runningDigest } }`;
const VULNERABLE = `query($a: String!) { vulnerableWorkloads(advisory: $a) { cluster { name } namespace kind name pods runningDigest } }`;

/** What a script would do by hand, per cluster: page through pods, read each owner once. */
function directClient(sim) {
  const client = got.extend({
    prefixUrl: `${sim.url}/`,
    headers: { authorization: `Bearer demo-token-${sim.name}` },
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: 128 }) },
  });
  const list = async (path) => {
    const items = [];
    let token;
    do {
      const page = await client
        .get(path, { searchParams: { limit: 500, ...(token ? { continue: token } : {}) } })
        .json();
      items.push(...page.items);
      token = page.metadata.continue;
    } while (token);
    return items;
  };
  const PATHS = {
    ReplicaSet: 'apis/apps/v1/namespaces/NS/replicasets/',
    Deployment: 'apis/apps/v1/namespaces/NS/deployments/',
    StatefulSet: 'apis/apps/v1/namespaces/NS/statefulsets/',
    DaemonSet: 'apis/apps/v1/namespaces/NS/daemonsets/',
    Job: 'apis/batch/v1/namespaces/NS/jobs/',
    CronJob: 'apis/batch/v1/namespaces/NS/cronjobs/',
    ReplicationController: 'api/v1/namespaces/NS/replicationcontrollers/',
    DeploymentConfig: 'apis/apps.openshift.io/v1/namespaces/NS/deploymentconfigs/',
  };
  const controllerOf = (o) => (o.metadata.ownerReferences ?? []).find((r) => r.controller);
  // Each owner once (a memo per query), following the controller chain to the top.
  const owners = async (pods, digests) => {
    const memo = new Map();
    const read = (ns, ref) => {
      const key = `${ns}/${ref.kind}/${ref.name}`;
      if (!memo.has(key))
        memo.set(key, client.get(`${PATHS[ref.kind].replace('NS', ns)}${ref.name}`).json());
      return memo.get(key);
    };
    const top = async (pod) => {
      let ref = controllerOf(pod);
      let found = pod;
      while (ref && PATHS[ref.kind]) {
        found = await read(pod.metadata.namespace, ref);
        ref = controllerOf(found);
      }
      return found;
    };
    const matched = pods.filter((p) =>
      [...(p.status.containerStatuses ?? []), ...(p.status.initContainerStatuses ?? [])].some((c) =>
        digests.has(c.imageID.slice(c.imageID.lastIndexOf('sha256:'))),
      ),
    );
    return Promise.all(matched.map(top));
  };
  return {
    workloads: async (digest) => owners(await list('api/v1/pods'), new Set([digest])),
    vulnerable: async (advisory) => {
      await client.get('apis/secscan.quay.redhat.com/v1alpha1').json();
      const vulns = await list('apis/secscan.quay.redhat.com/v1alpha1/imagemanifestvulns');
      const digests = new Set(
        vulns
          .filter((v) =>
            v.spec.features.some((f) => f.vulnerabilities.some((x) => x.name === advisory)),
          )
          .map((v) => v.spec.manifest),
      );
      return owners(await list('api/v1/pods'), digests);
    },
  };
}

async function interleave(a, b) {
  await a();
  await b();
  const wall = { a: [], b: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const [side, fn] of [
      ['a', a],
      ['b', b],
    ]) {
      const t = performance.now();
      await fn();
      wall[side].push(performance.now() - t);
    }
  }
  return { aMs: median(wall.a), bMs: median(wall.b) };
}

const sum = (counts) => Object.entries(counts).reduce((n, [k, v]) => (k === '*' ? n : n + v), 0);

async function measure(sims, query, variables, direct) {
  const { url, gateway } = await startGateway(sims);
  await Promise.all(sims.map((s) => s.reset()));
  let t = performance.now();
  const answer = await gql(url, query, variables);
  const coldMs = performance.now() - t;
  const cold = await Promise.all(sims.map((s) => s.counts()));
  await Promise.all(sims.map((s) => s.reset()));
  t = performance.now();
  await gql(url, query, variables);
  const warmMs = performance.now() - t;
  const warm = await Promise.all(sims.map((s) => s.counts()));
  await Promise.all(sims.map((s) => s.reset()));
  await direct();
  const directCounts = await Promise.all(sims.map((s) => s.counts()));
  const r = await interleave(direct, () => gql(url, query, variables));
  await gateway.close();
  const byResource = (list) => {
    const out = {};
    for (const c of list)
      for (const [k, v] of Object.entries(c)) if (k !== '*') out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    workloadsFound: Object.values(answer)[0].length,
    podsMatched: Object.values(answer)[0].reduce((n, w) => n + w.pods.length, 0),
    coldMs: round(coldMs),
    warmMs: round(warmMs),
    coldCalls: byResource(cold),
    warmCalls: sum(byResource(warm)),
    directCalls: byResource(directCounts),
    directMedianMs: round(r.aMs),
    gatewayMedianMs: round(r.bMs),
    ratio: round(r.bMs / r.aMs, 3),
  };
}

try {
  const sims = await Promise.all(CLUSTERS.map(startWorkloadSimulator));
  const digest = sims[0].data.streams
    .get('bench')
    .get('stream-000')
    .status.tags.find((t) => t.tag === 'latest').items[0].image;
  const clients = sims.map(directClient);
  const results = {
    pods: PODS,
    clusters: CLUSTERS.length,
    latencyMs: LATENCY_MS,
    workloads: await measure(sims, WORKLOADS, { d: digest }, () =>
      Promise.all(clients.map((c) => c.workloads(digest))),
    ),
    vulnerableWorkloads: await measure(sims, VULNERABLE, { a: DEMO_ADVISORY }, () =>
      Promise.all(clients.map((c) => c.vulnerable(DEMO_ADVISORY))),
    ),
  };
  console.log(JSON.stringify(results, null, 2));
  if (process.env.BENCH_RECORD) {
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL('./results/workloads.json', import.meta.url),
      `${JSON.stringify(results, null, 2)}\n`,
    );
  }
} finally {
  stopChildren();
}
