// The weight layouts of the fast conv kernels: packConvWeights (the reference of the GPU's
// conv2d-pack-weights.wgsl, which packs them each step where a trainer updates the weights) makes
// exactly what the compile-time packers make, and its transposed form is the input gradient's kernel.
import { describe, expect, it } from 'vitest';
import { packConvWeights, packDirect, packGemm, packGrouped } from './pack.ts';

const kernelOf = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 5);

describe('packConvWeights', () => {
  for (const [KH, KW, C, OC] of [[3, 3, 5, 7], [1, 1, 16, 33], [3, 3, 32, 64], [5, 3, 3, 10], [1, 7, 6, 12]]) {
    const k = kernelOf(KH * KW * C * OC);
    it(`is packDirect, packGemm and packGrouped for ${KH}×${KW}×${C}→${OC}`, () => {
      const blocks = Math.ceil(OC / 32) * 4;
      expect(packConvWeights(k, KH, KW, C, OC, { B: 8, Cp: Math.ceil(C / 4) * 4, blocks, row: false })).toEqual(packDirect(k, KH, KW, C, OC, blocks));
      // ROW: a window row of KW·C channels is one tap.
      expect(packConvWeights(k, KH, KW, C, OC, { B: 8, Cp: Math.ceil((KW * C) / 4) * 4, blocks, row: true })).toEqual(packDirect(k, KH, 1, KW * C, OC, blocks));
      expect(packConvWeights(k, KH, KW, C, OC, { B: Math.ceil(OC / 4) * 4, Cp: C, blocks: 1, row: false })).toEqual(packGemm(k, KH * KW * C, OC));
      if (OC % 4 === 0) expect(packConvWeights(k, KH, KW, C, OC, { B: 4, Cp: C, blocks: OC / 4, row: false })).toEqual(packGrouped(k, KH, KW, C, OC));
    });
  }

  it('transposed: the kernel flipped in both axes with C and OC swapped, in any layout', () => {
    const [KH, KW, C, OC] = [3, 2, 5, 6];
    const k = kernelOf(KH * KW * C * OC);
    const keras = packConvWeights(k, KH, KW, C, OC, { B: C, Cp: OC, blocks: 1, row: false }, true);
    for (let ky = 0; ky < KH; ky++)
      for (let kx = 0; kx < KW; kx++)
        for (let c = 0; c < C; c++)
          for (let o = 0; o < OC; o++)
            expect(keras[((ky * KW + kx) * OC + o) * C + c]).toBe(k[(((KH - 1 - ky) * KW + (KW - 1 - kx)) * C + c) * OC + o]);
    // Every layout of the transposed kernel is that layout of the Keras-layout transposed kernel.
    expect(packConvWeights(k, KH, KW, C, OC, { B: 8, Cp: 8, blocks: 4, row: false }, true)).toEqual(packDirect(keras, KH, KW, OC, C, 4));
    expect(packConvWeights(k, KH, KW, C, OC, { B: 8, Cp: 12, blocks: 4, row: true }, true)).toEqual(packDirect(keras, KH, 1, KW * OC, C, 4));
    expect(packConvWeights(k, KH, KW, C, OC, { B: 8, Cp: OC, blocks: 1, row: false }, true)).toEqual(packGemm(keras, KH * KW * OC, C));
  });
});
