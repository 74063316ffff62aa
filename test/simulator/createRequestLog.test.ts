import { describe, expect, it } from 'vitest';
import { createRequestLog } from '../../src/simulator/createRequestLog.js';

describe('createRequestLog', () => {
  it('counts exactly per resource and in total, whatever it keeps of the records', () => {
    const log = createRequestLog(4);
    for (let i = 0; i < 10; i += 1)
      log.record('GET', `/p/${i}`, i % 2 === 0 ? 'imagestreams' : 'images');
    expect(log.count('imagestreams')).toBe(5);
    expect(log.count('images')).toBe(5);
    expect(log.count()).toBe(10);
    expect(log.counts()).toEqual({ imagestreams: 5, images: 5, '*': 10 });
    // The oldest half goes at once when full: records stay between maxRecords/2 and maxRecords.
    expect(log.records.map((r) => r.path)).toEqual(['/p/6', '/p/7', '/p/8', '/p/9']);
  });

  it('resets counts and records, keeping the same records array', () => {
    const log = createRequestLog(10);
    const records = log.records;
    log.record('GET', '/a', 'images');
    log.reset();
    expect(log.count()).toBe(0);
    expect(log.records).toBe(records);
    expect(records).toEqual([]);
  });
});
