import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ServeConfig } from '../../src/config/parseConfig.js';
import { loadKubeconfig } from '../../src/clusters/loadKubeconfig.js';
import { UPSTREAM_PERMISSIONS } from '../../src/upstream/createImageApiClient.js';
import { buildKustomization, type Manifest } from './buildKustomization.js';
import { parseCopy, parseDockerfile, type DockerStage } from './parseDockerfile.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const openshift = join(repo, 'deploy/openshift');
const read = (path: string): string => readFileSync(join(repo, path), 'utf8');
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();

function one(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter(
    (m) => m['kind'] === kind && (name === undefined || m['metadata']['name'] === name),
  );
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as Manifest;
}

const podSpec = (manifests: readonly Manifest[]): Manifest =>
  one(manifests, 'Deployment')['spec']['template']['spec'];
const container = (manifests: readonly Manifest[], name: string): Manifest =>
  podSpec(manifests)['containers'].find((c: Manifest) => c['name'] === name);

/** The gateway's configuration, from its container's args and env, as the CLI parses them. */
function gatewayConfig(manifests: readonly Manifest[]): ServeConfig {
  const gateway = container(manifests, 'gateway');
  const env = Object.fromEntries(
    (gateway['env'] ?? []).map((e: Manifest) => [e['name'], e['value']]),
  );
  const config = parseConfig(gateway['args'], env);
  if (config.command !== 'serve') throw new Error('the gateway container does not serve');
  return config;
}

/** A pod port, by name or number, as "container:portName". */
function podPort(manifests: readonly Manifest[], port: string | number): string {
  const found: string[] = [];
  for (const c of podSpec(manifests)['containers'])
    for (const p of c['ports'] ?? [])
      if (p['name'] === port || p['containerPort'] === port)
        found.push(`${c['name']}:${p['name']}`);
  expect(found, `pod port ${port}`).toHaveLength(1);
  return found[0] as string;
}

/**
 * The pod ports each Route reaches: Route -> Service (by name) -> the Service ports its
 * `port.targetPort` selects (every port when it has none) -> their targetPort on the pod.
 */
function routedPodPorts(manifests: readonly Manifest[]): string[] {
  return manifests
    .filter((m) => m['kind'] === 'Route')
    .flatMap((route) => {
      expect(route['spec']['to']['kind']).toBe('Service');
      const service = one(manifests, 'Service', route['spec']['to']['name']);
      const wanted = route['spec']['port']?.['targetPort'];
      return service['spec']['ports']
        .filter((p: Manifest) => wanted === undefined || p['name'] === wanted)
        .map((p: Manifest) => podPort(manifests, p['targetPort']));
    })
    .sort();
}

/** Each NetworkPolicy ingress rule as its peers' namespace labels and the pod ports it admits. */
function admitted(manifests: readonly Manifest[]): { from: unknown[]; ports: string[] }[] {
  const policy = one(manifests, 'NetworkPolicy');
  return policy['spec']['ingress'].map((rule: Manifest) => ({
    from: rule['from'].map((peer: Manifest) => peer['namespaceSelector']['matchLabels']),
    ports: rule['ports'].map((p: Manifest) => {
      expect(p['protocol']).toBe('TCP');
      return podPort(manifests, p['port']);
    }),
  }));
}

// OpenShift 4 namespace labels of the router's and cluster monitoring's policy groups (cited in
// deploy/openshift/base/networkpolicy.yaml).
const ROUTER = { 'policy-group.network.openshift.io/ingress': '' };
const MONITORING = { 'network.openshift.io/policy-group': 'monitoring' };

/**
 * What the gateway's service account must be allowed, derived from the code: in passthrough
 * mode nothing (every read uses the caller's token); with its own credentials, the calls of
 * UPSTREAM_PERMISSIONS without the optional ones, plus the SelfSubjectAccessReview it sends
 * before serving an image from the cache.
 */
function neededPermissions(config: ServeConfig): string[] {
  if (config.auth === 'passthrough') return [];
  return UPSTREAM_PERMISSIONS.filter((p) => !p.optional)
    .flatMap((p) => p.verbs.map((v) => `${p.group}/${p.resource}:${v}`))
    .sort();
}

