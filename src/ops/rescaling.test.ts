import { describe, expect, it } from 'vitest';
import { tensor } from '../tensor.ts';
import { resolveAttrs } from './attrs.ts';
import { Rescaling } from './rescaling.ts';

const attrs = (raw: Record<string, unknown>) => resolveAttrs(Rescaling, raw).attrs as any;

describe('Rescaling', () => {
  it('maps [0, 255] onto [−1, 1] with scale 1/127.5 and offset −1 (Keras docs)', () => {
    const x = tensor([1, 3], [0, 127.5, 255]);
    const y = Rescaling.reference([x], {}, attrs({ scale: 1 / 127.5, offset: -1 }));
    expect(y.shape).toEqual([1, 3]);
    expect([...y.data]).toEqual([-1, 0, 1]);
  });

  it('is the identity with the defaults and scales by 1/255 alone', () => {
    const x = tensor([1, 1, 2, 1], [51, 255]);
    expect([...Rescaling.reference([x], {}, attrs({})).data]).toEqual([51, 255]);
    expect([...Rescaling.reference([x], {}, attrs({ scale: 1 / 255 })).data]).toEqual([0.2, 1].map(Math.fround));
  });

  it('keeps any shape, has no weights and costs a multiply-add per element', () => {
    expect(Rescaling.inferShape([[224, 224, 3]], attrs({}))).toEqual([224, 224, 3]);
    expect(Rescaling.inferShape([[10]], attrs({}))).toEqual([10]);
    expect(Rescaling.weights).toBeUndefined();
    expect(Rescaling.flops([[224, 224, 3]], [224, 224, 3], attrs({}))).toBe(2 * 224 * 224 * 3);
  });

  it('reports a non-numeric scale as an attr problem', () => {
    const { problems } = resolveAttrs(Rescaling, { scale: '1/255' });
    expect(problems.map((p) => p.message)).toEqual(['Rescaling scale must be a number, got "1/255"']);
  });
});
