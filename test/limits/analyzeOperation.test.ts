import { readFileSync } from 'node:fs';
import {
  buildSchema,
  Kind,
  parse,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  analyzeOperation,
  COST_CEILING,
  MAX_ANALYSIS_STEPS,
  type AnalysisOptions,
  type OperationAnalysis,
} from '../../src/limits/analyzeOperation.js';
import type { CostModel, FieldCost } from '../../src/limits/createCostModel.js';
import {
  checkQuery,
  createQueryLimits,
  DEFAULT_QUERY_LIMITS,
} from '../../src/limits/createQueryLimits.js';

// The schema as the server reads it.
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

const DIGEST = 'sha256:' + 'a'.repeat(64);
const ISI = `imageStreamImage(cluster: "east", namespace: "apps", name: "frontend@${DIGEST}")`;
const STREAM = 'imageStream(cluster: "east", namespace: "apps", name: "frontend")';
const rep = (n: number, f: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** Analyses the named operation (else the first) of a document that graphql-js finds valid. */
function analyse(
  query: string,
  variables: Record<string, unknown> = {},
  options: Partial<AnalysisOptions> & { operationName?: string; against?: GraphQLSchema } = {},
): OperationAnalysis {
  const target = options.against ?? schema;
  const document = parse(query);
  expect(validate(target, document).map((e) => e.message)).toEqual([]);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION &&
      (options.operationName === undefined || d.name?.value === options.operationName),
  )!;
  return analyzeOperation(target, document, operation, variables, { clusterCount: 2, ...options });
}

const costOf = (query: string, variables?: Record<string, unknown>): number => {
  const result = analyse(query, variables);
  if (result.kind !== 'analysed') throw new Error(`not analysed: ${result.kind}`);
  return result.cost;
};

/**
 * F0 holds `leaf`; every Fi (i = 1..levels) holds `body(F(i-1))`. Unmerged, the tree under
 * the last fragment has width^levels copies of F0.
 */
function fragmentChain(levels: number, leaf: string, body: (previous: string) => string): string {
  const fragments = [`fragment F0 on Image { ${leaf} }`];
  for (let i = 1; i <= levels; i++)
    fragments.push(`fragment F${i} on Image { ${body(`F${i - 1}`)} }`);
  return fragments.join('\n');
}
const underImage = (selection: string, fragments: string, variables = ''): string =>
  `query Q${variables} { ${ISI} { image { ${selection} } } }\n${fragments}`;

