/** One instruction of a Dockerfile, continuation lines joined, e.g. { keyword: 'COPY', args: '...' }. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

export interface DockerStage {
  /** The image of its FROM line. */
  readonly image: string;
  /** The name after `AS`, if any. */
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

/** A COPY instruction in shell form: its flags (`--from=build` -> from: 'build'), sources, destination. */
export interface DockerCopy {
  readonly flags: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  readonly destination: string;
}

/**
 * Splits a Dockerfile into stages: comment lines dropped, lines ending in a backslash joined,
 * keywords upper-cased. Enough for the Dockerfile of this project (no parser directives beyond
 * comments, no heredocs); anything before the first FROM is refused.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending !== '') logical.push(pending.trim());
  const stages: { image: string; name: string | undefined; instructions: DockerInstruction[] }[] =
    [];
  for (const line of logical.filter((l) => l !== '')) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = match?.[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`cannot read FROM ${args}`);
      stages.push({ image: from[1] as string, name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before the first FROM`);
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

/** Reads `COPY [--flag=value ...] SRC... DEST` (shell form). */
export function parseCopy(args: string): DockerCopy {
  const words = args.split(/\s+/).filter(Boolean);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [key, value = ''] = (words.shift() as string).slice(2).split('=');
    flags[key as string] = value;
  }
  const destination = words.pop();
  if (destination === undefined || words.length === 0) throw new Error(`cannot read COPY ${args}`);
  return { flags, sources: words, destination };
}
