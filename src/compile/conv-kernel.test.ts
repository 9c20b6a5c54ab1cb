// The conv kernel choice as a table: geometry and device options in, kernel out.
import { describe, expect, it } from 'vitest';
import { chooseConvKernel, type ConvGeometry, type ConvKernelOptions } from './conv-kernel.ts';

const conv = (over: Partial<ConvGeometry> = {}): ConvGeometry => ({
  C: 64, OC: 64, groups: 1, kernelSize: [3, 3], strides: [1, 1], dilation: [1, 1], input: { stride: 64, offset: 0 }, output: [1, 56, 56], ...over,
});
const GPU: ConvKernelOptions = { convKernel: 'gemm', subgroups: true };
const CPU_QUADS: ConvKernelOptions = { convKernel: 'direct', subgroups: true };
const CPU_PLAIN: ConvKernelOptions = { convKernel: 'direct', subgroups: false };

describe('chooseConvKernel', () => {
  it.each<[string, ConvGeometry, ConvKernelOptions, string, false | 2 | 4]>([
    ['a 3×3 on a GPU: the GEMM', conv(), GPU, 'conv2dGemm', false],
    ['the 64×64 GEMM', conv(), { ...GPU, convKernel: 'gemm64' }, 'conv2dGemm64', false],
    ['the 64×64 GEMM on an RGB stem (scalar loads, same kernel)', conv({ C: 3, kernelSize: [7, 7], strides: [2, 2], input: { stride: 3, offset: 0 } }), { ...GPU, convKernel: 'gemm64' }, 'conv2dGemm64', false],
    ['depthwise under gemm64: its own kernel', conv({ C: 32, OC: 64, groups: 32 }), { ...GPU, convKernel: 'gemm64' }, 'depthwiseConv2d', false],
    ['the 64×64 GEMM where the device cannot build it: the 32×32 one', conv(), { ...GPU, convKernel: 'gemm64', avoidKernels: new Set(['conv2dGemm64']) }, 'conv2dGemm', false],
    ['neither GEMM builds: naive', conv(), { ...GPU, convKernel: 'gemm64', avoidKernels: new Set(['conv2dGemm64', 'conv2dGemm']) }, 'conv2dNaive', false],
    ['forced naive', conv(), { ...GPU, convKernel: 'naive' }, 'conv2dNaive', false],
    ['direct without subgroups (wgpu)', conv(), CPU_PLAIN, 'conv2dDirect', false],
    ['direct with subgroups: quad16', conv(), { ...CPU_QUADS, winograd: false }, 'conv2dDirectQuad16', false],
    ['8 filters or fewer: conv2d-direct (quad16 would pad them to 32)', conv({ OC: 8 }), { ...CPU_QUADS, winograd: true }, 'conv2dDirect', false],
    ['9 filters: quad16', conv({ OC: 9 }), { ...CPU_QUADS, winograd: false }, 'conv2dDirectQuad16', false],
    ['8 filters over an RGB stem: quad16 for its ROW loads', conv({ C: 1, OC: 8, input: { stride: 1, offset: 0 } }), CPU_QUADS, 'conv2dDirectQuad16', false],
    ['8 filters under the GEMM: the GEMM', conv({ OC: 8 }), GPU, 'conv2dGemm', false],
    ['the 8-pixel quad kernel needs whole quads of filters', conv({ OC: 48 }), { ...CPU_QUADS, quadPixels: 8 }, 'conv2dDirect', false],
    ['the 8-pixel quad kernel', conv({ OC: 64 }), { ...CPU_QUADS, quadPixels: 8 }, 'conv2dDirectQuad', false],
    ['Winograd where affordable, the policy\'s tile', conv(), { ...CPU_QUADS, plannedWinogradTile: 2 }, 'conv2dDirectQuad16', 2],
    ['no Winograd where not affordable', conv(), CPU_QUADS, 'conv2dDirectQuad16', false],
    ['Winograd forced on: the faster tile, F(4×4) on 56×56', conv(), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', 4],
    ['Winograd forced on: F(2×2) on 7×7', conv({ output: [1, 7, 7] }), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', 2],
    ['a tile pinned for every conv', conv(), { ...CPU_QUADS, plannedWinogradTile: 4, winogradTile: 2 }, 'conv2dDirectQuad16', 2],
    ['F(2×2) where F(4×4)\'s transforms do not build', conv(), { ...CPU_QUADS, plannedWinogradTile: 4, avoidKernels: new Set(['winograd4Output']) }, 'conv2dDirectQuad16', 2],
    ['Winograd forced off', conv(), { ...CPU_QUADS, winograd: false, plannedWinogradTile: 4 }, 'conv2dDirectQuad16', false],
    ['no Winograd for stride 2', conv({ strides: [2, 2] }), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', false],
    ['no Winograd for dilation', conv({ dilation: [2, 2] }), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', false],
    ['no Winograd for 5×5', conv({ kernelSize: [5, 5] }), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', false],
    ['no Winograd on a slice at an odd channel offset', conv({ input: { stride: 67, offset: 3 } }), { ...CPU_QUADS, winograd: true }, 'conv2dDirectQuad16', false],
    ['no Winograd without subgroups', conv(), { ...CPU_PLAIN, winograd: true }, 'conv2dDirect', false],
    ['depthwise', conv({ C: 32, OC: 64, groups: 32 }), GPU, 'depthwiseConv2d', false],
    ['grouped, 4 channels a group', conv({ C: 128, OC: 128, groups: 32 }), GPU, 'conv2dGrouped', false],
    ['grouped, 2 channels a group: naive', conv({ C: 64, OC: 64, groups: 32 }), GPU, 'conv2dNaive', false],
    ['the GEMM where the device cannot build it: naive', conv(), { ...GPU, avoidKernels: new Set(['conv2dGemm']) }, 'conv2dNaive', false],
    ['no Winograd where one of its kernels does not build', conv(), { ...CPU_QUADS, winograd: true, avoidKernels: new Set(['winogradGemm']) }, 'conv2dDirectQuad16', false],
    ['grouped where the device cannot build it: naive', conv({ C: 128, OC: 128, groups: 32 }), { ...GPU, avoidKernels: new Set(['conv2dGrouped']) }, 'conv2dNaive', false],
  ])('%s', (_name, geometry, options, kernel, tile) => {
    const choice = chooseConvKernel(geometry, options);
    expect(choice).toMatchObject({ kernel, winograd: tile !== false });
    expect(choice.winogradTile).toBe(tile === false ? undefined : tile);
  });

  it('reads an RGB stem\'s window rows as one tap with the quad kernel, only when the input is contiguous', () => {
    const stem = conv({ C: 3, OC: 64, kernelSize: [7, 7], strides: [2, 2], input: { stride: 3, offset: 0 } });
    expect(chooseConvKernel(stem, CPU_QUADS)).toMatchObject({ kernel: 'conv2dDirectQuad16', row: true });
    expect(chooseConvKernel({ ...stem, input: { stride: 6, offset: 3 } }, CPU_QUADS).row).toBe(false);
    expect(chooseConvKernel(stem, CPU_PLAIN).row).toBe(false);
    // A conv with an input prologue (conv2d-prologue.wgsl) reads its taps one by one: the prologue is per channel.
    expect(chooseConvKernel({ ...stem, prologue: true }, CPU_QUADS)).toMatchObject({ kernel: 'conv2dDirectQuad16', row: false });
  });

  it('the register-tiled kernels are the direct family and the grouped one', () => {
    expect(chooseConvKernel(conv(), CPU_PLAIN).registerTiled).toBe(true);
    expect(chooseConvKernel(conv({ C: 128, OC: 128, groups: 32 }), GPU).registerTiled).toBe(true);
    expect(chooseConvKernel(conv(), GPU).registerTiled).toBe(false);
    expect(chooseConvKernel(conv(), { ...GPU, convKernel: 'gemm64' }).registerTiled).toBe(false);
  });
});