describe('fragment shapes that were exponential are analysed in a number of steps linear in the document', () => {
  it('seven levels, each spreading the previous fragment eight times (the reported attack)', () => {
    const query = underImage(
      '...F7',
      fragmentChain(7, 'name', (p) => rep(8, () => `...${p}`)),
    );
    // 1 + 7 x 8 spreads looked at once each (the repeated ones are merged), plus fields and keys.
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 1, steps: 67 });
  });

  it('grows by the size of the document, not by the size of the unmerged tree', () => {
    const chain = (levels: number, width: number): string =>
      underImage(
        `...F${levels}`,
        fragmentChain(levels, 'name', (p) => rep(width, () => `...${p}`)),
      );
    expect(analyse(chain(60, 2))).toMatchObject({ kind: 'analysed', cost: 1, steps: 131 });
    expect(analyse(chain(120, 2))).toMatchObject({ kind: 'analysed', cost: 1, steps: 251 });
    expect(analyse(chain(12, 16))).toMatchObject({ kind: 'analysed', cost: 1, steps: 203 });
  });

  it('fields inside the fragments, lists among them', () => {
    const query = underImage(
      '...F7',
      fragmentChain(
        7,
        'name layers { name size } manifests { digest image { name } } signatures { name }',
        (p) => rep(8, () => `...${p}`),
      ),
    );
    // One Manifest.image fetch (manifests counts 1: only the data knows its size) + the image.
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 2, steps: 90 });
  });

  it('fragments over lists: manifests { image { ...F } } at every level', () => {
    const query = underImage(
      '...F7',
      fragmentChain(
        7,
        'name',
        (p) => `manifests { image { ...${p} ...${p} } } ${rep(6, () => `...${p}`)}`,
      ),
    );
    // One image per level: 7 Manifest.image + the root image.
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 8, steps: 382 });
  });

  it('inline fragments, alone and mixed with named ones', () => {
    const inline = underImage(
      '...F7',
      fragmentChain(7, 'name', (p) => rep(8, () => `... on Image { ...${p} }`)),
    );
    expect(analyse(inline)).toMatchObject({ kind: 'analysed', cost: 1, steps: 123 });
    const mixed = underImage(
      '...F7',
      fragmentChain(7, 'name', (p) => rep(4, () => `...${p} ... on Image { ...${p} }`)),
    );
    expect(analyse(mixed)).toMatchObject({ kind: 'analysed', cost: 1, steps: 95 });
  });

  it('aliases and directives on the repeated spreads', () => {
    const aliases = underImage(
      '...F7',
      fragmentChain(7, 'a: name b: platform(architecture: "amd64") { name }', (p) =>
        rep(8, () => `...${p}`),
      ),
    );
    expect(analyse(aliases)).toMatchObject({ kind: 'analysed', cost: 2, steps: 73 });
    const directives = underImage(
      '...F7',
      fragmentChain(7, 'platform(architecture: "amd64") { name }', (p) =>
        rep(8, () => `...${p} @include(if: $v)`),
      ),
      '($v: Boolean!)',
    );
    expect(analyse(directives, { v: true })).toMatchObject({
      kind: 'analysed',
      cost: 2,
      steps: 71,
    });
    // Excluded at the first level: nothing below is looked at.
    expect(analyse(directives, { v: false })).toMatchObject({
      kind: 'analysed',
      cost: 1,
      steps: 17,
    });
  });

  it('same-key fields at every level, their selections merged', () => {
    const query = underImage(
      '...F7',
      fragmentChain(
        7,
        'name',
        (p) => `${rep(3, () => `manifests { image { ...${p} } }`)} ${rep(5, () => `...${p}`)}`,
      ),
    );
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 8, steps: 606 });
  });

  it('many operations in one document: only the one executed is analysed', () => {
    const operations = rep(20, (i) => `query Q${i} { ${ISI} { image { ...F7 } } }`);
    const query = `${operations}\n${fragmentChain(7, 'name', (p) => rep(8, () => `...${p}`))}`;
    expect(analyse(query, {}, { operationName: 'Q13' })).toMatchObject({
      kind: 'analysed',
      cost: 1,
      steps: 67,
    });
  });
});

const IMAGE_SCALARS = [
  'name',
  'created',
  'dockerImageReference',
  'manifestMediaType',
  'isManifestList',
  'totalLayerSize',
  '__typename',
];

/**
 * The synthetic worst case: `roots` aliased entry points, each merging a different subset of
 * `lines` fragment lines; each line has one fragment per level with `fields` fields (`name`
 * again and again, or distinct ones) and two ways down (platform, one level; manifests.image,
 * two), so the selections merged at each position differ from root to root and the memo
 * cannot share them.
 */
function mergeCombinations(
  lines: number,
  fields: number,
  levels: number,
  roots: number,
  distinct = false,
): string {
  const fragments: string[] = [];
  for (let l = 0; l < levels; l++) {
    for (let j = 0; j < lines; j++) {
      const platform = l + 1 < levels ? `platform(architecture: "x") { ...X${l + 1}_${j} }` : '';
      const manifests = l + 2 < levels ? `manifests { image { ...X${l + 2}_${j} } }` : '';
      fragments.push(
        `fragment X${l}_${j} on Image { ${rep(fields, (i) => (distinct ? IMAGE_SCALARS[i % 7]! : 'name'))} ${platform} ${manifests} }`,
      );
    }
  }
  const entries = rep(roots, (i) => {
    const subset = ((i % (2 ** lines - 1)) + 1) >>> 0;
    const spreads = rep(lines, (j) => ((subset >> j) & 1 ? `...X0_${j}` : ''));
    return `r${i}: imageStreamImage(cluster: "east", namespace: "n${i}", name: "f@${DIGEST}") { image { ${spreads} } }`;
  });
  return `query Worst { ${entries} }\n${fragments.join('\n')}`;
}

/** Whether a document passes graphql-js validation and every default limit checked before the analysis. */
function withinDefaultLimits(query: string): boolean {
  const { validationRules } = createQueryLimits(DEFAULT_QUERY_LIMITS, 2);
  if (checkQuery(query, DEFAULT_QUERY_LIMITS.maxTokens)) return false;
  try {
    return validate(schema, parse(query), [...specifiedRules, ...validationRules]).length === 0;
  } catch {
    return false; // GraphQL Armor throws its refusals
  }
}

