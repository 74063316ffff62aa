import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pollFor } from './until.js';

/** The built command, as `npx image-gateway` runs it. */
export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The first stdout line of `serve` and `simulate`: a JSON log line saying where it listens. */
export interface StartLine {
  readonly level: string;
  readonly time: string;
  readonly msg: string;
  /** `http://127.0.0.1:PORT/graphql` (serve) or `http://127.0.0.1:PORT` (simulate). */
  readonly url: string;
  /** serve: where /metrics is served. */
  readonly metrics?: string;
}

export interface CliRun {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
  /** The exit code once the process has exited and its output is read (null: killed by a signal). */
  readonly exit: Promise<number | null>;
  /** Polls for the start line; fails with the process's stderr if it exits first. */
  started(): Promise<StartLine>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running: ChildProcess[] = [];

/**
 * Runs `node dist/main.js ARGS` with a clean environment: the caller's IMAGE_GATEWAY_* and PORT
 * variables, KUBECONFIG and NODE_ENV are removed (a developer's shell must not change what a
 * test sees), then `env` is added.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith('IMAGE_GATEWAY_') && !['PORT', 'KUBECONFIG', 'NODE_ENV'].includes(key),
    ),
  );
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...inherited, KUBECONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  // 'close' comes after the output streams are drained, so out() and err() are complete.
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    started: () =>
      pollFor(
        () => {
          // Complete lines only: the last piece may still be arriving.
          const line = out
            .split('\n')
            .slice(0, -1)
            .find((l) => l.includes('"url":'));
          if (line) return JSON.parse(line) as StartLine;
          if (exited) throw new Error(`image-gateway exited before it started:\n${err}`);
          return undefined;
        },
        `the start line of image-gateway ${args.join(' ')}`,
      ),
    stop() {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Kills (SIGKILL) every process runCli started that is still running; for afterEach. */
export function killCliProcesses(): void {
  for (const child of running.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
