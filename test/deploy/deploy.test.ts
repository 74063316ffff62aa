import { readdirSync, readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parseConfig.js';
import { loadKubeconfig } from '../../src/clusters/loadKubeconfig.js';
import { UPSTREAM_PERMISSIONS } from '../../src/upstream/createImageApiClient.js';

type Doc = Record<string, any>;
const dir = new URL('../../deploy/openshift/', import.meta.url);
const docs: Doc[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => yaml.loadAll(readFileSync(new URL(f, dir), 'utf8')) as Doc[]);
const one = (kind: string): Doc => {
  const found = docs.filter((d) => d['kind'] === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Doc;
};

describe('deploy/openshift', () => {
  const deployment = one('Deployment');
  const pod = deployment['spec']['template'];
  const container = pod['spec']['containers'][0];

  it('lists every manifest in the kustomization', () => {
    const kustomization = yaml.load(
      readFileSync(new URL('kustomization.yaml', dir), 'utf8'),
    ) as Doc;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization['resources']].sort()).toEqual(files.sort());
  });

  it('runs the gateway with arguments the CLI accepts', () => {
    const config = parseConfig(container['args'], {});
    expect(config).toMatchObject({
      command: 'serve',
      source: { kind: 'in-cluster' },
      host: '0.0.0.0',
      port: 4000,
    });
  });

  it('probes /healthz and /readyz on the port the gateway listens on, behind the Service and Route', () => {
    const port = container['ports'].find((p: Doc) => p['name'] === 'http');
    expect(port['containerPort']).toBe(4000);
    expect(container['livenessProbe']['httpGet']).toEqual({ path: '/healthz', port: 'http' });
    expect(container['readinessProbe']['httpGet']).toEqual({ path: '/readyz', port: 'http' });
    const service = one('Service');
    expect(service['spec']['ports'][0]['targetPort']).toBe('http');
    expect(service['spec']['selector']).toEqual(pod['metadata']['labels']);
    const route = one('Route');
    expect(route['spec']['to']).toEqual({ kind: 'Service', name: service['metadata']['name'] });
    expect(route['spec']['tls']['termination']).toBe('edge');
  });

  it('runs as non-root with resource limits and no privilege', () => {
    expect(pod['spec']['securityContext']['runAsNonRoot']).toBe(true);
    expect(container['securityContext']).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container['resources']['limits']).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(pod['spec']['serviceAccountName']).toBe(one('ServiceAccount')['metadata']['name']);
  });

  it('grants exactly the verbs the gateway calls, read-only, and nothing optional', () => {
    const role = one('ClusterRole');
    const granted = new Set<string>();
    for (const rule of role['rules']) {
      expect(rule['apiGroups']).toEqual(['image.openshift.io']);
      for (const resource of rule['resources'])
        for (const verb of rule['verbs']) granted.add(`${resource}:${verb}`);
    }
    const needed = UPSTREAM_PERMISSIONS.filter(
      (p) => !p.optional && p.group === 'image.openshift.io',
    ).flatMap((p) => p.verbs.map((v) => `${p.resource}:${v}`));
    expect([...granted].sort()).toEqual(needed.sort());
    const binding = one('ClusterRoleBinding');
    expect(binding['roleRef']['name']).toBe(role['metadata']['name']);
    expect(binding['subjects'][0]).toMatchObject({ kind: 'ServiceAccount', name: 'image-gateway' });
  });

  it('scales and survives disruptions: HPA on the Deployment, a PDB on its pods', () => {
    expect(one('HorizontalPodAutoscaler')['spec']['scaleTargetRef']).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment['metadata']['name'],
    });
    expect(one('PodDisruptionBudget')['spec']['selector']['matchLabels']).toEqual(
      pod['metadata']['labels'],
    );
  });

  it('mounts the kubeconfig Secret for remote clusters, optional', () => {
    const secret = one('Secret');
    const volume = pod['spec']['volumes'].find((v: Doc) => v['secret']);
    expect(volume['secret']).toEqual({ secretName: secret['metadata']['name'], optional: true });
    expect(parseConfig(['--kubeconfig', '/etc/image-gateway/kubeconfig'], {})).toMatchObject({
      source: { kind: 'kubeconfig' },
    });
  });
});

describe('Dockerfile and docker-compose.yml', () => {
  it('builds in stages, ships production dependencies only, and runs as non-root on port 4000', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile.match(/^FROM node:20-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4000$/m);
  });

  it('runs the gateway against two simulate services and Redis, with arguments the CLI accepts', () => {
    const compose = yaml.load(
      readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'),
    ) as Doc;
    const services = compose['services'];
    expect(Object.keys(services).sort()).toEqual(['east', 'gateway', 'redis', 'west']);
    const gateway = parseConfig(services['gateway']['command'], {});
    expect(gateway).toMatchObject({
      source: { kind: 'kubeconfig' },
      redisUrl: 'redis://redis:6379',
      port: 4000,
    });
    for (const name of ['east', 'west'])
      expect(parseConfig(services[name]['command'], {})).toMatchObject({
        command: 'simulate',
        name,
        port: 6443,
      });
    const clusters = loadKubeconfig({
      paths: [new URL('../../deploy/compose/kubeconfig.yaml', import.meta.url).pathname],
      contexts: [],
      allContexts: true,
    }).connections;
    expect(clusters.map((c) => [c.name, c.server, c.token?.()])).toEqual([
      ['east', 'http://east:6443', 'demo-token-east'],
      ['west', 'http://west:6443', 'demo-token-west'],
    ]);
  });
});
