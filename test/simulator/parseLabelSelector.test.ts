import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../src/simulator/parseLabelSelector.js';

const ruby = { app: 'ruby', tier: 'web' };
const sample = { app: 'ruby-sample-build', template: 'x' };
const none = {};

function matches(selector: string): boolean[] {
  const predicate = parseLabelSelector(selector);
  if (typeof predicate === 'string') throw new Error(predicate);
  return [ruby, sample, none].map((labels) => predicate(labels));
}

describe('parseLabelSelector (the simulated API server)', () => {
  it('matches as apimachinery labels.Parse does', () => {
    expect(matches('')).toEqual([true, true, true]);
    expect(matches('app=ruby')).toEqual([true, false, false]);
    expect(matches('app==ruby')).toEqual([true, false, false]);
    expect(matches('app!=ruby')).toEqual([false, true, true]);
    expect(matches('app')).toEqual([true, true, false]);
    expect(matches('!app')).toEqual([false, false, true]);
    expect(matches('app in (ruby, ruby-sample-build)')).toEqual([true, true, false]);
    expect(matches('app notin (ruby)')).toEqual([false, true, true]);
    expect(matches('app,tier=web')).toEqual([true, false, false]);
    expect(matches(' app = ruby , !template ')).toEqual([true, false, false]);
  });

  it('never takes a prototype key for a label', () => {
    expect(matches('constructor')).toEqual([false, false, false]);
    expect(matches('!toString')).toEqual([true, true, true]);
  });

  it('answers what does not parse with the message of a 400', () => {
    for (const selector of [
      'app in (ruby',
      'app~=ruby',
      'a b',
      'app in ((x))',
      'app=ruby sample',
    ]) {
      expect(parseLabelSelector(selector)).toMatch(/^unable to parse requirement/);
    }
  });
});