/** Nested images down to `depth` (platform: one level, manifests.image: two), `leaf` at each. */
function imageTree(depth: number, leaf: string): string {
  if (depth <= 0) return leaf;
  return `${leaf} platform(architecture: "x") { ${imageTree(depth - 1, leaf)} } manifests { image { ${imageTree(depth - 2, leaf)} } }`;
}

describe('the step budget', () => {
  it('leaves a factor of ten to a large legitimate document', () => {
    // 67 images nested as deep as the depth limit allows, each spreading the same twelve
    // overlapping fragments, written out at every place: no memo can share the places.
    const fragments = rep(
      12,
      (i) =>
        `fragment H${i} on Image { name created dockerImageReference manifestMediaType isManifestList layers { name size } }`,
    );
    const query = `{ ${ISI} { image { ${imageTree(
      7,
      rep(12, (i) => `...H${i}`),
    )} } } } ${fragments}`;
    expect(withinDefaultLimits(query)).toBe(true);
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 67, steps: 7231 });
  });

  it('is above the most steps a document within the default limits could be built to need', () => {
    // Thirty aliases (the limit), each merging a different set of five fragment lines of seven
    // distinct fields: the most we found that validation and the screen let through.
    const query = mergeCombinations(5, 7, 10, 30, true);
    expect(withinDefaultLimits(query)).toBe(true);
    expect(analyse(query)).toMatchObject({ kind: 'analysed', cost: 4290, steps: 21716 });
    expect(withinDefaultLimits(mergeCombinations(5, 7, 10, 31, true))).toBe(false);
    // With `name` twenty times in each fragment the analysis alone would need more, but the
    // screen refuses the document first.
    const repeated = mergeCombinations(5, 20, 10, 30);
    expect(analyse(repeated)).toMatchObject({ kind: 'analysed', cost: 4290, steps: 36026 });
    expect(withinDefaultLimits(repeated)).toBe(false);
  });

  it(`refuses the synthetic worst case after exactly ${MAX_ANALYSIS_STEPS} steps`, () => {
    expect(analyse(mergeCombinations(8, 20, 10, 200))).toEqual({
      kind: 'tooComplex',
      steps: MAX_ANALYSIS_STEPS + 1,
    });
  });

  it('passes at the budget and refuses one step past it', () => {
    const query = mergeCombinations(5, 8, 10, 30);
    const full = analyse(query, {}, { maxSteps: Number.MAX_SAFE_INTEGER });
    expect(full).toMatchObject({ kind: 'analysed', cost: 4290, steps: 19826 });
    expect(analyse(query, {}, { maxSteps: 19826 })).toEqual(full);
    expect(analyse(query, {}, { maxSteps: 19825 })).toEqual({ kind: 'tooComplex', steps: 19826 });
  });

  it('a fragment cycle (refused by validation first) ends the analysis instead of recursing', () => {
    const document = parse(
      `{ ${ISI} { image { ...A } } } fragment A on Image { platform(architecture: "x") { ...A } }`,
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(analyzeOperation(schema, document, operation, {}, { clusterCount: 2 })).toEqual({
      kind: 'tooComplex',
      steps: 17,
    });
  });
});

