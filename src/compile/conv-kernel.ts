// Which kernel runs a conv, as one pure function of its geometry and the device's options (as tfjs's
// Conv2D_impl and ONNX Runtime's ops/conv.ts decide): the naive kernel where forced or where nothing
// faster applies; for groups = 1 a GEMM (workgroup-memory tiles, what GPUs favour: 32×32 tiles, or
// 64×64 with bigger register blocks and double buffering for big discrete GPUs) or the direct
// register-tiled family (what CPU-like adapters favour: conv2d-direct, or with `subgroups` the quad
// kernels that share input loads across a quad); depthwise and grouped convs their own kernels; and
// Winograd for 3×3 stride-1 convs where the quad kernel runs, with its tile (winograd.ts: the memory
// policy's, else the faster one; F(2×2) where F(4×4)'s transforms do not build). conv-kernel.test.ts is its table.
import type { KernelName } from './kernels.ts';
import { fasterWinogradTile, type WinogradTile } from './winograd.ts';

/** 'gemm': conv2d-gemm (32×32 tiles); 'gemm64': conv2d-gemm64 (64×64 tiles, for big GPUs); 'direct': register tiles; 'naive': the spec. */
export type ConvKernel = 'gemm' | 'gemm64' | 'direct' | 'naive';

/** The GEMM kernels and the output tile (pixels × channels, square) each workgroup computes. */
export const GEMM_TILE = { conv2dGemm: 32, conv2dGemm64: 64 } as const;
export type GemmKernel = keyof typeof GEMM_TILE;
export const isGemmKernel = (k: KernelName): k is GemmKernel => k in GEMM_TILE;

/** What the choice depends on: the conv's channels, groups and window, and how its input is laid out. */
export interface ConvGeometry {
  C: number;
  OC: number;
  groups: number;
  kernelSize: [number, number];
  strides: [number, number];
  dilation: [number, number];
  /** The input's channel stride and offset in floats (a concat slice has a stride above C). */
  input: { stride: number; offset: number };
  /** An input prologue applies to each loaded value (conv2d-prologue.wgsl): no ROW loads, no Winograd. */
  prologue?: boolean;
  /** Images, output height and width: what Winograd's faster tile depends on. */
  output: [number, number, number];
}

export interface ConvKernelOptions {
  /** The kernel for convs with groups = 1 (default 'gemm'); 'naive' forces the spec kernel for every conv. */
  convKernel?: ConvKernel;
  /** The device has `subgroups`. */
  subgroups?: boolean;
  /** Pixels per invocation of the quad kernel: 16 (default) or 8. */
  quadPixels?: 8 | 16;
  /** Winograd: true for every eligible conv, false for none, undefined where the memory policy gave it a tile. */
  winograd?: boolean;
  /** The tile the memory policy gave this conv (winograd.ts winogradPlan); none: Winograd is not affordable. */
  plannedWinogradTile?: WinogradTile;
  /** One tile for every Winograd conv (LowerOptions.winogradTile: tests and benchmarks). */
  winogradTile?: WinogradTile;
  /** Kernels the device failed to build: the naive conv (the spec, the simplest WGSL) takes their convs. */
  avoidKernels?: ReadonlySet<KernelName>;
}

const WINOGRAD_KERNELS: KernelName[] = ['winogradInput', 'winogradGemm', 'winogradOutput'];
const WINOGRAD4_KERNELS: KernelName[] = ['winograd4Input', 'winograd4Output'];

export interface ConvKernelChoice {
  /** The kernel of the conv's dispatch (for Winograd: the direct kernel it replaces). */
  kernel: KernelName;
  /** Three dispatches per chunk of tiles instead (winograd-input, winograd-gemm, winograd-output, or F(4×4)'s). */
  winograd: boolean;
  /** With `winograd`, its tile. */
  winogradTile?: WinogradTile;
  /** The direct family or the grouped kernel: outputs in registers, 4 input channels a step. */
  registerTiled: boolean;
  /** conv2d-direct-quad16: 16 pixels an invocation, filters padded to whole quads of 8-filter blocks. */
  quad16: boolean;
  /** Few channels (an RGB stem): a window row of KW·C contiguous floats is read as one tap. */
  row: boolean;
}

export function chooseConvKernel(g: ConvGeometry, options: ConvKernelOptions): ConvKernelChoice {
  const { C, OC, groups, kernelSize, strides, dilation, input, prologue } = g;
  const choice = options.convKernel ?? 'gemm';
  const rowLoads = !prologue && C % 4 !== 0 && C <= 16 && kernelSize[1] > 1 && dilation[1] === 1 && input.stride === C;
  const direct: KernelName = !options.subgroups ? 'conv2dDirect'
    : options.quadPixels === 8 ? (OC % 32 === 0 ? 'conv2dDirectQuad' : 'conv2dDirect')
    // quad16 pads the filters to a quad's four 8-filter blocks: a conv of 8 or fewer would do 4× its
    // multiply-adds, so conv2d-direct (one block) takes it, unless its few channels want ROW loads.
    // Measured on SwiftShader: fashion-resnet's training step (8-filter convs at 28×28) 17% faster.
    : OC <= 8 && !rowLoads ? 'conv2dDirect'
    : 'conv2dDirectQuad16';
  const CG = C / groups, OCG = OC / groups;
  const preferred: KernelName = choice === 'naive' ? 'conv2dNaive'
    : groups === 1 ? (choice === 'direct' ? direct : choice === 'gemm64' ? 'conv2dGemm64' : 'conv2dGemm')
    : groups === C && OC % C === 0 ? 'depthwiseConv2d'
    : CG % 4 === 0 && OCG % 4 === 0 ? 'conv2dGrouped' : 'conv2dNaive';
  const avoid = options.avoidKernels;
  // The 64×64 GEMM falls back to the 32×32 one first: same weights, same contract, far faster than naive.
  const fallback: KernelName = preferred === 'conv2dGemm64' && !avoid?.has('conv2dGemm') ? 'conv2dGemm' : 'conv2dNaive';
  const kernel: KernelName = avoid?.has(preferred) ? fallback : preferred;
  const quad16 = kernel === 'conv2dDirectQuad16';
  // Winograd's input transform reads whole vec4s of channels.
  const winograd = !prologue && quad16 && C % 4 === 0 && input.stride % 4 === 0 && input.offset % 4 === 0 && options.winograd !== false
    && kernelSize.every((k) => k === 3) && strides.every((k) => k === 1) && dilation.every((k) => k === 1)
    && (options.winograd === true || options.plannedWinogradTile !== undefined) && !WINOGRAD_KERNELS.some((k) => avoid?.has(k));
  const winogradTile = !winograd ? undefined : WINOGRAD4_KERNELS.some((k) => avoid?.has(k)) ? 2
    : options.winogradTile ?? options.plannedWinogradTile ?? fasterWinogradTile(...g.output);
  return { kernel, winograd, ...(winogradTile ? { winogradTile } : {}), registerTiled: kernel === direct || kernel === 'conv2dGrouped', quad16, row: quad16 && rowLoads };
}
