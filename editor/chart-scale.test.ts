import { describe, expect, it } from 'vitest';
import { finiteExtent, formatTick, linearScale, niceDomain, niceTicks, tickStep, xPosition } from './chart-scale.ts';

describe('linearScale', () => {
  it('maps the domain onto the range and back, an inverted range included (SVG y grows downwards)', () => {
    const y = linearScale([0, 2], [100, 0]);
    expect([y(0), y(1), y(2)]).toEqual([100, 50, 0]);
    expect(y.invert(25)).toBe(1.5);
  });
  it('puts a zero-width domain in the middle of the range', () => {
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });
});

describe('ticks', () => {
  it('steps by 1, 2 or 5 × 10^k', () => {
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 2.3, 5)).toBe(0.5);
    expect(tickStep(0, 56, 5)).toBe(10);
    expect(tickStep(0, 1700, 5)).toBe(500);
  });
  it('lists the multiples of the step inside the domain, without float creep', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.37, 2.31, 5)).toEqual([0.5, 1, 1.5, 2]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(1, 1)).toEqual([1]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });
  it('widens a domain to whole steps', () => {
    expect(niceDomain(0.37, 2.31, 5)).toEqual([0, 2.5]);
    expect(niceDomain(0.62, 0.81, 4)).toEqual([0.6, 0.85]);
    expect(niceDomain(2, 2)).toEqual([0, 2]);
    expect(niceDomain(0, 0)).toEqual([0, 1]);
  });
  it('labels ticks with the decimals the step needs', () => {
    expect(formatTick(0.5, 0.5)).toBe('0.5');
    expect(formatTick(0.25, 0.05)).toBe('0.25');
    expect(formatTick(2000, 500)).toBe('2000');
  });
  it('takes the extent of the finite values only (a diverged loss is NaN or Infinity)', () => {
    expect(finiteExtent([2.3, NaN, 0.4, Infinity, 1])).toEqual([0.4, 2.3]);
    expect(finiteExtent([NaN])).toBeNull();
  });
});

describe('x positions', () => {
  // Two epochs of 4 batches, the second stopped after 2.
  const batches = [1, 2, 3, 4, 5, 6].map((step) => ({ step, epoch: step <= 4 ? 1 : 2, batch: step <= 4 ? step : step - 4 }));
  it('put points at their step, or at the fraction of epochs done', () => {
    const byStep = xPosition({ batches }, 'step');
    expect(batches.map(byStep.batch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byStep.epoch({ step: 4, epoch: 1 })).toBe(4);
    const byEpoch = xPosition({ batches }, 'epoch');
    expect(batches.map(byEpoch.batch)).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(byEpoch.epoch({ step: 4, epoch: 1 })).toBe(1);
    expect(byEpoch.epoch({ step: 6, epoch: 2 })).toBe(1.5); // a stopped epoch's mean where it stopped
  });
});