describe('cost', () => {
  it('counts 1 per image, stream, tag or cluster status fetched', () => {
    expect(costOf(`{ ${ISI} { name image { name } } }`)).toBe(1);
    expect(costOf(`{ ${ISI} { stream { name } } }`)).toBe(2);
    expect(
      costOf('{ imageStreamTag(namespace: "apps", name: "frontend:latest") { image { name } } }'),
    ).toBe(1);
    expect(costOf('{ cluster(name: "east") { status { reachable } } }')).toBe(1);
    expect(costOf('{ clusters { name server } }')).toBe(0);
    // The configured cluster count multiplies what `clusters` selects.
    expect(costOf('{ clusters { status { reachable } } }')).toBe(2);
    expect(analyse('{ clusters { status { reachable } } }', {}, { clusterCount: 7 })).toMatchObject(
      { cost: 7 },
    );
  });

  it('multiplies by refs and first as given', () => {
    const refs = rep(5, () => `{ namespace: "apps", name: "frontend@${DIGEST}" }`);
    expect(
      costOf(
        `{ imageStreamImages(refs: [${refs}]) { stream { name } image { platform(architecture: "arm64") { name } } } }`,
      ),
    ).toBe(5 + 5 * 2);
    const byVariable =
      'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { stream { name } } }';
    const ref = { namespace: 'apps', name: `frontend@${DIGEST}` };
    expect(costOf(byVariable, { refs: Array.from({ length: 40 }, () => ref) })).toBe(80);
    // One object where a list is expected is a list of one, as execution coerces it.
    expect(costOf(byVariable, { refs: ref })).toBe(2);
    const page = (first: string): string =>
      `{ imageStreams(namespace: "apps"${first}) { edges { node { tags { history { imageStreamImage { digest } } } } } } }`;
    expect(costOf(page(', first: 20'))).toBe(1 + 20);
    expect(costOf(page(''))).toBe(1 + 50);
    // A first the resolver refuses never lowers the cost: it counts as the default page.
    expect(costOf(page(', first: -1000000'))).toBe(1 + 50);
    expect(costOf(page(', first: 0'))).toBe(1 + 50);
    expect(
      costOf('{ imageStreams(namespace: "apps", first: 500) { edges { node { name } } } }'),
    ).toBe(1);
  });

  it('counts clusters x namespaces for imageLocations, and 1 for the locations found', () => {
    const locations = (args: string): string =>
      `{ imageLocations(digest: "${DIGEST}"${args}) { imageStreamImage { stream { name } } } }`;
    expect(costOf(locations(''))).toBe(2 + 2);
    expect(costOf(locations(', clusters: ["east"]'))).toBe(1 + 2);
    expect(
      costOf(locations(', clusters: ["east", "east", "west"], namespaces: ["a", "b", "c"]')),
    ).toBe(6 + 2);
    expect(costOf(locations(', clusters: []'))).toBe(0 + 2);
  });

  it('counts tags, history and manifests as 1 (the upstream budget bounds them at run time)', () => {
    expect(
      costOf(
        `{ ${STREAM} { tags { history { imageStreamImage { image { manifests { image { name } } } } } } } }`,
      ),
    ).toBe(3);
  });

  it('gives the documented examples their cost', () => {
    const example = (name: string): string =>
      readFileSync(new URL(`../../examples/${name}.graphql`, import.meta.url), 'utf8');
    const variables = JSON.parse(
      readFileSync(new URL('../../examples/variables.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    const costs = Object.fromEntries(
      Object.entries(variables).map(([name, vars]) => [name, costOf(example(name), vars)]),
    );
    expect(costs).toEqual({
      // 2 clusters x (status + projects and their fallback)
      ListMyNamespaces: 6,
      // a search reads up to 10 pages; then 10 streams x 1 image per tag event
      FindAStream: 20,
      ImageLayersAndConfig: 1,
      ManifestListPlatforms: 3,
      ImageSignatures: 1,
      TagHistory: 2,
      WhereDoesADigestRun: 3,
      // Two clusters, two calls each (scan results and pods), then drift, trigger, image and
      // its scan results for the one workload the static model counts.
      VulnerableWorkloads: 8,
      // A subscription's event and its changedTags come with the watch event: no upstream call.
      WatchTagChanges: 0,
    });
  });

  it('saturates instead of overflowing, and never becomes NaN', () => {
    const query = `{ imageStreams(namespace: "a") { edges { node { tags { history { imageStreamImage { stream { name } } } } } } } }`;
    const huge: CostModel = new Map<string, FieldCost>([
      ['Query.imageStreams', { calls: () => 1, size: () => Number.MAX_VALUE }],
      ['TagEvent.imageStreamImage', { calls: () => Number.MAX_VALUE }],
    ]);
    expect(analyse(query, {}, { model: huge })).toMatchObject({ cost: COST_CEILING });
    const none: CostModel = new Map<string, FieldCost>([
      ['Query.imageStreams', { calls: () => 1, size: () => 0 }],
      ['TagEvent.imageStreamImage', { calls: () => Number.MAX_VALUE }],
    ]);
    expect(analyse(query, {}, { model: none })).toMatchObject({ cost: 1 });
    const negative: CostModel = new Map<string, FieldCost>([
      ['Query.imageStreams', { calls: () => -5, size: () => -5 }],
    ]);
    expect(analyse(query, {}, { model: negative })).toMatchObject({ cost: 0 });
  });
});

describe('merging, as graphql-js collectFields merges at execution', () => {
  it('counts a response key once, whatever selects it again', () => {
    expect(costOf(`{ a: ${STREAM} { name } a: ${STREAM} { tags { name } } }`)).toBe(1);
    expect(costOf(`{ a: ${STREAM} { name } b: ${STREAM} { name } }`)).toBe(2);
    expect(
      costOf(`{ ${ISI} { name } ${ISI} { image { name } } ... on Query { ${ISI} { digest } } }`),
    ).toBe(1);
  });

  it('merges the selections of same-key fields: `a: f { x }` and `a: f { y }` is one field', () => {
    expect(costOf(`{ a: ${ISI} { stream { name } } a: ${ISI} { digest } }`)).toBe(2);
    expect(costOf(`{ a: ${ISI} { stream { name } } a: ${ISI} { stream { tags { name } } } }`)).toBe(
      2,
    );
    expect(costOf(`{ a: ${ISI} { s: stream { name } } a: ${ISI} { t: stream { name } } }`)).toBe(3);
  });

  it('counts a fragment spread twice once, also through other fragments', () => {
    const f = `fragment S on ImageStreamImage { stream { name } }`;
    expect(costOf(`{ ${ISI} { ...S ...S } } ${f}`)).toBe(2);
    expect(
      costOf(
        `{ ${ISI} { ...A ...B } } fragment A on ImageStreamImage { ...S } fragment B on ImageStreamImage { ...S digest } ${f}`,
      ),
    ).toBe(2);
    // Same key from a fragment and from the selection itself: one field.
    expect(costOf(`{ ${ISI} { stream { tags { name } } ...S } } ${f}`)).toBe(2);
  });

  it('honours @skip and @include with the request variables', () => {
    const query = `query($yes: Boolean!, $no: Boolean = false) {
      a: ${STREAM} @include(if: $yes) { name }
      b: ${STREAM} @skip(if: $no) { name }
      c: ${STREAM} @skip(if: true) { name }
      ... on Query @include(if: $yes) { d: ${STREAM} { name } }
      ...E @skip(if: $yes)
    } fragment E on Query { e: ${STREAM} { name } }`;
    expect(costOf(query, { yes: true })).toBe(3);
    expect(costOf(query, { yes: false })).toBe(2);
    expect(costOf(query, { yes: false, no: true })).toBe(1);
  });

  it('refuses a variable that leaves a non-null argument without a value, naming it', () => {
    expect(
      analyse(`query($v: Boolean = true) { ${STREAM} @include(if: $v) { name } }`, { v: null }),
    ).toEqual({
      kind: 'invalidArgument',
      message: 'Argument "if" of directive "@include" must not be null, and variable "$v" is null.',
    });
    const long = 'n'.repeat(5_000);
    expect(
      analyse(
        `query($${long}: String = "x") { imageStream(namespace: "a", name: $${long}) { name } }`,
        {
          [long]: null,
        },
      ),
    ).toEqual({
      kind: 'invalidArgument',
      message: `Argument "name" of field "Query.imageStream" must not be null, and variable "$${'n'.repeat(80)}…" is null.`,
    });
    // Fields outside the cost model are read too; a default stands in for a variable not sent.
    expect(
      analyse('query($c: String = "east") { cluster(name: $c) { name } }', { c: null }),
    ).toEqual({
      kind: 'invalidArgument',
      message:
        'Argument "name" of field "Query.cluster" must not be null, and variable "$c" is null.',
    });
    expect(analyse('query($c: String = "east") { cluster(name: $c) { name } }', {})).toMatchObject({
      kind: 'analysed',
      cost: 0,
      steps: 7,
    });
  });

  it('a skipped copy does not hide an included one with the same key', () => {
    expect(
      costOf(
        `query($v: Boolean!) { a: ${STREAM} @include(if: $v) { name } a: ${STREAM} { name } }`,
        {
          v: false,
        },
      ),
    ).toBe(1);
  });
});

describe('what a hostile or broken caller sends', () => {
  it('variables that do not coerce are refused with a message that does not repeat them', () => {
    const query =
      'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }';
    expect(analyse(query, { refs: 'x'.repeat(100_000) })).toEqual({
      kind: 'invalidVariables',
      message:
        'Variable "$refs" of type [ImageStreamImageRef!]! has a value it does not accept: Expected type "ImageStreamImageRef" to be an object.',
    });
    let nested: unknown = [];
    for (let i = 0; i < 10_000; i++) nested = [nested];
    expect(analyse(query, { refs: nested })).toEqual({
      kind: 'invalidVariables',
      message:
        'Variable "$refs" of type [ImageStreamImageRef!]! has a value it does not accept: Expected type "ImageStreamImageRef" to be an object.',
    });
    expect(analyse(query, {})).toEqual({
      kind: 'invalidVariables',
      message: 'Variable "$refs" of type [ImageStreamImageRef!]! was not sent.',
    });
    expect(analyse(query, { refs: null })).toEqual({
      kind: 'invalidVariables',
      message: 'Variable "$refs" of type [ImageStreamImageRef!]! must not be null.',
    });
    const name = 'v'.repeat(10_000);
    expect(
      analyse(
        `query($${name}: Int) { imageStreams(namespace: "a", first: $${name}) { pageInfo { hasNextPage } } }`,
        {
          [name]: 'x'.repeat(100_000),
        },
      ),
    ).toEqual({
      kind: 'invalidVariables',
      message: `Variable "$${'v'.repeat(80)}…" of type Int has a value it does not accept: Int cannot represent non-integer value: "${'x'.repeat(39)}…`,
    });
  });

  it('huge strings in arguments are read once and cost nothing more', () => {
    const query = `query($ns: String!) { imageStream(namespace: $ns, name: "${'y'.repeat(100_000)}") { name } }`;
    expect(analyse(query, { ns: 'x'.repeat(100_000) })).toMatchObject({
      kind: 'analysed',
      cost: 1,
      steps: 7,
    });
  });

  it('fragments on the wrong type and unknown fragments are skipped (validation refuses them first)', () => {
    const document = parse(
      `{ ${ISI} { image { ...OnStream ...Missing name } } } fragment OnStream on ImageStream { tags { name } }`,
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(analyzeOperation(schema, document, operation, {}, { clusterCount: 2 })).toMatchObject({
      kind: 'analysed',
      cost: 1,
      steps: 12,
    });
  });
});

describe('abstract types', () => {
  const abstract = buildSchema(`
    type Query { node: Node, many: [Node!]! }
    interface Node { id: ID! }
    type Stream implements Node { id: ID! image: Image }
    type Image implements Node { id: ID! stream: Stream }
  `);
  const model: CostModel = new Map<string, FieldCost>([
    ['Query.node', { calls: () => 1 }],
    ['Query.many', { calls: () => 1, size: () => 10 }],
    ['Stream.image', { calls: () => 1 }],
    ['Image.stream', { calls: () => 3 }],
  ]);

  it('an interface costs what its dearest possible type costs, type conditions matched as at execution', () => {
    const run = (query: string): OperationAnalysis =>
      analyse(query, {}, { against: abstract, model });
    expect(
      run('{ node { id ... on Stream { image { id } } ... on Image { stream { id } } } }'),
    ).toMatchObject({
      cost: 1 + 3,
    });
    expect(run('{ many { ... on Node { ... on Stream { image { id } } } } }')).toMatchObject({
      cost: 1 + 10 * 1,
    });
  });
});

describe('analyzeOperation: nodes, the values the answer holds at least', () => {
  const ref = `{ cluster: "east", namespace: "apps", name: "frontend@sha256:${'a'.repeat(64)}" }`;
  const nodesOf = (query: string, variables: Record<string, unknown> = {}): number => {
    const result = analyse(query, variables);
    if (result.kind !== 'analysed') throw new Error(`not analysed: ${result.kind}`);
    return result.nodes;
  };

  it('counts each field of each object once, leaves included', () => {
    // clusters (2, the configured count) x (the object + name + server)
    expect(nodesOf('{ clusters { name server } }')).toBe(6);
    // __typename is a value too
    expect(nodesOf('{ __typename }')).toBe(1);
  });

  it('multiplies by the sizes the arguments give, and by every alias', () => {
    const three = `[${ref}, ${ref}, ${ref}]`;
    expect(nodesOf(`{ imageStreamImages(refs: ${three}) { name digest } }`)).toBe(9);
    expect(
      nodesOf(
        `{ a: imageStreamImages(refs: ${three}) { name } b: imageStreamImages(refs: ${three}) { name } }`,
      ),
    ).toBe(12);
    // first: 100 sizes the page: 100 x (the connection + edges + node + name)
    expect(
      nodesOf(
        '{ imageStreams(cluster: "east", namespace: "a", first: 100) { edges { node { name } } } }',
      ),
    ).toBe(400);
  });

  it('counts a repeated field and a fragment spread twice once, as execution merges them', () => {
    expect(nodesOf('{ clusters { name name } }')).toBe(4);
    expect(nodesOf('{ clusters { ...F ...F } } fragment F on Cluster { name }')).toBe(4);
  });
});
