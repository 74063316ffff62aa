import { describe, expect, it } from 'vitest';
import { envNameOf, OPTIONS } from '../../src/config/options.js';
import { flagTable, usage } from '../../src/config/usage.js';

describe('usage', () => {
  const text = usage();
  const lines = text.split('\n');

  it('starts with both commands and how to get help', () => {
    expect(lines.slice(0, 5)).toEqual([
      'Usage:',
      '  image-gateway [serve] [options]     serve GraphQL over the OpenShift image API',
      '  image-gateway simulate [options]    run one simulated OpenShift image API',
      '  image-gateway --help | --version',
      '',
    ]);
  });

  it('lists every option once, under its group, with its value, default and command', () => {
    for (const spec of OPTIONS) {
      const flag = spec.value ? `--${spec.name} ${spec.value}` : `--${spec.name}`;
      const matching = lines.filter((l) => l.startsWith(`  ${flag.padEnd(30)} `));
      expect(matching, flag).toHaveLength(1);
      const line = matching[0] ?? '';
      expect(line).toContain(spec.help);
      if (spec.commands.length === 1 && spec.commands[0] === 'simulate')
        expect(line.endsWith(' (simulate)'), flag).toBe(true);
      const group = lines.lastIndexOf(`${spec.group}:`, lines.indexOf(line));
      expect(group, `${flag} under ${spec.group}`).toBeGreaterThan(0);
      expect(lines.slice(group + 1, lines.indexOf(line)).includes(''), flag).toBe(false);
    }
    expect(lines).toContain(
      '  --max-refs N                   refs of one imageStreamImages call; default 500',
    );
    expect(lines).toContain(
      '  --log-level LEVEL              least severe log level written; one of fatal, error, warn, info, debug, trace, silent; default "info"',
    );
    expect(lines).toContain(
      '  --port N                       port to listen on; 0 picks a free port; default 4000 (simulate: 0)',
    );
    expect(lines).toContain(
      '  --cache-max-bytes N            in-process image content cache; 0 turns the cache off; default 64 MiB',
    );
  });

  it('says how the environment sets options', () => {
    expect(text).toContain(
      'Every option can also be set in the environment as IMAGE_GATEWAY_<OPTION>, e.g.\nIMAGE_GATEWAY_REDIS_URL=redis://127.0.0.1:6379; flags win. PORT sets --port too.\n',
    );
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('flagTable', () => {
  const rows = flagTable().split('\n');

  it('is a Markdown table with one row per option, in the order of --help', () => {
    expect(rows.slice(0, 2)).toEqual([
      '| Flag | Environment | Default | What |',
      '|---|---|---|---|',
    ]);
    expect(rows).toHaveLength(OPTIONS.length + 2);
    OPTIONS.forEach((spec, i) => {
      const row = rows[i + 2] ?? '';
      expect(row.startsWith(`| \`--${spec.name}`), spec.name).toBe(true);
      expect(row).toContain(envNameOf(spec.name));
      expect(row.split(' | ')).toHaveLength(4);
    });
  });

  it('shows defaults and variables as --help does', () => {
    expect(rows).toContain(
      '| `--max-refs N` | `IMAGE_GATEWAY_MAX_REFS` | 500 | refs of one imageStreamImages call |',
    );
    expect(rows).toContain(
      '| `--port N` | `IMAGE_GATEWAY_PORT`, `PORT` | 4000 (simulate: 0) | port to listen on; 0 picks a free port |',
    );
    expect(rows).toContain(
      '| `--demo` | `IMAGE_GATEWAY_DEMO` | — | serve two simulated clusters, "east" and "west", started in-process |',
    );
  });
});
