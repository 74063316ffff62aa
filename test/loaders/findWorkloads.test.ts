import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import {
  findWorkloads,
  MAX_LIST_LOOKUPS,
  parseImageId,
  streamOfPullSpec,
  summarisePod,
  triggerOf,
  type PodSummary,
  type WorkloadReaders,
} from '../../src/loaders/findWorkloads.js';
import type { OwnerKey } from '../../src/loaders/keys.js';
import type { WorkloadOwner } from '../../src/upstream/types.js';

const D = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
const REGISTRY = 'image-registry.openshift-image-registry.svc:5000';

describe('parseImageId', () => {
  it('reads each form the kubelet writes', () => {
    expect(parseImageId(`${REGISTRY}/apps/web@${D(1)}`)).toEqual({
      digest: D(1),
      repository: `${REGISTRY}/apps/web`,
    });
    expect(parseImageId(`docker-pullable://quay.io/org/app@${D(2)}`)).toEqual({
      digest: D(2),
      repository: 'quay.io/org/app',
    });
    expect(parseImageId(D(3))).toEqual({ digest: D(3) });
  });

  it('refuses what is not a manifest digest: empty while pulling, docker:// image ids, short or uppercase hex', () => {
    for (const id of [
      '',
      `docker://${D(1)}`,
      'sha256:abc',
      `quay.io/app@${D(1).toUpperCase()}`,
      `@${D(1)}`,
      `quay.io/app@${D(1)}x`,
      `cri-o://x@${D(1)}`,
    ]) {
      expect(parseImageId(id), id).toBeUndefined();
    }
  });
});

describe('streamOfPullSpec', () => {
  it('finds the integrated-registry stream of a pull spec, with a tag or a digest', () => {
    expect(streamOfPullSpec(`${REGISTRY}/apps/web:latest`)).toEqual({
      namespace: 'apps',
      stream: 'web',
    });
    expect(streamOfPullSpec(`${REGISTRY}/apps/web@${D(1)}`)).toEqual({
      namespace: 'apps',
      stream: 'web',
    });
  });

  it('ignores other registries, deeper paths and malformed names', () => {
    for (const spec of [
      'quay.io/apps/web:latest',
      `${REGISTRY}/apps/web/extra:latest`,
      `${REGISTRY}/Apps/web`,
      `${REGISTRY}/apps/web..x`,
      `${REGISTRY}.evil.example/apps/web`,
      undefined,
    ]) {
      expect(streamOfPullSpec(spec), String(spec)).toBeUndefined();
    }
  });
});

const owner = (
  annotations: Record<string, string>,
  extra: Partial<WorkloadOwner> = {},
): WorkloadOwner => ({
  metadata: { name: 'w', namespace: 'apps', annotations },
  ...extra,
});
const triggers = (value: unknown): Record<string, string> => ({
  'image.openshift.io/triggers': typeof value === 'string' ? value : JSON.stringify(value),
});

