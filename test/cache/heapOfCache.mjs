// Run by test/cache/createContentCache.test.ts as `node --expose-gc heapOfCache.mjs <shape>`:
// fills a content cache with the seed images of one shape, as the API server would send them,
// and prints what the cache accounts against what the heap grew by, with forced collections;
// then hits every entry once (the hot tier keeps the parsed images) and prints the same for that.
import { createContentCache } from '../../dist/cache/createContentCache.js';
import { createSeed } from '../../dist/simulator/createSeed.js';

const shape = process.argv[2] ?? 'seed';

/** Seed images, reshaped: each shape stresses another part of the heap. */
function imagesOf(name) {
  const seed = (options) => [...createSeed('lab', options).images.values()];
  const digest = (n) => `sha256:${n.toString(16).padStart(64, '0')}`;
  switch (name) {
    case 'seed':
      return seed({ benchStreams: Number(process.argv[3] ?? 100) });
    case 'large-labels':
      return seed({ benchStreams: 20, benchLabelBytes: 50_000 });
    case 'distinct-label-keys':
      // Label keys are chosen by whoever builds an image; each distinct set costs V8 a hidden class.
      return seed({ benchStreams: 100 }).map((image, n) => ({
        ...image,
        metadata: {
          ...image.metadata,
          labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${n}-${i}`, `v${i}`])),
        },
      }));
    case 'unicode':
      return seed({ benchStreams: 100 }).map((image) => ({
        ...image,
        metadata: { ...image.metadata, annotations: { description: 'é€漢字'.repeat(200) } },
      }));
    case 'many-layers':
      return seed({ benchStreams: 100 }).map((image, n) => ({
        ...image,
        dockerImageLayers: Array.from({ length: 60 }, (_, i) => ({
          name: digest(n * 1000 + i),
          size: 3_000_000_000 + i,
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        })),
      }));
    case 'volumes':
      // Many small objects (a config's `Volumes` is a map of empty objects): far more heap per
      // character than strings.
      return seed({ benchStreams: 20 }).map((image) => ({
        ...image,
        dockerImageMetadata: {
          ...image.dockerImageMetadata,
          Config: {
            Volumes: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`/${i}`, {}])),
          },
        },
      }));
    case 'tiny':
      return Array.from({ length: 20_000 }, (_, n) => ({ metadata: { name: digest(n) } }));
    default:
      throw new Error(`unknown shape ${name}`);
  }
}

const heap = () => {
  for (let i = 0; i < 6; i++) globalThis.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

// What the API server sends: text, decoded from the socket (so flat, unlike what JSON.stringify
// returns, which parsing would flatten during the measure), parsed by the upstream client.
const texts = imagesOf(shape).map((image) => Buffer.from(JSON.stringify(image)).toString());
const options = { maxBytes: 2 ** 40, ttlMs: 3_600_000 };
// Warm up the code paths, so compiled code and feedback are in the baseline.
const warm = createContentCache(options);
for (const text of texts.slice(0, 50)) {
  const image = JSON.parse(text);
  warm.set({ cluster: 'lab', digest: image.metadata.name }, image);
}
await warm.getMany([{ cluster: 'lab', digest: JSON.parse(texts[0]).metadata.name }]);

const cache = createContentCache(options);
const before = heap();
for (const text of texts) {
  const image = JSON.parse(text);
  cache.set({ cluster: 'lab', digest: image.metadata.name }, image);
}
const real = heap() - before;
const { entries, bytes } = cache.stats();
// Used after the measure, so the texts are alive during it (V8 frees what is no longer used).
if (texts.length !== entries) throw new Error(`${entries} entries for ${texts.length} images`);
// The hot tier: every entry hit once, its parsed image kept.
const keys = texts.map((text) => ({ cluster: 'lab', digest: JSON.parse(text).metadata.name }));
const beforeHot = heap();
const hits = [];
for (const key of keys) hits.push(...(await cache.getMany([key])));
const hotReal = heap() - beforeHot;
const hotBytes = cache.stats().bytes - bytes;
if (hits.some((hit) => hit === undefined)) throw new Error('a miss after set');
process.stdout.write(`${JSON.stringify({ shape, entries, bytes, real, hotBytes, hotReal })}\n`);
