import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../tensor.ts';
import { AUGMENT_PARAMS, applyAugmentation, augmentParams, cpuAugmenter } from './augment.ts';

/** A batch whose every value says where it came from: b·1000 + y·100 + x·10 + c. */
function labelled(B: number, H: number, W: number, C: number): Tensor {
  const t = tensor([B, H, W, C]);
  for (let b = 0; b < B; b++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) t.data[((b * H + y) * W + x) * C + c] = b * 1000 + y * 100 + x * 10 + c;
  return t;
}

/** The definition, pixel by pixel: out[y][x] = flipped[y − dy][x − dx], fill outside. */
function reference(x: Tensor, params: Int32Array, fill: number): Tensor {
  const [B, H, W, C] = x.shape;
  const out = tensor(x.shape);
  for (let b = 0; b < B; b++) {
    const [fh, fv, dy, dx] = params.subarray(b * 4, b * 4 + 4);
    for (let y = 0; y < H; y++) for (let xo = 0; xo < W; xo++) for (let c = 0; c < C; c++) {
      let sy = y - dy, sx = xo - dx;
      const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
      if (fv) sy = H - 1 - sy;
      if (fh) sx = W - 1 - sx;
      out.data[((b * H + y) * W + xo) * C + c] = inside ? x.data[((b * H + sy) * W + sx) * C + c] : fill;
    }
  }
  return out;
}

describe('applyAugmentation', () => {
  it('flips and shifts as defined, for every combination, with zero or another fill', () => {
    const x = labelled(1, 4, 5, 2);
    for (const fh of [0, 1]) for (const fv of [0, 1]) for (const dy of [-2, 0, 1, 4]) for (const dx of [-5, -1, 0, 3]) for (const fill of [0, -1]) {
      const params = Int32Array.from([fh, fv, dy, dx]);
      expect(String(applyAugmentation(x, params, fill).data), `${fh} ${fv} ${dy} ${dx} ${fill}`).toBe(String(reference(x, params, fill).data));
    }
  });

  it('a horizontal flip mirrors each row; a shift down by 1 fills the top row', () => {
    const x = tensor([1, 2, 3, 1], [1, 2, 3, 4, 5, 6]);
    expect([...applyAugmentation(x, Int32Array.from([1, 0, 0, 0])).data]).toEqual([3, 2, 1, 6, 5, 4]);
    expect([...applyAugmentation(x, Int32Array.from([0, 0, 1, 0])).data]).toEqual([0, 0, 0, 1, 2, 3]);
    expect([...applyAugmentation(x, Int32Array.from([0, 0, 0, -1]), 9).data]).toEqual([2, 3, 9, 5, 6, 9]);
  });

  it('leaves the input alone and refuses what is not a batch of images', () => {
    const x = labelled(2, 2, 2, 1);
    const before = [...x.data];
    applyAugmentation(x, Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1]));
    expect([...x.data]).toEqual(before);
    expect(() => applyAugmentation(tensor([2, 4]), new Int32Array(8))).toThrow('this batch is 2×4');
    expect(() => applyAugmentation(x, new Int32Array(4))).toThrow('1 augmentation parameter sets for a batch of 2');
  });
});

describe('augmentParams', () => {
  it('draws per sample: the same sample gets the same transform in any batch, another epoch another one', () => {
    const aug = { flip: 'horizontal_and_vertical', shift: { pad: 3 } } as const;
    const all = augmentParams(aug, [0, 1, 2, 3, 4, 5, 6, 7], 11, 0);
    const some = augmentParams(aug, [6, 2], 11, 0);
    expect([...some]).toEqual([...all.subarray(24, 28), ...all.subarray(8, 12)]);
    expect(augmentParams(aug, [0, 1, 2, 3, 4, 5, 6, 7], 11, 0)).toEqual(all);
    expect(augmentParams(aug, [0, 1, 2, 3, 4, 5, 6, 7], 11, 1)).not.toEqual(all);
    expect(augmentParams(aug, [0, 1, 2, 3, 4, 5, 6, 7], 12, 0)).not.toEqual(all);
  });

  it('flips about half, shifts uniformly over −pad … pad, only on the axes asked for', () => {
    const n = 4000;
    const ids = Array.from({ length: n }, (_, i) => i);
    const p = augmentParams({ flip: 'horizontal', shift: { pad: [2, 0] } }, ids, 3, 0);
    let flips = 0, others = 0;
    const dys = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      flips += p[k * AUGMENT_PARAMS];
      others += Math.abs(p[k * AUGMENT_PARAMS + 1]) + Math.abs(p[k * AUGMENT_PARAMS + 3]); // no vertical flip, padW 0
      dys.set(p[k * AUGMENT_PARAMS + 2], (dys.get(p[k * AUGMENT_PARAMS + 2]) ?? 0) + 1);
    }
    expect(others).toBe(0);
    expect(Math.abs(flips - n / 2)).toBeLessThan(130); // 4 standard deviations
    expect([...dys.keys()].sort()).toEqual([-1, -2, 0, 1, 2].sort());
    for (const count of dys.values()) expect(Math.abs(count - n / 5)).toBeLessThan(110);
    // enabling the shift leaves the flips as they were
    expect(String(augmentParams({ flip: 'horizontal' }, ids, 3, 0).filter((_, j) => j % 4 === 0))).toBe(String(p.filter((_, j) => j % 4 === 0)));
  });

  it('nothing asked, nothing changes; bad options are refused when the augmenter is made', () => {
    expect([...augmentParams({}, [0, 1], 1, 0)]).toEqual(new Array(8).fill(0));
    expect(() => cpuAugmenter({ flip: 'diagonal' as 'horizontal' }, 0)).toThrow("unknown flip mode 'diagonal'");
    expect(() => cpuAugmenter({ shift: { pad: -1 } }, 0)).toThrow('shift padding -1 must be whole numbers ≥ 0');
    expect(() => cpuAugmenter({ shift: { pad: [1, 0.5] } }, 0)).toThrow('shift padding [1,0.5]');
  });
});

describe('cpuAugmenter', () => {
  it('augments a batch: the shifted images hold the fill where the shift uncovered them', () => {
    const augmenter = cpuAugmenter({ flip: 'horizontal', shift: { pad: 1, fill: -5 } }, 0);
    const x = labelled(16, 4, 4, 3);
    const ids = Array.from({ length: 16 }, (_, i) => 100 + i);
    const out = augmenter.augment(x, ids, 2);
    expect(out).toEqual(reference(x, augmentParams({ flip: 'horizontal', shift: { pad: 1 } }, ids, 0, 2), -5));
    expect(out.data.some((v) => v === -5)).toBe(true);
    expect(augmenter.augment(x, ids, 2)).toEqual(out);
  });
});
