import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/applyFault.js';
import { createFaultSchedule } from '../../src/simulator/createFaultSchedule.js';

const UNAVAILABLE: Fault = { kind: 'unavailable' };
const RESET: Fault = { kind: 'reset' };

describe('createFaultSchedule', () => {
  it('hands a scripted fault to the next matching requests only, as many times as asked', () => {
    const schedule = createFaultSchedule();
    const rule = {
      resource: 'imagestreamimages',
      pathIncludes: '/apps/',
      fault: UNAVAILABLE,
      times: 2,
    };
    schedule.add(rule);
    expect(schedule.take('imagestreams', '/x/apps/y')).toBeUndefined();
    expect(schedule.take('imagestreamimages', '/x/openshift/y')).toBeUndefined();
    expect(schedule.take('imagestreamimages', '/x/apps/y')).toBe(UNAVAILABLE);
    expect(schedule.take('imagestreamimages', '/x/apps/y')).toBe(UNAVAILABLE);
    expect(schedule.take('imagestreamimages', '/x/apps/y')).toBeUndefined();
    expect(schedule.served).toBe(2);
    // The caller's rule is copied, not counted down.
    expect(rule.times).toBe(2);
  });

  it('applies rules in the order they were added, Infinity until cleared', () => {
    const schedule = createFaultSchedule();
    schedule.add({ fault: RESET });
    schedule.add({ fault: UNAVAILABLE, times: Infinity });
    expect([1, 2, 3].map(() => schedule.take('images', '/p'))).toEqual([
      RESET,
      UNAVAILABLE,
      UNAVAILABLE,
    ]);
    schedule.clear();
    expect(schedule.take('images', '/p')).toBeUndefined();
  });

  it('draws random faults reproducibly from the seed, for the share asked', () => {
    const draw = () => {
      const schedule = createFaultSchedule();
      schedule.setRandom({ rate: 0.3, seed: 42, faults: [UNAVAILABLE, RESET], resource: 'images' });
      const drawn = Array.from({ length: 1000 }, () => schedule.take('images', '/p'));
      expect(schedule.take('imagestreams', '/p')).toBeUndefined();
      return drawn;
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const faults = first.filter((f) => f !== undefined).length;
    expect(faults).toBeGreaterThan(240);
    expect(faults).toBeLessThan(360);
    expect(new Set(first)).toEqual(new Set([undefined, UNAVAILABLE, RESET]));
  });

  it('refuses rules it could not play, where the test writes them', () => {
    const schedule = createFaultSchedule();
    expect(() => schedule.add({ fault: UNAVAILABLE, times: 0 })).toThrow(
      'fault rule: times must be a whole number from 1, or Infinity; received 0',
    );
    expect(() => schedule.add({ fault: { kind: 'status', status: 42 } })).toThrow(
      'fault status: status must be a whole number from 100 to 599; received 42',
    );
    expect(() => schedule.add({ fault: { kind: 'plain-text', status: 1000, body: '' } })).toThrow(
      'received 1000',
    );
    expect(() => schedule.add({ fault: { kind: 'rate-limit', retryAfterSeconds: -1 } })).toThrow(
      'fault rate-limit: retryAfterSeconds must be a whole number from 0; received -1',
    );
    expect(() => schedule.add({ fault: { kind: 'delay', ms: Number.NaN } })).toThrow(
      'fault delay: ms must be a finite number from 0; received NaN',
    );
    expect(() => schedule.setRandom({ rate: 1.5, seed: 1, faults: [RESET] })).toThrow(
      'random faults: rate must be from 0 to 1; received 1.5',
    );
    expect(() => schedule.setRandom({ rate: 0.5, seed: 1, faults: [] })).toThrow(
      'random faults: a rate above 0 needs at least one fault',
    );
    expect(schedule.take('images', '/p')).toBeUndefined();
  });
});