/**
 * What the manifests grant the pod's service account: the rules of the (Cluster)Roles they bind
 * to it, and, apart, the roles they bind that are not among them (built-in cluster roles).
 */
function grantedPermissions(manifests: readonly Manifest[]): {
  rules: string[];
  builtIn: string[];
} {
  const serviceAccount = podSpec(manifests)['serviceAccountName'];
  const namespace = one(manifests, 'Deployment')['metadata']['namespace'];
  const rules = new Set<string>();
  const builtIn: string[] = [];
  for (const binding of manifests.filter((m) => /^(Cluster)?RoleBinding$/.test(m['kind']))) {
    expect(binding['subjects']).toEqual([
      { kind: 'ServiceAccount', name: serviceAccount, namespace },
    ]);
    const role = manifests.find(
      (m) =>
        m['kind'] === binding['roleRef']['kind'] &&
        m['metadata']['name'] === binding['roleRef']['name'],
    );
    if (!role) {
      builtIn.push(binding['roleRef']['name']);
      continue;
    }
    for (const rule of role['rules'])
      for (const group of rule['apiGroups'])
        for (const resource of rule['resources'])
          for (const verb of rule['verbs']) rules.add(`${group}/${resource}:${verb}`);
  }
  // A role that nothing binds is a grant waiting to happen: none may be shipped.
  for (const role of manifests.filter((m) => /^(Cluster)?Role$/.test(m['kind'])))
    expect(
      manifests.some((m) => m['roleRef']?.['name'] === role['metadata']['name']),
      `${role['metadata']['name']} is bound`,
    ).toBe(true);
  return { rules: [...rules].sort(), builtIn: builtIn.sort() };
}

const top = buildKustomization(openshift);
const base = top.manifests;
const overlayDir = join(openshift, 'overlays/serviceaccount');
const overlay = buildKustomization(overlayDir).manifests;

