import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/simulator/createSeed.js';
import type { Image } from '../../src/upstream/types.js';
import { startStack, type Stack } from '../helpers/startStack.js';

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/openshift/${name}`, import.meta.url), 'utf8'),
  ) as T;

const PYTHON = fixture<Image>('image-python-3.8.12-schema2.json');
const PYTHON_DIGEST = PYTHON.metadata.name ?? '';
const LIST_DIGEST = sha256(
  readFileSync(
    new URL(
      '../../fixtures/openshift/registry-manifest-list-docker-v2-2arch.json',
      import.meta.url,
    ),
  ),
);
const RUBY_SAMPLE = '47463d94eb5c049b2d23b03a9530bf944f8f967a0fe79147dd6b9135bf7dd13d';
const SWARM = 'sha256:445d9593cf8e7ac591ced715b38626751962beb3d164c28b99c69564aeeb6fd3';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const IMAGE_FIELDS = `
  name created dockerImageReference manifestMediaType isManifestList totalLayerSize
  layers { name size mediaType }
  annotations { key value }
  signatures {
    name type content imageIdentity created trusted
    signedClaims { key value }
    issuedBy { commonName organization }
    issuedTo { commonName organization publicKeyID }
    conditions { type status reason message lastProbeTime lastTransitionTime }
  }
  dockerImageMetadata {
    id parent created author dockerVersion architecture size
    config { user workingDir cmd entrypoint env { name value } labels { key value } exposedPorts volumes }
    containerConfig { user workingDir cmd entrypoint env { name value } labels { key value } exposedPorts volumes }
  }
  manifests { digest mediaType manifestSize architecture os variant image { name layers { name } } }
