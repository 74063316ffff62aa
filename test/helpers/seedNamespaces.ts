/**
 * Every namespace of a seeded simulator (createSeed with its defaults and a bench stream): those
 * holding image streams and those holding only workloads, sorted as the projects list is.
 */
export const SEED_NAMESPACES: readonly string[] = [
  'apps',
  'batch',
  'bench',
  'data',
  'example',
  'hello-world',
  'images',
  'monitoring',
  'openshift',
  'shared',
  'test',
];