describe('deploy/openshift: the passthrough gateway of `oc apply -k deploy/openshift`', () => {
  it('lists every manifest of base/ in its kustomization, and ships no Secret', () => {
    const kustomization = yaml.load(read('deploy/openshift/base/kustomization.yaml')) as Manifest;
    expect([...kustomization['resources']].sort()).toEqual(yamlFiles(join(openshift, 'base')));
    expect(top.files.filter((f) => !f.endsWith('kustomization.yaml')).sort()).toEqual(
      yamlFiles(join(openshift, 'base')).map((f) => `base/${f}`),
    );
    expect(yamlFiles(openshift)).toEqual([]);
    // `oc apply -k` would overwrite a Secret filled in the cluster with the committed one.
    expect(base.filter((m) => m['kind'] === 'Secret')).toEqual([]);
    expect(base.map((m) => m['metadata']['namespace'])).toEqual(base.map(() => 'image-gateway'));
  });

  it('runs the gateway in-cluster in passthrough mode, with /metrics on a port of its own', () => {
    const config = gatewayConfig(base);
    expect(config).toMatchObject({
      command: 'serve',
      source: { kind: 'in-cluster' },
      auth: 'passthrough',
      host: '0.0.0.0',
      port: 4000,
      metricsPort: 9090,
    });
    expect(podPort(base, 'http')).toBe('gateway:http');
    expect(podPort(base, config.port)).toBe('gateway:http');
    // ServeConfig gains metricsPort with the --metrics-port flag; until then, read it loosely.
    const { metricsPort } = config;
    expect(podPort(base, metricsPort as number)).toBe('gateway:metrics');
  });

  it('grants the service account nothing: in passthrough every read uses the caller’s token', () => {
    const config = gatewayConfig(base);
    expect(neededPermissions(config)).toEqual([]);
    expect(grantedPermissions(base)).toEqual({ rules: [], builtIn: [] });
    expect(base.filter((m) => /Role/.test(m['kind']))).toEqual([]);
  });

  it('routes the GraphQL port only; /metrics has its own Service that no Route reaches', () => {
    expect(routedPodPorts(base)).toEqual(['gateway:http']);
    const route = one(base, 'Route');
    expect(route['spec']['tls']).toEqual({
      termination: 'edge',
      insecureEdgeTerminationPolicy: 'Redirect',
    });
    const metrics = one(base, 'Service', 'image-gateway-metrics');
    expect(metrics['spec']['ports'].map((p: Manifest) => podPort(base, p['targetPort']))).toEqual([
      'gateway:metrics',
    ]);
    expect(base.filter((m) => m['kind'] === 'Route').map((r) => r['spec']['to']['name'])).toEqual([
      'image-gateway',
    ]);
    for (const service of base.filter((m) => m['kind'] === 'Service'))
      expect(service['spec']['selector']).toEqual(podLabels(base));
  });

  it('admits the GraphQL port from the router and the metrics port from monitoring, nothing else', () => {
    const policy = one(base, 'NetworkPolicy');
    expect(policy['spec']['podSelector']).toEqual({ matchLabels: podLabels(base) });
    expect(policy['spec']['policyTypes']).toEqual(['Ingress']);
    expect(admitted(base)).toEqual([
      { from: [ROUTER], ports: ['gateway:http'] },
      { from: [MONITORING], ports: ['gateway:metrics'] },
    ]);
  });

  it('probes /healthz and /readyz on the metrics port', () => {
    const gateway = container(base, 'gateway');
    expect(gateway['livenessProbe']['httpGet']).toEqual({ path: '/healthz', port: 'metrics' });
    expect(gateway['readinessProbe']['httpGet']).toEqual({ path: '/readyz', port: 'metrics' });
  });

  it('runs as non-root with resource limits, no privilege, and a preStop pause', () => {
    const pod = podSpec(base);
    expect(pod['securityContext']).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const gateway = container(base, 'gateway');
    expect(gateway['securityContext']).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(gateway['resources']['limits']).toEqual({ cpu: '1', memory: '512Mi' });
    expect(gateway['lifecycle']).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(pod['serviceAccountName']).toBe(one(base, 'ServiceAccount')['metadata']['name']);
  });

  it('scales and survives disruptions: HPA on the Deployment, a PDB on its pods', () => {
    expect(one(base, 'HorizontalPodAutoscaler')['spec']['scaleTargetRef']).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: one(base, 'Deployment')['metadata']['name'],
    });
    expect(one(base, 'PodDisruptionBudget')['spec']['selector']['matchLabels']).toEqual(
      podLabels(base),
    );
  });

  it('mounts the hand-made kubeconfig Secret as optional, and says how to make it', () => {
    const volume = podSpec(base)['volumes'].find((v: Manifest) => v['name'] === 'kubeconfig');
    expect(volume).toEqual({
      name: 'kubeconfig',
      secret: { secretName: 'image-gateway-kubeconfig', optional: true },
    });
    const mount = container(base, 'gateway')['volumeMounts'].find(
      (m: Manifest) => m['name'] === 'kubeconfig',
    );
    expect(mount).toEqual({ name: 'kubeconfig', mountPath: '/etc/image-gateway', readOnly: true });
    expect(read('deploy/openshift/base/deployment.yaml')).toContain(
      'oc create secret generic image-gateway-kubeconfig --from-file=kubeconfig=',
    );
    expect(
      parseConfig(
        ['--kubeconfig', `${mount['mountPath']}/kubeconfig`, '--auth', 'passthrough'],
        {},
      ),
    ).toMatchObject({ source: { kind: 'kubeconfig', path: '/etc/image-gateway/kubeconfig' } });
  });

  it('gives a passthrough kubeconfig example with servers and no credentials', () => {
    const path = join(openshift, 'examples/kubeconfig.passthrough.example.yaml');
    const example = yaml.load(readFileSync(path, 'utf8')) as Manifest;
    expect(example['users']).toBeUndefined();
    for (const context of example['contexts']) expect(context['context']['user']).toBeUndefined();
    const { connections: clusters, warnings } = loadKubeconfig({
      paths: [path],
      contexts: [],
      allContexts: true,
      expectCredentials: false,
    });
    expect(warnings).toEqual([]);
    expect(clusters.map((c) => [c.name, c.server, c.token])).toEqual([
      ['east', 'https://api.east.example.com:6443', undefined],
      ['west', 'https://api.west.example.com:6443', undefined],
    ]);
  });

  it('offers a ServiceMonitor that scrapes the metrics Service, and nothing else', () => {
    const monitoring = buildKustomization(join(openshift, 'monitoring'));
    expect([...monitoring.files].sort()).toEqual(['kustomization.yaml', 'servicemonitor.yaml']);
    const monitor = one(monitoring.manifests, 'ServiceMonitor');
    expect(monitor['apiVersion']).toBe('monitoring.coreos.com/v1');
    const selected = base.filter(
      (m) =>
        m['kind'] === 'Service' &&
        Object.entries(monitor['spec']['selector']['matchLabels']).every(
          ([k, v]) => m['metadata']['labels'][k] === v,
        ),
    );
    expect(selected.map((s) => s['metadata']['name'])).toEqual(['image-gateway-metrics']);
    expect(monitor['spec']['endpoints']).toEqual([
      { port: 'metrics', path: '/metrics', scheme: 'http', interval: '30s' },
    ]);
  });
});