`;

describe('the image graph, resolved from the real fixtures', () => {
  it('resolves every Image field of a schema2 image with the fixture values', async () => {
    const { body } = await stack.gql(
      `query($name: String!) {
      imageStreamImage(cluster: "east", namespace: "openshift", name: $name) {
        name namespace digest cluster { name server }
        annotations { key value }
        image { ${IMAGE_FIELDS} }
      }
    }`,
      { name: `python@${PYTHON_DIGEST}` },
    );
    expect(body.errors).toBeUndefined();
    const isi = body.data?.['imageStreamImage'] as Record<string, any>;
    expect(isi['name']).toBe(`python@${PYTHON_DIGEST}`);
    expect(isi['namespace']).toBe('openshift');
    expect(isi['digest']).toBe(PYTHON_DIGEST);
    expect(isi['cluster']).toEqual({ name: 'east', server: stack.sims['east']?.url });
    expect(isi['annotations']).toEqual([
      { key: 'openshift.io/image.dockerRepositoryCheck', value: '2024-03-01T10:00:00Z' },
    ]);
    const image = isi['image'];
    expect(image.name).toBe(PYTHON_DIGEST);
    expect(image.created).toBe('2021-12-07T07:55:30Z');
    expect(image.dockerImageReference).toBe(PYTHON.dockerImageReference);
    expect(image.manifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(image.isManifestList).toBe(false);
    expect(image.layers).toEqual(PYTHON.dockerImageLayers);
    expect(image.totalLayerSize).toBe(
      (PYTHON.dockerImageLayers ?? []).reduce((a, l) => a + (l.size ?? 0), 0),
    );
    expect(image.annotations).toEqual([
      { key: 'image.openshift.io/dockerLayersOrder', value: 'ascending' },
    ]);
    expect(image.manifests).toEqual([]);
    const meta = image.dockerImageMetadata;
    expect(meta).toMatchObject({
      id: 'sha256:f746089c9d02d7126bbe829f788e093853a11a7f0421049267a650d52bbcac37',
      parent: null,
      created: '2021-12-03T01:53:41Z',
      author: null,
      dockerVersion: '20.10.7',
      architecture: 'amd64',
      size: 347487141,
    });
    expect(meta.config.cmd).toEqual(['python3']);
    expect(meta.config.env[0]).toEqual({
      name: 'PATH',
      value: '/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    });
    expect(meta.config.env).toHaveLength(8);
    expect(meta.containerConfig.cmd).toEqual(['/bin/sh', '-c', '#(nop) ', 'CMD ["python3"]']);
    expect(meta.config.entrypoint).toEqual([]);
    expect(meta.config.labels).toEqual([]);
  });

  it('shows a verified and an unverified signature', async () => {
    const { body } =
      await stack.gql(`{ imageStreamImage(cluster: "west", namespace: "openshift", name: "python@${PYTHON_DIGEST}") { image { signatures {
      name type trusted imageIdentity created signedClaims { key value } issuedBy { commonName organization } issuedTo { commonName publicKeyID }
      conditions { type status reason message lastProbeTime lastTransitionTime } } } } }`);
    const [verified, imported] = (body.data?.['imageStreamImage'] as any).image.signatures;
    expect(verified.name).toMatch(new RegExp(`^${PYTHON_DIGEST}@[0-9a-f]{32}$`));
    expect(verified).toMatchObject({
      type: 'atomic',
      trusted: true,
      imageIdentity: 'registry.access.redhat.com/ubi9/python-38',
      created: '2024-03-01T10:05:00Z',
      signedClaims: [
        { key: 'com.redhat.component', value: 'python-38-container' },
        { key: 'io.openshift.build', value: 'release' },
      ],
      issuedBy: { commonName: '199E2F91FD431D51', organization: 'Red Hat, Inc.' },
      issuedTo: { commonName: 'Red Hat, Inc. (release key 2)', publicKeyID: '199E2F91FD431D51' },
    });
    expect(
      verified.conditions.map((c: any) => [c.type, c.status, c.reason, c.lastProbeTime]),
    ).toEqual([
      ['Trusted', 'True', 'manually verified', '2024-03-02T08:15:00Z'],
      ['ForImage', 'True', 'manually verified', '2024-03-02T08:15:00Z'],
    ]);
    expect(imported).toMatchObject({
      type: 'atomic',
      trusted: false,
      issuedBy: null,
      issuedTo: null,
      conditions: [],
      signedClaims: [],
      imageIdentity: null,
    });
  });

  it('parses rich DockerImage metadata: env split on the first "=", labels exactly as stored, ports', async () => {
    const { body } =
      await stack.gql(`{ imageStreamImage(cluster: "east", namespace: "test", name: "origin-ruby-sample@sha256:${RUBY_SAMPLE}") { image {
      layers { size mediaType } dockerImageMetadata { id parent author config { user workingDir entrypoint cmd exposedPorts env { name value } labels { key value } } containerConfig { cmd } } } } }`);
    expect(body.errors).toBeUndefined();
    const image = (body.data?.['imageStreamImage'] as any).image;
    const config = image.dockerImageMetadata.config;
    expect(config.user).toBe('1001');
    expect(config.workingDir).toBe('/opt/app-root/src');
    expect(config.entrypoint).toEqual(['container-entrypoint']);
    expect(config.cmd).toEqual(['/usr/libexec/s2i/run']);
    expect(config.exposedPorts).toEqual(['8080/tcp']);
    expect(config.env).toContainEqual({
      name: 'PROMPT_COMMAND',
      value: '. /opt/app-root/etc/scl_enable',
    });
    expect(config.labels).toContainEqual({
      key: 'io.k8s.display-name',
      value: '172.30.56.218:5000/test/origin-ruby-sample:latest',
    });
    expect(config.labels).toContainEqual({ key: 'build-date', value: '2015-12-23' });
    expect(config.labels).toHaveLength(19);
    expect(image.dockerImageMetadata.parent).toBe(
      '57b08d979c86f4500dc8cad639c9518744c8dd39447c055a3517dc9c18d6fccd',
    );
    // 3.x-era layers carry no mediaType: null, not an error.
    expect(image.layers[0]).toEqual({ size: 0, mediaType: null });
  });

  it('keeps "=" inside env values and reads the 2016 import shape', async () => {
    const { body } =
      await stack.gql(`{ imageStreamImage(cluster: "east", namespace: "hello-world", name: "swarm-helloworld@${SWARM}") { image {
      totalLayerSize layers { name size mediaType } dockerImageMetadata { author size config { exposedPorts labels { key value } } } } } }`);
    expect(body.errors).toBeUndefined();
    const image = (body.data?.['imageStreamImage'] as any).image;
    expect(image.layers).toHaveLength(9);
    expect(image.totalLayerSize).toBe(196610919 + 211205967 + 40508367);
    expect(image.dockerImageMetadata).toMatchObject({
      author: 'burrsutter@gmail.com',
      size: 448325253,
    });
    const gen = await stack.gql(
      `{ imageStreamTag(cluster: "east", namespace: "apps", name: "frontend:latest") { image { dockerImageMetadata { config { env { name value } } } } } }`,
    );
    expect(
      (gen.body.data?.['imageStreamTag'] as any).image.dockerImageMetadata.config.env,
    ).toContainEqual({ name: 'JAVA_OPTS', value: '-Dfoo=bar -Xmx=512m' });
  });

  it('resolves a manifest list and its children through the same stream', async () => {
    const { body } =
      await stack.gql(`{ imageStreamImage(cluster: "east", namespace: "openshift", name: "hello-multiarch@${LIST_DIGEST}") { image {
      isManifestList layers { name } totalLayerSize manifestMediaType dockerImageMetadata { id created config { cmd } }
      manifests { digest mediaType manifestSize architecture os variant image { name totalLayerSize dockerImageMetadata { architecture } } } } } }`);
    expect(body.errors).toBeUndefined();
    const image = (body.data?.['imageStreamImage'] as any).image;
    expect(image).toMatchObject({
      isManifestList: true,
      layers: [],
      totalLayerSize: null,
      manifestMediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    });
    expect(image.dockerImageMetadata).toEqual({ id: LIST_DIGEST, created: null, config: null });
    expect(image.manifests).toEqual([
      {
        digest: 'sha256:ca013ac5c09f9a9f6db8370c1b759a29fe997d64d6591e9a75b71748858f7da0',
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        manifestSize: 1152,
        architecture: 'amd64',
        os: 'linux',
        variant: null,
        image: {
          name: 'sha256:ca013ac5c09f9a9f6db8370c1b759a29fe997d64d6591e9a75b71748858f7da0',
          totalLayerSize: 26687415 + 35366 + 848 + 162,
          dockerImageMetadata: { architecture: 'amd64' },
        },
      },
      {
        digest: 'sha256:1a06d68cb9117b52965035a5b0fa4c1470ef892e6062ffedb1af1922952e0950',
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        manifestSize: 1152,
        architecture: 'arm64',
        os: 'linux',
        variant: 'v8',
        image: {
          name: 'sha256:1a06d68cb9117b52965035a5b0fa4c1470ef892e6062ffedb1af1922952e0950',
          totalLayerSize: 23715438 + 35201 + 850 + 189,
          dockerImageMetadata: { architecture: 'arm64' },
        },
      },
    ]);
  });

  it('serialises int64 sizes past 2^32 exactly', async () => {
    const sim = stack.sims['east'];
    const big = [...(sim?.data.images.values() ?? [])].find((i) =>
      (i.dockerImageLayers ?? []).some((l) => (l.size ?? 0) > 2 ** 32),
    );
    expect(big).toBeDefined();
    const bigLayer = (big?.dockerImageLayers ?? []).find((l) => (l.size ?? 0) > 2 ** 32);
    const ref = big?.dockerImageReference?.split('/') ?? [];
    const [namespace, streamAt] = [ref[1], ref.slice(2).join('/')];
    const stream = streamAt.split('/').slice(0, 1)[0]?.split('@')[0] ?? '';
    const { body } = await stack.gql(
      `{ imageStreamImage(cluster: "east", namespace: "${namespace}", name: "${stream.split('/').pop()}@${big?.metadata.name}") { image { layers { size } totalLayerSize dockerImageMetadata { size } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const image = (body.data?.['imageStreamImage'] as any).image;
    expect(image.layers[0].size).toBe(bigLayer?.size);
    expect(image.dockerImageMetadata.size).toBe(big?.dockerImageMetadata?.Size);
  });

  it('links tag history to images and images back to their stream', async () => {
    const { body } =
      await stack.gql(`{ imageStream(cluster: "east", namespace: "openshift", name: "python") {
      name namespace created dockerImageRepository publicDockerImageRepository cluster { name }
      tags { name from conditions { type } history { created digest generation dockerImageReference imageStreamImage { name stream { name } image { name } } } } } }`);
    expect(body.errors).toBeUndefined();
    const stream = body.data?.['imageStream'] as any;
    expect(stream.dockerImageRepository).toBe(
      'image-registry.openshift-image-registry.svc:5000/openshift/python',
    );
    expect(stream.tags.map((t: any) => t.name)).toEqual(['3.8', 'latest']);
    expect(stream.tags[1].from).toBe('ImageStreamTag/3.8');
    const history = stream.tags[0].history;
    expect(history.map((e: any) => e.created)).toEqual([
      '2024-03-01T10:00:00Z',
      '2023-11-20T08:00:00Z',
    ]);
    expect(history[0]).toMatchObject({
      digest: PYTHON_DIGEST,
      generation: 2,
      imageStreamImage: {
        name: `python@${PYTHON_DIGEST}`,
        stream: { name: 'python' },
        image: { name: PYTHON_DIGEST },
      },
    });
  });

  it('shows spec-only tags with an empty history and failed imports with their message', async () => {
    const { body } = await stack.gql(
      `{ imageStream(cluster: "west", namespace: "images", name: "python") { publicDockerImageRepository tags { name from history { digest } conditions { type status reason message generation } } } }`,
    );
    const tags = (body.data?.['imageStream'] as any).tags;
    expect(tags).toEqual([
      { name: '3.8.12', from: 'DockerImage/python:3.8.12', history: [], conditions: [] },
      {
        name: '3.99',
        from: 'DockerImage/python:3.99',
        history: [],
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            reason: 'NotFound',
            message: 'dockerimage.image.openshift.io "python:3.99" not found',
            generation: 2,
          },
        ],
      },
    ]);
  });

  it('reads the 2015 wildfly stream (no generation) and reports its pruned image as NOT_FOUND/images', async () => {
    const { body } = await stack.gql(
      `{ imageStream(cluster: "east", namespace: "openshift", name: "wildfly") { tags { name from history { generation imageStreamImage { name } } } } }`,
    );
    const tags = (body.data?.['imageStream'] as any).tags;
    expect(tags.map((t: any) => [t.name, t.from])).toEqual([
      ['8.1', 'DockerImage/openshift/wildfly-81-centos7:latest'],
      ['latest', 'ImageStreamTag/8.1'],
    ]);
    expect(tags[0].history[0]).toEqual({ generation: null, imageStreamImage: null });
    expect(
      body.errors?.map((e) => [
        e.path?.join('.'),
        e.extensions?.['code'],
        (e.extensions?.['upstream'] as any)?.kind,
      ]),
    ).toEqual([
      ['imageStream.tags.0.history.0.imageStreamImage', 'NOT_FOUND', 'images'],
      ['imageStream.tags.1.history.0.imageStreamImage', 'NOT_FOUND', 'images'],
    ]);
  });

  it("answers imageStreamTag with the tag's current image", async () => {
    const { body } = await stack.gql(
      `{ imageStreamTag(cluster: "east", namespace: "openshift", name: "python:3.8") { name namespace cluster { name } image { name dockerImageReference } } }`,
    );
    expect(body.data?.['imageStreamTag']).toEqual({
      name: 'python:3.8',
      namespace: 'openshift',
      cluster: { name: 'east' },
      image: {
        name: PYTHON_DIGEST,
        dockerImageReference: `image-registry.openshift-image-registry.svc:5000/openshift/python@${PYTHON_DIGEST}`,
      },
    });
  });

  it('lists clusters and finds where a digest is tagged on every cluster', async () => {
    const { body } =
      await stack.gql(`{ clusters { name } cluster(name: "west") { name } none: cluster(name: "nope") { name }
      imageLocations(digest: "${PYTHON_DIGEST}") { cluster { name } namespace stream tags imageStreamImage { digest } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.['clusters']).toEqual([{ name: 'east' }, { name: 'west' }]);
    expect(body.data?.['cluster']).toEqual({ name: 'west' });
    expect(body.data?.['none']).toBeNull();
    expect(body.data?.['imageLocations']).toEqual(
      ['east', 'west'].map((name) => ({
        cluster: { name },
        namespace: 'openshift',
        stream: 'python',
        tags: ['3.8', 'latest'],
        imageStreamImage: { digest: PYTHON_DIGEST },
      })),
    );
  });

  it('pages imageStreams with first/after and visits every stream exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body } = (await stack.gql(
        `query($after: String) { imageStreams(cluster: "east", namespace: "bench", first: 3, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      )) as any;
      const conn = body.data.imageStreams;
      seen.push(...conn.edges.map((e: any) => e.node.name));
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages += 1;
    } while (after && pages < 20);
    expect(seen).toEqual([...(stack.sims['east']?.data.streams.get('bench')?.keys() ?? [])].sort());
    expect(pages).toBe(4);
    // An edge cursor resumes right after its edge.
    const first = (
      await stack.gql(
        `{ imageStreams(cluster: "east", namespace: "bench", first: 2) { edges { cursor node { name } } } }`,
      )
    ).body as any;
    const resumed = (
      await stack.gql(
        `query($a: String) { imageStreams(cluster: "east", namespace: "bench", first: 1, after: $a) { edges { node { name } } } }`,
        { a: first.data.imageStreams.edges[0].cursor },
      )
    ).body as any;
    expect(resumed.data.imageStreams.edges[0].node.name).toBe(
      first.data.imageStreams.edges[1].node.name,
    );
  });

  it('turns an expired continue token (410) into a clear BAD_USER_INPUT', async () => {
    const first = (
      await stack.gql(
        `{ imageStreams(cluster: "west", namespace: "bench", first: 2) { pageInfo { endCursor } } }`,
      )
    ).body as any;
    stack.sims['west']?.expireContinueTokens();
    const { body } = await stack.gql(
      `query($a: String) { imageStreams(cluster: "west", namespace: "bench", first: 2, after: $a) { edges { node { name } } } }`,
      { a: first.data.imageStreams.pageInfo.endCursor },
    );
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/expired/);
  });
});
