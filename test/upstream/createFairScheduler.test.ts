import { describe, expect, it } from 'vitest';
import { createFairScheduler, SlotAborted } from '../../src/upstream/createFairScheduler.js';

/** A task that stays in flight until released, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createFairScheduler', () => {
  it('never runs more than the limit, and gives one owner at most its share', async () => {
    const scheduler = createFairScheduler({ limit: 4, perOwnerLimit: 2 });
    const log: string[] = [];
    const flood = {};
    const gates = Array.from({ length: 6 }, (_, i) => gate(log, `f${i}`));
    const runs = gates.map((g) => scheduler.run(flood, undefined, g.task));
    await tick();
    expect(log).toEqual(['f0', 'f1']);
    expect(scheduler.inFlight).toBe(2);
    expect(scheduler.waiting).toBe(4);
    for (const g of gates) g.release();
    expect(await Promise.all(runs)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(scheduler.inFlight).toBe(0);
    expect(scheduler.waiting).toBe(0);
  });

  it("serves another owner's call at the next free slot, ahead of the flood's queue", async () => {
    const scheduler = createFairScheduler({ limit: 2, perOwnerLimit: 2 });
    const log: string[] = [];
    const flood = {};
    const victim = {};
    const floodGates = Array.from({ length: 10 }, (_, i) => gate(log, `f${i}`));
    const floodRuns = floodGates.map((g) => scheduler.run(flood, undefined, g.task));
    const victimGate = gate(log, 'v');
    const victimRun = scheduler.run(victim, undefined, victimGate.task);
    await tick();
    expect(log).toEqual(['f0', 'f1']);
    floodGates[0]!.release();
    await tick();
    // The freed slot goes to the victim, not to f2.
    expect(log).toEqual(['f0', 'f1', 'v']);
    victimGate.release();
    expect(await victimRun).toBe('v');
    for (const g of floodGates) g.release();
    await Promise.all(floodRuns);
    expect(log.slice(3)).toEqual(['f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9']);
  });

  it('takes turns between waiting owners (round robin)', async () => {
    const scheduler = createFairScheduler({ limit: 1, perOwnerLimit: 1 });
    const log: string[] = [];
    const a = {};
    const b = {};
    const gates = [
      gate(log, 'a0'),
      gate(log, 'a1'),
      gate(log, 'a2'),
      gate(log, 'b0'),
      gate(log, 'b1'),
    ];
    const runs = [
      scheduler.run(a, undefined, gates[0]!.task),
      scheduler.run(a, undefined, gates[1]!.task),
      scheduler.run(a, undefined, gates[2]!.task),
      scheduler.run(b, undefined, gates[3]!.task),
      scheduler.run(b, undefined, gates[4]!.task),
    ];
    for (const g of gates) {
      await tick();
      g.release();
    }
    for (const g of gates) g.release();
    await Promise.all(runs);
    expect(log).toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
  });

  it('lets a waiting call leave the queue when its signal aborts, and never runs it', async () => {
    const scheduler = createFairScheduler({ limit: 1, perOwnerLimit: 1 });
    const log: string[] = [];
    const first = gate(log, 'first');
    const running = scheduler.run({}, undefined, first.task);
    const controller = new AbortController();
    const waiting = scheduler.run({}, controller.signal, gate(log, 'never').task);
    await tick();
    expect(scheduler.waiting).toBe(1);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toBeInstanceOf(SlotAborted);
    expect(scheduler.waiting).toBe(0);
    first.release();
    await running;
    await tick();
    expect(log).toEqual(['first']);
    expect(scheduler.inFlight).toBe(0);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const scheduler = createFairScheduler({ limit: 1, perOwnerLimit: 1 });
    await expect(scheduler.run({}, AbortSignal.abort(), async () => 1)).rejects.toBeInstanceOf(
      SlotAborted,
    );
  });

  it('frees the slot when a task fails', async () => {
    const scheduler = createFairScheduler({ limit: 1, perOwnerLimit: 1 });
    await expect(
      scheduler.run({}, undefined, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await scheduler.run({}, undefined, async () => 'next')).toBe('next');
    expect(scheduler.inFlight).toBe(0);
  });
});