describe('deploy/openshift/overlays/serviceaccount: the gateway behind oauth-proxy', () => {
  const proxy = (): Manifest => container(overlay, 'oauth-proxy');
  /** The value of `--name=value` among the proxy's args. */
  const proxyFlag = (name: string): string | undefined => {
    const values = (proxy()['args'] as string[])
      .filter((a) => a.startsWith(`--${name}=`))
      .map((a) => a.slice(name.length + 3));
    expect(values.length, `--${name}`).toBeLessThanOrEqual(1);
    return values[0];
  };

  it('lists every file of the overlay in its kustomization, and ships no Secret', () => {
    const kustomization = yaml.load(
      readFileSync(join(overlayDir, 'kustomization.yaml'), 'utf8'),
    ) as Manifest;
    expect(kustomization['resources']).toEqual(['../../base', 'rbac.yaml']);
    const listed = [
      'rbac.yaml',
      ...kustomization['patches'].map((p: Manifest) => p['path']),
    ].sort();
    expect(listed).toEqual(yamlFiles(overlayDir));
    expect(overlay.filter((m) => m['kind'] === 'Secret')).toEqual([]);
  });

  it('runs the gateway with its service account on 127.0.0.1, reached through the proxy only', () => {
    const config = gatewayConfig(overlay);
    expect(config).toMatchObject({
      command: 'serve',
      source: { kind: 'in-cluster' },
      auth: 'serviceaccount',
      host: '127.0.0.1',
      port: 4000,
      metricsPort: 9090,
      // The kubelet's probes and Prometheus reach the metrics port on the pod's address.
      metricsHost: '0.0.0.0',
    });
    // A loopback port is not declared on the pod: the kubelet and peers reach only metrics.
    expect(container(overlay, 'gateway')['ports'].map((p: Manifest) => p['name'])).toEqual([
      'metrics',
    ]);
    expect(proxyFlag('upstream')).toBe(`http://127.0.0.1:${config.port}`);
    expect(proxyFlag('http-address')).toBe('');
    expect(proxyFlag('https-address')).toBe(`:${proxy()['ports'][0]['containerPort']}`);
  });

  it('grants exactly the calls the gateway makes, and the delegation the proxy needs', () => {
    const config = gatewayConfig(overlay);
    const granted = grantedPermissions(overlay);
    expect(granted.rules).toEqual(neededPermissions(config));
    // TokenReview + SubjectAccessReview, for --openshift-delegate-urls only.
    expect(proxyFlag('openshift-delegate-urls')).toBeDefined();
    expect(granted.builtIn).toEqual(['system:auth-delegator']);
  });

  it('routes to the proxy only, re-encrypting to the service-CA certificate it serves', () => {
    expect(routedPodPorts(overlay)).toEqual(['oauth-proxy:https']);
    expect(one(overlay, 'Route')['spec']['tls']['termination']).toBe('reencrypt');
    const service = one(overlay, 'Service', 'image-gateway');
    const tlsSecret =
      service['metadata']['annotations']['service.beta.openshift.io/serving-cert-secret-name'];
    const volume = podSpec(overlay)['volumes'].find(
      (v: Manifest) => v['secret']?.['secretName'] === tlsSecret,
    );
    expect(volume['secret']).toEqual({ secretName: tlsSecret });
    const mount = proxy()['volumeMounts'].find((m: Manifest) => m['name'] === volume['name']);
    expect(proxyFlag('tls-cert')).toBe(`${mount['mountPath']}/tls.crt`);
    expect(proxyFlag('tls-key')).toBe(`${mount['mountPath']}/tls.key`);
  });

  it('admits the router to the proxy and monitoring to the metrics port, nothing else', () => {
    expect(admitted(overlay)).toEqual([
      { from: [ROUTER], ports: ['oauth-proxy:https'] },
      { from: [MONITORING], ports: ['gateway:metrics'] },
    ]);
  });

  it('lets in users who pass a SubjectAccessReview on the gateway’s Service, by browser or token', () => {
    const service = one(overlay, 'Service', 'image-gateway')['metadata']['name'];
    expect(proxy()['env']).toEqual([
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    // --openshift-sar takes OpenShift's SubjectAccessReview fields; the delegate URLs map a path
    // prefix to Kubernetes ResourceAttributes. The same check, in both spellings.
    expect(JSON.parse(proxyFlag('openshift-sar') as string)).toEqual({
      namespace: '$(NAMESPACE)',
      resource: 'services',
      resourceName: service,
      verb: 'get',
    });
    expect(JSON.parse(proxyFlag('openshift-delegate-urls') as string)).toEqual({
      '/': { namespace: '$(NAMESPACE)', resource: 'services', name: service, verb: 'get' },
    });
    expect(proxyFlag('provider')).toBe('openshift');
    expect(proxyFlag('pass-basic-auth')).toBe('false');
    // The service account is the OAuth client, and its redirect is the Route's.
    expect(proxyFlag('openshift-service-account')).toBe(podSpec(overlay)['serviceAccountName']);
    const reference = JSON.parse(
      one(overlay, 'ServiceAccount')['metadata']['annotations'][
        'serviceaccounts.openshift.io/oauth-redirectreference.primary'
      ],
    );
    expect(reference).toEqual({
      kind: 'OAuthRedirectReference',
      apiVersion: 'v1',
      reference: { kind: 'Route', name: one(overlay, 'Route')['metadata']['name'] },
    });
  });

  it('reads the cookie secret the user generated; without it the proxy does not start', () => {
    const volume = podSpec(overlay)['volumes'].find(
      (v: Manifest) => v['secret']?.['secretName'] === 'image-gateway-proxy-cookie',
    );
    expect(volume['secret']).toEqual({ secretName: 'image-gateway-proxy-cookie' });
    const mount = proxy()['volumeMounts'].find((m: Manifest) => m['name'] === volume['name']);
    expect(proxyFlag('cookie-secret-file')).toBe(`${mount['mountPath']}/session_secret`);
    expect(readFileSync(join(overlayDir, 'kustomization.yaml'), 'utf8')).toContain(
      'oc create secret generic image-gateway-proxy-cookie',
    );
  });

  it('hardens and drains the proxy like the gateway', () => {
    expect(proxy()['securityContext']).toEqual(container(overlay, 'gateway')['securityContext']);
    expect(proxy()['lifecycle']).toEqual(container(overlay, 'gateway')['lifecycle']);
    expect(proxy()['resources']['limits']).toEqual({ cpu: '500m', memory: '128Mi' });
    expect(proxy()['readinessProbe']['httpGet']).toEqual({
      path: '/oauth/healthz',
      port: 'https',
      scheme: 'HTTPS',
    });
    expect(proxy()['image']).toMatch(/^registry\.redhat\.io\/openshift4\/ose-oauth-proxy/);
  });
});

function podLabels(manifests: readonly Manifest[]): Manifest {
  return one(manifests, 'Deployment')['spec']['template']['metadata']['labels'];
}

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1) as DockerStage;
  const build = stages.find((s) => s.name === 'build') as DockerStage;
  const instructions = (stage: DockerStage, keyword: string): string[] =>
    stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  /** Paths copied from the build context into a stage, before its instruction number `until`. */
  const copiedFromContext = (stage: DockerStage, until = Infinity): string[] =>
    stage.instructions
      .slice(0, until)
      .filter((i) => i.keyword === 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => c.flags['from'] === undefined)
      .flatMap((c) => c.sources);
  const covers = (copied: readonly string[], path: string): boolean =>
    copied.some((c) => path === c || path.startsWith(`${c}/`));

  it('builds from a fully qualified, supported Node.js base in every stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      // A registry host (a dot or a port in the first component), as short-name policies demand.
      expect(stage.image).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//);
      const major = /nodejs-(\d+)|\/node:(\d+)/.exec(stage.image);
      expect(Number(major?.[1] ?? major?.[2])).toBeGreaterThanOrEqual(22);
    }
    expect(runtime.image).toBe('registry.access.redhat.com/ubi9/nodejs-22-minimal:latest');
  });

  it('copies into the build stage every file `npm run build` reads', () => {
    const pkg = JSON.parse(read('package.json'));
    const script: string = pkg['scripts']['build'];
    const needed = ['package.json', 'package-lock.json'];
    // tsc -p <tsconfig>: the tsconfig and what it includes.
    const tsconfig = /tsc -p (\S+)/.exec(script)?.[1] as string;
    needed.push(tsconfig, ...JSON.parse(read(tsconfig))['include']);
    // node <script>: each script, its esbuild entry points (a list or { name: path }) and what
    // they import by relative path (src/ is tsc's, above).
    const bundlers = [...script.matchAll(/node (\S+\.mjs)/g)].map((m) => m[1] as string);
    needed.push(...bundlers);
    const entries = bundlers.flatMap((bundler) =>
      [...read(bundler).matchAll(/entryPoints:\s*[[{]([^\]}]*)[\]}]/g)].flatMap((m) =>
        [...(m[1] as string).matchAll(/'([^']+)'/g)].map((e) => e[1] as string),
      ),
    );
    expect(entries.sort()).toEqual(['src/main.ts', 'web/graphiql.tsx']);
    for (const entry of entries) {
      needed.push(entry);
      if (entry.startsWith('src/')) continue;
      for (const m of read(entry).matchAll(/from '(\.\.?\/[^']+)'/g))
        needed.push(posix.join(posix.dirname(entry), m[1] as string));
    }
    expect(needed).toContain('examples/variables.json');
    const buildStep = build.instructions.findIndex(
      (i) => i.keyword === 'RUN' && i.args === 'npm run build',
    );
    expect(buildStep).toBeGreaterThan(0);
    const copied = copiedFromContext(build, buildStep);
    for (const path of needed) {
      expect(covers(copied, path), `${path} is copied before npm run build`).toBe(true);
      expect(existsSync(join(repo, path)), `${path} exists`).toBe(true);
    }
  });

  it('ships production dependencies only, with every file the server reads at run time', () => {
    // Files the compiled code opens next to itself: new URL('<relative>', import.meta.url) in
    // src/x.ts runs as dist/x.js.
    const runtimeReads = new Set<string>(['package.json']);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
      );
    for (const file of walk(join(repo, 'src')).filter((f) => f.endsWith('.ts'))) {
      const asDist = posix.join('dist', relative(join(repo, 'src'), dirname(file)));
      for (const m of readFileSync(file, 'utf8').matchAll(
        /new URL\('(\.\.?\/[^']*)', import\.meta\.url\)/g,
      ))
        runtimeReads.add(
          posix.normalize(posix.join(asDist, m[1] as string)).split('/')[0] as string,
        );
    }
    // The scan finds what the server is known to read; anything new it finds must ship too.
    expect([...runtimeReads]).toEqual(
      expect.arrayContaining(['dist', 'fixtures', 'package.json', 'schema.graphql']),
    );

    // The runtime stage runs nothing: it takes one tree from the build stage.
    expect(instructions(runtime, 'RUN')).toEqual([]);
    const copies = instructions(runtime, 'COPY').map(parseCopy);
    expect(copies).toHaveLength(1);
    const tree = copies[0]!;
    expect(tree.flags).toEqual({ from: 'build', chown: '0:0' });
    // That tree is laid out by one RUN: the runtime files, then `npm ci --omit=dev`, then modes
    // that let OpenShift's random UID (group 0) read everything.
    const source = (tree.sources[0] as string).replace(/\/$/, '');
    const layout = instructions(build, 'RUN').filter((r) => r.includes(`mkdir ${source}`));
    expect(layout).toHaveLength(1);
    const steps = (layout[0] as string).split('&&').map((s) => s.trim());
    const copy = steps.find((s) => s.startsWith('cp -R '))?.split(/\s+/) as string[];
    expect(copy.at(-1)).toBe(`${source}/`);
    for (const path of runtimeReads) expect(copy, path).toContain(path);
    expect(copy).toContain('package-lock.json');
    expect(steps).toContain(`cd ${source}`);
    expect(steps.find((s) => s.startsWith('npm ci'))).toMatch(
      /^npm ci --omit=dev --ignore-scripts /,
    );
    expect(steps.at(-1)).toBe(`chmod -R u=rwX,g=rX,o=rX ${source}`);
    for (const path of runtimeReads.values())
      if (path !== 'dist' && path !== 'package.json')
        expect(covers(copiedFromContext(build), path), `${path} reaches the build stage`).toBe(
          true,
        );
  });

  it('runs as a numeric non-root user in production mode, exposes 4000 and 9090, demo by default', () => {
    const users = instructions(runtime, 'USER');
    expect(users).toHaveLength(1);
    // Numeric, so that runAsNonRoot can be verified without /etc/passwd.
    expect(users[0]).toMatch(/^[1-9]\d*$/);
    expect(instructions(runtime, 'ENV')).toContain('NODE_ENV=production');
    expect(instructions(runtime, 'EXPOSE')).toEqual(['4000 9090']);
    expect(JSON.parse(instructions(runtime, 'ENTRYPOINT')[0] as string)).toEqual([
      'node',
      'dist/main.js',
    ]);
    const cmd = JSON.parse(instructions(runtime, 'CMD')[0] as string) as string[];
    expect(parseConfig(cmd, {})).toMatchObject({
      command: 'serve',
      source: { kind: 'demo' },
      host: '0.0.0.0',
      port: 4000,
    });
  });

  it('keeps node_modules, dist and .git out of the build context, and nothing it copies', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
    for (const stage of stages)
      for (const path of copiedFromContext(stage))
        expect(
          ignored.filter((p) => path === p || path.startsWith(`${p}/`)),
          path,
        ).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const compose = yaml.load(read('docker-compose.yml')) as Manifest;
  const services = compose['services'];

  it('runs the gateway against two simulate services and Redis, with arguments the CLI accepts', () => {
    expect(Object.keys(services).sort()).toEqual(['east', 'gateway', 'redis', 'west']);
    const gateway = parseConfig(services['gateway']['command'], {});
    expect(gateway).toMatchObject({
      command: 'serve',
      source: {
        kind: 'kubeconfig',
        path: '/etc/image-gateway/kubeconfig',
        contexts: ['east', 'west'],
      },
      redisUrl: 'redis://redis:6379',
      host: '0.0.0.0',
      port: 4000,
    });
    for (const name of ['east', 'west'])
      expect(parseConfig(services[name]['command'], {})).toMatchObject({
        command: 'simulate',
        name,
        host: '0.0.0.0',
        port: 6443,
      });
    expect(services['gateway']['ports']).toEqual(['127.0.0.1:4000:4000']);
    expect(services['redis']['image']).toBe('docker.io/library/redis:7');
  });

  it('mounts the kubeconfig and an obviously fake Redis signing key, read-only', () => {
    const command = services['gateway']['command'] as string[];
    const mounts = new Map<string, string>(
      (services['gateway']['volumes'] as string[]).map((v) => {
        const [from, to, mode] = v.split(':');
        expect(mode, v).toBe('ro');
        return [to as string, from as string];
      }),
    );
    const after = (flag: string): string => command[command.indexOf(flag) + 1] as string;
    expect(mounts.get(after('--kubeconfig'))).toBe('./deploy/compose/kubeconfig.yaml');
    const key = mounts.get(after('--redis-signing-key-file')) as string;
    expect(key).toBe('./deploy/compose/redis-signing-key.demo');
    expect(read(key)).toMatch(/^DEMO-ONLY-NOT-A-SECRET/);
    const contexts = command.filter((_, i) => command[i - 1] === '--context');
    expect(contexts).toEqual(['east', 'west']);
    const clusters = loadKubeconfig({
      paths: [join(repo, 'deploy/compose/kubeconfig.yaml')],
      contexts,
      allContexts: false,
    }).connections;
    expect(clusters.map((c) => [c.name, c.server, c.token?.()])).toEqual([
      ['east', 'http://east:6443', 'demo-token-east'],
      ['west', 'http://west:6443', 'demo-token-west'],
    ]);
  });
});