describe('triggerOf', () => {
  it('reads the annotation for the container named in fieldPath, the namespace defaulting to the owner’s', () => {
    const annotations = triggers([
      {
        from: { kind: 'ImageStreamTag', name: 'other:1' },
        fieldPath: 'spec.template.spec.containers[?(@.name=="sidecar")].image',
      },
      {
        from: { kind: 'ImageStreamTag', name: 'web:latest' },
        fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
      },
    ]);
    expect(triggerOf(owner(annotations), ['web'])).toEqual({
      namespace: 'apps',
      stream: 'web',
      tag: 'latest',
    });
    expect(triggerOf(owner(annotations), ['db'])).toBeUndefined();
  });

  it('reads a DeploymentConfig ImageChange trigger, for its containerNames or all when empty', () => {
    const dc = owner(
      {},
      {
        spec: {
          triggers: [
            { type: 'ConfigChange' },
            {
              type: 'ImageChange',
              imageChangeParams: {
                containerNames: ['worker'],
                from: { kind: 'ImageStreamTag', name: 'worker:latest', namespace: 'images' },
              },
            },
          ],
        },
      },
    );
    expect(triggerOf(dc, ['worker'])).toEqual({
      namespace: 'images',
      stream: 'worker',
      tag: 'latest',
    });
    expect(triggerOf(dc, ['other'])).toBeUndefined();
  });

  it('treats a hostile or broken annotation as no trigger, never an error', () => {
    const bad: unknown[] = [
      'not json',
      '{"from":{}}',
      'null',
      '[null, 1, "x", []]',
      [
        {
          from: { kind: 'DockerImage', name: 'web:latest' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      [
        {
          from: { kind: 'ImageStreamTag', name: 'web' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      [
        {
          from: { kind: 'ImageStreamTag', name: 'a:b:c' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      [
        {
          from: { kind: 'ImageStreamTag', name: '../x:latest' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      [
        {
          from: { kind: 'ImageStreamTag', name: 'web:latest', namespace: 'Bad NS' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      [{ from: { kind: 'ImageStreamTag', name: 'web:latest' } }],
      [
        {
          from: { kind: 'ImageStreamTag', name: 42 },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ],
      `[${'{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"x"},'.repeat(5000)}1]`,
    ];
    for (const value of bad) {
      expect(
        triggerOf(owner(triggers(value)), ['web']),
        JSON.stringify(value).slice(0, 80),
      ).toBeUndefined();
    }
  });
});

describe('summarisePod', () => {
  it('keeps containers and init containers that report a digest, and the controller only', () => {
    const summary = summarisePod({
      metadata: {
        name: 'p',
        namespace: 'apps',
        ownerReferences: [
          { kind: 'Node', name: 'n1' },
          { kind: 'ReplicaSet', name: 'rs', controller: true },
        ],
      },
      status: {
        initContainerStatuses: [{ name: 'init', imageID: D(1) }],
        containerStatuses: [
          { name: 'pulling', imageID: '' },
          { name: 'web', image: `${REGISTRY}/apps/web:latest`, imageID: `quay.io/x@${D(2)}` },
        ],
      },
    });
    expect(summary).toEqual({
      namespace: 'apps',
      name: 'p',
      controller: { kind: 'ReplicaSet', name: 'rs', controller: true },
      containers: [
        { name: 'init', digest: D(1), stream: undefined },
        { name: 'web', digest: D(2), stream: { namespace: 'apps', stream: 'web' } },
      ],
    });
  });
});

/** In-memory readers: pods per scope, owners by kind/name, manifest-list children per stream. */
function readers(
  pods: PodSummary[],
  owners: Record<string, WorkloadOwner | GatewayError>,
  children: Record<string, string[]> = {},
): WorkloadReaders & { ownerReads: string[]; childReads: number } {
  const out = {
    ownerReads: [] as string[],
    childReads: 0,
    pods: () => Promise.resolve(pods),
    owner: (key: OwnerKey) => {
      out.ownerReads.push(`${key.kind}/${key.name}`);
      const found = owners[`${key.kind}/${key.name}`];
      if (found instanceof GatewayError) return Promise.reject(found);
      return found ? Promise.resolve(found) : Promise.reject(new GatewayError('NOT_FOUND', 'gone'));
    },
    children: (_c: string, ns: string, stream: string, digest: string) => {
      out.childReads += 1;
      return Promise.resolve(children[`${ns}/${stream}@${digest}`]);
    },
  };
  return out;
}

const pod = (
  name: string,
  digest: string,
  controller?: { kind: string; name: string },
  stream?: string,
): PodSummary => ({
  namespace: 'apps',
  name,
  controller: controller ? { ...controller, controller: true } : undefined,
  containers: [{ name: 'c', digest, stream: stream ? { namespace: 'apps', stream } : undefined }],
});

describe('findWorkloads', () => {
  const key = (digests: string[]) => ({ cluster: 'east', digests, namespaces: undefined });

  it('stops at an owner name that is not a Kubernetes name, without reading it', async () => {
    const r = readers([pod('p', D(1), { kind: 'ReplicaSet', name: '../../secrets/x' })], {});
    const scan = await findWorkloads(r, key([D(1)]));
    expect(r.ownerReads).toEqual([]);
    expect(scan.workloads.map((w) => [w.kind, w.name])).toEqual([
      ['ReplicaSet', '../../secrets/x'],
    ]);
  });

  it('stops an ownership cycle after a few owners', async () => {
    const a: WorkloadOwner = {
      metadata: {
        name: 'a',
        namespace: 'apps',
        ownerReferences: [{ kind: 'ReplicaSet', name: 'b', controller: true }],
      },
    };
    const b: WorkloadOwner = {
      metadata: {
        name: 'b',
        namespace: 'apps',
        ownerReferences: [{ kind: 'ReplicaSet', name: 'a', controller: true }],
      },
    };
    const r = readers([pod('p', D(1), { kind: 'ReplicaSet', name: 'a' })], {
      'ReplicaSet/a': a,
      'ReplicaSet/b': b,
    });
    const scan = await findWorkloads(r, key([D(1)]));
    expect(r.ownerReads.length).toBeLessThanOrEqual(4);
    expect(scan.workloads).toHaveLength(1);
  });

  it('keeps a custom controller’s kind as the top owner, and an owner gone (404) without error', async () => {
    const r = readers(
      [
        pod('p', D(1), { kind: 'MyOperatorApp', name: 'x' }),
        pod('q', D(1), { kind: 'Job', name: 'gone' }),
      ],
      {},
    );
    const scan = await findWorkloads(r, key([D(1)]));
    expect(scan.workloads.map((w) => [w.kind, w.name])).toEqual([
      ['Job', 'gone'],
      ['MyOperatorApp', 'x'],
    ]);
    expect(scan.errors).toEqual([]);
  });

  it('groups one workload per digest: a rollout in progress shows both', async () => {
    const rs = { kind: 'ReplicaSet', name: 'rs' };
    const r = readers([pod('p1', D(1), rs), pod('p2', D(2), rs)], {});
    const scan = await findWorkloads(r, key([D(1), D(2)]));
    expect(scan.workloads.map((w) => [w.name, w.runningDigest, w.pods])).toEqual([
      ['rs', D(1), ['p1']],
      ['rs', D(2), ['p2']],
    ]);
    expect(r.ownerReads).toEqual(['ReplicaSet/rs']);
  });

  it(`bounds manifest-list look-ups at ${MAX_LIST_LOOKUPS} per cluster, however many digests run`, async () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      pod(`p${i}`, D(1000 + i), undefined, `s${i % 200}`),
    );
    const r = readers(many, {});
    const scan = await findWorkloads(r, key([D(1)]));
    expect(scan.workloads).toEqual([]);
    expect(r.childReads).toBeLessThanOrEqual(MAX_LIST_LOOKUPS);
    // The answer may be incomplete, and says so.
    expect(scan.errors.map((e) => [e.code, e.extensions['reason']])).toEqual([
      ['BAD_USER_INPUT', 'LIST_LOOKUPS_CAPPED'],
    ]);
  });

  it('reports a manifest-list look-up that failed for another reason than "not in the stream", once per code', async () => {
    const many = Array.from({ length: 5 }, (_, i) => pod(`p${i}`, D(1000 + i), undefined, `s${i}`));
    const r = readers(many, {});
    let reads = 0;
    r.children = () => {
      reads += 1;
      return Promise.reject(
        reads % 2 === 0
          ? new GatewayError('FORBIDDEN', 'cannot get imagestreamimages', { cluster: 'east' })
          : new GatewayError('UPSTREAM_UNAVAILABLE', 'down', { cluster: 'east' }),
      );
    };
    const scan = await findWorkloads(r, key([D(1)]));
    expect(scan.workloads).toEqual([]);
    expect(scan.errors.map((e) => e.code).sort()).toEqual(['FORBIDDEN', 'UPSTREAM_UNAVAILABLE']);
  });

  it('stops spending look-ups past the cap at once, however many pods and digests (an advisory of 10,000 digests)', async () => {
    // Before: every pod tried every target against settled look-ups, 10,000 x 10,000 awaits that
    // held the event loop for minutes; this test could not have finished.
    const many = Array.from({ length: 10_000 }, (_, i) =>
      pod(`p${i}`, D(100_000 + i), undefined, `s${i % 50}`),
    );
    const r = readers(many, {});
    const targets = Array.from({ length: 10_000 }, (_, i) => D(1 + i));
    const scan = await findWorkloads(r, key(targets));
    expect(scan.workloads).toEqual([]);
    expect(r.childReads).toBe(MAX_LIST_LOOKUPS);
    expect(scan.errors.map((e) => e.extensions['reason'])).toEqual(['LIST_LOOKUPS_CAPPED']);
  });

  it('reports one error per code and message, however many owners failed alike', async () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      pod(`p${i}`, D(1), { kind: 'ReplicaSet', name: `rs-${i}` }),
    );
    // A new error object per owner, as the budget raises one per call.
    const owners = Object.fromEntries(
      many.map((_, i) => [
        `ReplicaSet/rs-${i}`,
        new GatewayError('BAD_USER_INPUT', 'budget spent', {
          cluster: 'east',
          reason: 'UPSTREAM_BUDGET_EXHAUSTED',
        }),
      ]),
    );
    const scan = await findWorkloads(readers(many, owners), key([D(1)]));
    expect(scan.workloads).toHaveLength(300);
    expect(scan.errors).toHaveLength(1);
  });
});
