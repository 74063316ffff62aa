import { envNameOf, OPTIONS, type OptionGroup, type OptionSpec } from './options.js';

/** `--max-refs N` as it appears in --help and the README. */
function flagOf(spec: OptionSpec): string {
  return spec.value ? `--${spec.name} ${spec.value}` : `--${spec.name}`;
}

function defaultText(spec: OptionSpec): string | undefined {
  if (spec.shownDefault) return spec.shownDefault;
  if (spec.default === undefined || spec.default === '') return undefined;
  return typeof spec.default === 'string' ? `"${spec.default}"` : String(spec.default);
}

/** ` (simulate)` after an option only `simulate` takes. */
function simulateOnly(spec: OptionSpec): string {
  return spec.commands.length === 1 && spec.commands[0] === 'simulate' ? ' (simulate)' : '';
}

function describe(spec: OptionSpec): string {
  const parts = [spec.help];
  if (spec.values) parts.push(`one of ${spec.values.join(', ')}`);
  const shown = defaultText(spec);
  if (shown) parts.push(`default ${shown}`);
  return parts.join('; ');
}

const GROUPS: readonly OptionGroup[] = [
  'Clusters',
  'Server',
  'Query limits',
  'Upstream',
  'Cache',
  'Observability',
  'Simulator',
];

/** The text of `image-gateway --help`. */
export function usage(): string {
  const lines = [
    'Usage:',
    '  image-gateway [serve] [options]     serve GraphQL over the OpenShift image API',
    '  image-gateway simulate [options]    run one simulated OpenShift image API',
    '  image-gateway --help | --version',
    '',
  ];
  for (const group of GROUPS) {
    const specs = OPTIONS.filter((spec) => spec.group === group);
    lines.push(`${group}:`);
    for (const spec of specs) {
      lines.push(`  ${flagOf(spec).padEnd(30)} ${describe(spec)}${simulateOnly(spec)}`);
    }
    lines.push('');
  }
  lines.push(
    'Every option can also be set in the environment as IMAGE_GATEWAY_<OPTION>, e.g.',
    `${envNameOf('redis-url')}=redis://127.0.0.1:6379; flags win. PORT sets --port too.`,
    'simulate: GET /_simulator/stats and POST /_simulator/reset report and reset request counters.',
    '',
  );
  return lines.join('\n');
}

/** The README's flag table (Markdown), kept equal to this table by a test. */
export function flagTable(): string {
  const rows = ['| Flag | Environment | Default | What |', '|---|---|---|---|'];
  for (const spec of OPTIONS) {
    const env = [envNameOf(spec.name), spec.legacyEnv]
      .filter((name) => name !== undefined)
      .map((name) => `\`${name}\``)
      .join(', ');
    const values = spec.values ? ` (${spec.values.join(', ')})` : '';
    rows.push(
      `| \`${flagOf(spec)}\` | ${env} | ${defaultText(spec) ?? '—'} | ${spec.help}${values}${simulateOnly(spec)} |`,
    );
  }
  return rows.join('\n');
}
