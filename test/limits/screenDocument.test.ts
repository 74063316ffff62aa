import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_ANALYSIS_STEPS } from '../../src/limits/analyzeOperation.js';
import {
  MAX_MERGE_WORK,
  screenDocument,
  type DocumentScreen,
} from '../../src/limits/screenDocument.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const rep = (n: number, f: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => f(i)).join(' ');
const underImage = (selection: string): string =>
  `{ imageStreamImage(namespace: "apps", name: "frontend@${DIGEST}") { image { ${selection} } } }`;
const screen = (query: string, maxMergeWork?: number): DocumentScreen =>
  screenDocument(parse(query), maxMergeWork === undefined ? {} : { maxMergeWork });

/** Two copies of a field at every level, each holding two copies, `depth` levels down. */
function doubling(depth: number): string {
  return depth === 0
    ? 'digest'
    : `image { manifests { ${doubling(depth - 1)} } manifests { ${doubling(depth - 1)} } }`;
}

describe('screenDocument', () => {
  it(`shares the analysis' step budget and bounds merge work at ${MAX_MERGE_WORK}`, () => {
    expect(MAX_MERGE_WORK).toBe(10_000);
    expect(MAX_ANALYSIS_STEPS).toBe(100_000);
  });

  it('counts a distinct pair of same-key fields once, plus the selections under both', () => {
    expect(screen(underImage('name'))).toEqual({ kind: 'passed', steps: 9, mergeWork: 0 });
    expect(screen(underImage('name name'))).toEqual({ kind: 'passed', steps: 13, mergeWork: 1 });
    // manifests x3: 3 pairs, each reading 1 + 1 selections; their digests: 3 pairs more.
    expect(screen(underImage(rep(3, () => 'manifests { digest }')))).toEqual({
      kind: 'passed',
      steps: 30,
      mergeWork: 3 * 3 + 3,
    });
    // Inline fragments and spreads are merged like the fields beside them.
    expect(
      screen(
        `${underImage('name ... on Image { name } ... { name } ...F ...F')} fragment F on Image { name }`,
      ),
    ).toMatchObject({ kind: 'passed', mergeWork: 6 });
  });

  it('lets the repeated-spread attack through in a few hundred steps (nothing merges pair by pair)', () => {
    const fragments = [`fragment F0 on Image { name }`];
    for (let i = 1; i <= 7; i++)
      fragments.push(`fragment F${i} on Image { ${rep(8, () => `...F${i - 1}`)} }`);
    expect(screen(`${underImage('...F7')} ${fragments.join(' ')}`)).toEqual({
      kind: 'passed',
      steps: 314,
      mergeWork: 0,
    });
  });

  it('passes at the bound and refuses one past it', () => {
    const query = underImage(rep(141, () => 'name'));
    expect(screen(query, 9_870)).toEqual({ kind: 'passed', steps: 10_160, mergeWork: 9_870 });
    expect(screen(query, 9_869)).toEqual({ kind: 'tooComplex', steps: 10_160, mergeWork: 9_870 });
  });

  it('refuses the shapes that make graphql-js validation quadratic, early', () => {
    // The same field 700 times: graphql-js spends its whole budget (500,000 units) on it.
    expect(screen(underImage(rep(700, () => 'manifests { digest }')))).toEqual({
      kind: 'tooComplex',
      steps: 4_742,
      mergeWork: 10_002,
    });
    // Copies of copies: the pairs grow with the square of the document.
    expect(
      screen(underImage(`manifests { ${doubling(5)} } manifests { ${doubling(5)} }`)),
    ).toMatchObject({
      kind: 'tooComplex',
    });
    // 330 fragments that select the same field, all spread together.
    expect(
      screen(
        `${underImage(rep(330, (i) => `...G${i}`))} ${rep(330, (i) => `fragment G${i} on Image { name }`)}`,
      ),
    ).toMatchObject({ kind: 'tooComplex' });
    // Validation reads unused fragments too, so the screen does.
    expect(
      screen(
        `${underImage('name')} fragment U on Image { ${rep(700, () => 'manifests { digest }')} }`,
      ),
    ).toMatchObject({ kind: 'tooComplex' });
  });

  it('passes a large legitimate document with little merge work', () => {
    const fragments = rep(
      12,
      (i) =>
        `fragment H${i} on Image { name created dockerImageReference manifestMediaType isManifestList layers { name size } }`,
    );
    const tree = (depth: number, leaf: string): string =>
      depth <= 0
        ? leaf
        : `${leaf} platform(architecture: "x") { ${tree(depth - 1, leaf)} } manifests { image { ${tree(depth - 2, leaf)} } }`;
    expect(
      screen(
        `${underImage(
          tree(
            7,
            rep(12, (i) => `...H${i}`),
          ),
        )} ${fragments}`,
      ),
    ).toEqual({
      // Twelve fragments select the same seven fields: 66 pairs per field, counted once
      // however many places spread them.
      kind: 'passed',
      steps: 12_756,
      mergeWork: 792,
    });
  });

  it('stops at a fragment cycle and leaves it to validation to report', () => {
    expect(
      screen(`${underImage('...A')} fragment A on Image { platform(architecture: "x") { ...A } }`),
    ).toEqual({ kind: 'passed', steps: 19, mergeWork: 0 });
  });
});
