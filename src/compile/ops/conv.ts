// The conv family — Conv2D, DepthwiseConv2D, SeparableConv2D and Dense (a 1×1 conv) — with its fused
// epilogue (fusion.ts ConvGroup: BatchNormalization folded into the weights, the activation, the
// residual Add and the activation after it) and its prologue (an affine op or a pool applied to each
// value it loads: fusion.ts rules 4 and 7). The kernel is chooseConvKernel's (conv-kernel.ts); this
// module packs the weights for it (at compile time, or on the GPU each run where a trainer updates
// them there) and emits its steps: one dispatch, or Winograd's three per chunk of tiles, or a GEMM's
// (conv2d-gemm or conv2d-gemm64) two when K is split. A trainer's input gradient is such a conv too
// (convDispatch, `transpose`).
import type { NodeReport } from '../../graph/analyze.ts';
import type { Conv2DAttrs } from '../../ops/conv2d.ts';
import type { AveragePool2DAttrs } from '../../ops/average-pool2d.ts';
import type { DenseAttrs } from '../../ops/dense.ts';
import { window2d, type Padding } from '../../ops/geometry.ts';
import type { SeparableConv2DAttrs } from '../../ops/separable-conv2d.ts';
import { activationCode, activationOf, activationOverrides, LINEAR, type ActivationCode } from '../activation-codes.ts';
import { attrsOf, type LoweringContext } from '../context.ts';
import { chooseConvKernel, GEMM_TILE, isGemmKernel, type GemmKernel } from '../conv-kernel.ts';
import type { ConvGroup, InputAffine, InputPool } from '../fusion.ts';
import { KERNELS } from '../kernels.ts';
import { packConvWeights, packDirect, packGemm, packGrouped, packWinograd, type PackLayout } from '../pack.ts';
import { winogradTiles, type WinogradTile } from '../winograd.ts';
import { pixelView, type Binding, type View } from '../plan.ts';
import { affineScaleShift, bnScaleShift } from './affine.ts';
import { softmaxInto } from './softmax.ts';

/** GEMM workgroups (of either tile size) that keep a big GPU busy (an H200 has 132 multiprocessors): fewer tiles split K. */
export const GEMM_BUSY_WORKGROUPS = 256;
/** Least K per split: shorter shares spend more on the partial sums than they save. */
const GEMM_MIN_SPLIT_K = 256;

/** SeparableConv2D's depthwise half, by name: kept where the compile's `keep` lists it (training reads it). */
export const separableDepthwiseId = (id: string) => `${id}/depthwise`;

/** Every conv kernel's attrs: what any member of the family may set. */
type ConvAttrs = Partial<Conv2DAttrs & SeparableConv2DAttrs & DenseAttrs> & { activation: string; use_bias: boolean };

/** A conv's dimensions as its kernels' uniform fields take them (shaders' `struct Params`). */
export interface ConvDims {
  N: number; H: number; W: number; C: number;
  OH: number; OW: number; OC: number;
  kernelSize: [number, number]; strides: [number, number]; dilation: [number, number];
  padTop: number; padLeft: number;
  /** Input and output as pixels with a channel stride, from an offset. */
  x: { stride: number; offset: number };
  y: { stride: number; offset: number };
}

/** The residual operand of a fused Add, or nothing. */
export interface Residual {
  stride: number;
  offset: number;
  binding: Binding;
}

function convParams(d: ConvDims, extra: Record<string, number> = {}): Record<string, number> {
  return {
    N: d.N, H: d.H, W: d.W, C: d.C, xStride: d.x.stride, xOffset: d.x.offset, OH: d.OH, OW: d.OW, OC: d.OC,
    yStride: d.y.stride, yOffset: d.y.offset, rStride: 0, rOffset: 0,
    KH: d.kernelSize[0], KW: d.kernelSize[1], SH: d.strides[0], SW: d.strides[1], DH: d.dilation[0], DW: d.dilation[1],
    padTop: d.padTop, padLeft: d.padLeft, ...extra,
  };
}

/**
 * A conv group's dispatches; with sibling groups (fusion.ts rule 6: the same input, geometry and
 * epilogue) one conv computes them all, their filters side by side, into the output their tensors are
 * channel slices of.
 */
export function lowerConvGroup(members: readonly ConvGroup[], ctx: LoweringContext, winogradTile: WinogradTile | undefined): void {
  const g = members[0];
  const conv = g.conv;
  const a = attrsOf<ConvAttrs>(conv);
  const w = ctx.weights(conv.id);
  const { id: inputId, pad: [[padT, padB], [padL, padR]] } = ctx.paddedInput(conv);
  // An affine op folded into this conv's loads (fusion.ts foldInputAffines): read what it reads.
  const inputAffine = ctx.fusion.inputAffines.get(conv.id);
  // Or a pool (fusion.ts foldInputPools): read the pool's input, pixel for pixel.
  const inputPool = ctx.fusion.inputPools.get(conv.id);
  const xv = ctx.input(inputAffine?.source ?? inputPool?.source ?? inputId);
  let [N, H, W, C] = xv.shape;
  if (conv.op === 'Dense') {
    // Dense is a 1×1 conv over every position of the leading axes.
    C = xv.shape[xv.shape.length - 1];
    H = xv.shape.slice(1, -1).reduce((p, d) => p * d, 1);
    W = 1;
  }
  let x = ctx.pixels(conv.id, xv);
  let xBinding = x.binding;
  // The input prologue goes to the step that reads the input: a SeparableConv2D's depthwise half.
  const prologue = inputAffine && inputPrologue(inputAffine, ctx);

  if (conv.op === 'SeparableConv2D') {
    // The depthwise half into a scratch buffer, then the pointwise half as a 1×1 conv with the epilogue.
    const [wh, ww] = window2d('SeparableConv2D', [H, W, C], a.kernel_size!, a.strides!, a.dilation_rate!, a.padding as Padding);
    const DM = a.depth_multiplier!;
    const mid = ctx.intermediate(conv.id, separableDepthwiseId(conv.id), [wh.out, ww.out, C * DM]);
    const { overrides, bindings } = prologueSteps(ctx, prologue);
    ctx.step({
      node: conv.id, kernel: 'depthwiseConv2d', overrides,
      bindings: { x: xBinding, w: ctx.constant(w.depthwise_kernel.data), bias: { kind: 'none' }, residual: { kind: 'none' }, y: { kind: 'view', view: mid }, ...bindings },
      params: convParams({
        N, H, W, C, x, OH: wh.out, OW: ww.out, OC: C * DM, y: pixelView(mid)!,
        kernelSize: a.kernel_size!, strides: a.strides!, dilation: a.dilation_rate!, padTop: wh.padBefore, padLeft: ww.padBefore,
      }, { DM }),
      workgroups: Math.ceil((N * wh.out * ww.out * C * DM) / 64),
    });
    [H, W, C] = [wh.out, ww.out, C * DM];
    x = ctx.pixels(conv.id, mid);
    xBinding = x.binding;
  }

  const pointwise = conv.op === 'Dense' || conv.op === 'SeparableConv2D';
  const kernelSize: [number, number] = pointwise ? [1, 1] : a.kernel_size!;
  const strides: [number, number] = pointwise ? [1, 1] : a.strides!;
  const dilation: [number, number] = pointwise ? [1, 1] : a.dilation_rate!;
  const [wh, ww] = window2d(conv.op, [H + padT + padB, W + padL + padR, C], kernelSize, strides, dilation, pointwise ? 'valid' : (a.padding as Padding));
  wh.padBefore += padT;
  ww.padBefore += padL;
  const ownOC = conv.op === 'DepthwiseConv2D' ? C * a.depth_multiplier! : conv.op === 'Dense' ? a.units! : a.filters!;
  const groups = conv.op === 'DepthwiseConv2D' ? C : (a.groups ?? 1);
  const parts = members.map((m) => foldedWeights(m, ctx, m === g ? ownOC : attrsOf<ConvAttrs>(m.conv).filters!));
  const { kernel, bias, OC } = parts.length === 1 ? parts[0] : filtersSideBySide(parts);
  if (parts.length > 1 && ctx.options.packOnDevice) throw new Error(`internal: ${conv.id}: sibling convs merged into weights that change on the device`);
  const own = activationCode(a.activation);
  const act = g.act ? activationOf(g.act)! : own ?? LINEAR;
  // The siblings' slices follow the first one's in one buffer: the dispatch writes all their channels.
  const first = ctx.output(g.final);
  const yv = members.length === 1 ? first : { ...first, shape: [...first.shape.slice(0, -1), OC] };
  const r: Residual = g.residual !== undefined ? ctx.pixels(conv.id, ctx.input(g.residual)) : { stride: 0, offset: 0, binding: { kind: 'none' } };
  // A softmax activation is not elementwise: the conv writes logits to scratch, softmax follows.
  const logits = own === null ? ctx.contiguous(conv.id, yv.shape.slice(1)) : yv;
  const out = own === null ? pixelView(logits)! : pixelView(yv)!;
  const dims: ConvDims = { N, H, W, C, x, OH: wh.out, OW: ww.out, OC, y: out, kernelSize, strides, dilation, padTop: wh.padBefore, padLeft: ww.padBefore };
  // What the conv's epilogue takes in: its step (the last, where it has several) carries their ids.
  const fused = [inputAffine?.affine, inputAffine?.act, inputPool?.pool, g.bn, g.act, g.add, g.post, ...members.slice(1).flatMap((m) => [m.conv, m.bn, m.act])]
    .filter((m): m is NodeReport => !!m).map((m) => m.id);
  if (g.bn && ctx.options.packOnDevice) throw new Error(`internal: ${conv.id}: a BatchNormalization folded into weights that change on the device`);
  convDispatch(ctx, {
    node: conv.id, fused, dims, groups, x: xBinding, kernel, bias, act, post: g.post ? activationOf(g.post)! : undefined,
    residual: r, out: logits, winogradTile, prologue: conv.op === 'SeparableConv2D' ? undefined : prologue,
    pool: inputPool && poolPrologue(inputPool, [H, W, C]),
  });
  if (own === null) softmaxInto(ctx, conv.id, logits, yv);
}

/** A conv's kernel [KH, KW, C/groups, OC] and bias, with its group's BatchNormalization folded in. */
interface ConvWeights {
  kernel: Float32Array;
  bias: Float32Array | null;
  OC: number;
}

function foldedWeights(g: ConvGroup, ctx: LoweringContext, OC: number): ConvWeights {
  const a = attrsOf<ConvAttrs>(g.conv);
  const w = ctx.weights(g.conv.id);
  // The weights' own arrays where nothing is folded in: the naive and depthwise kernels bind them as
  // they are, and with packOnDevice the others' layouts are packed from them on the GPU, so a
  // trainer's optimizer updates what the forward pass reads (src/train/lower-training.ts).
  const kernel: Float32Array = w[g.conv.op === 'DepthwiseConv2D' ? 'depthwise_kernel' : g.conv.op === 'SeparableConv2D' ? 'pointwise_kernel' : 'kernel'].data;
  const bias: Float32Array | null = a.use_bias ? w.bias.data : null;
  if (!g.bn) return { kernel, bias, OC };
  // Fold BN: scale each output channel's weights (the kernel's fastest axis is OC), shift the bias.
  const { scale, shift } = bnScaleShift(g.bn, ctx);
  const folded = new Float32Array(OC);
  for (let c = 0; c < OC; c++) folded[c] = (bias ? bias[c] : 0) * scale[c] + shift[c];
  return { kernel: kernel.map((v, i) => v * scale[i % OC]), bias: folded, OC };
}

/** Sibling convs' weights as one conv's: their filters side by side (the kernel's fastest axis), biases likewise (0 where one has none). */
function filtersSideBySide(parts: readonly ConvWeights[]): ConvWeights {
  const OC = parts.reduce((n, p) => n + p.OC, 0);
  const rows = parts[0].kernel.length / parts[0].OC;
  const kernel = new Float32Array(rows * OC);
  const bias = parts.some((p) => p.bias) ? new Float32Array(OC) : null;
  let offset = 0;
  for (const p of parts) {
    for (let row = 0; row < rows; row++) kernel.set(p.kernel.subarray(row * p.OC, (row + 1) * p.OC), row * OC + offset);
    if (p.bias) bias!.set(p.bias, offset);
    offset += p.OC;
  }
  return { kernel, bias, OC };
}

/** The per-channel transform a conv applies to its input as it loads it (conv2d-prologue.wgsl). */
export interface InputPrologue {
  /** Per group of 4 channels: 4 scales, then 4 shifts (zeros past C). */
  scaleShift: Float32Array;
  act: ActivationCode;
}

function inputPrologue(f: InputAffine, ctx: LoweringContext): InputPrologue {
  const C = ctx.node(f.source).shape!.at(-1)!;
  // An activation alone is the identity transform, then the activation.
  const { scale, shift } = f.affine ? affineScaleShift(f.affine, ctx) : { scale: new Float32Array(C).fill(1), shift: new Float32Array(C) };
  const scaleShift = new Float32Array(Math.ceil(scale.length / 4) * 8);
  for (let c = 0; c < scale.length; c++) {
    const at = Math.floor(c / 4) * 8 + (c % 4);
    scaleShift[at] = scale[c];
    scaleShift[at + 4] = shift[c];
  }
  return { scaleShift, act: f.act ? activationOf(f.act)! : LINEAR };
}

/** A pool a conv computes as it loads its input (conv2d-prologue.wgsl POOL): its overrides. */
export interface PoolPrologue {
  /** 1: max; 2: average of the cells inside the input; 3: average over the whole window (count_include_pad). */
  kind: 1 | 2 | 3;
  KH: number; KW: number; padTop: number; padLeft: number;
}

function poolPrologue(f: InputPool, input: [number, number, number]): PoolPrologue {
  const a = attrsOf<AveragePool2DAttrs>(f.pool);
  const [wh, ww] = window2d(f.pool.op, input, a.pool_size, [1, 1], [1, 1], a.padding as Padding, a.ceil_mode);
  const kind = f.pool.op === 'MaxPool2D' ? 1 : a.count_include_pad ? 3 : 2;
  return { kind, KH: a.pool_size[0], KW: a.pool_size[1], padTop: wh.padBefore, padLeft: ww.padBefore };
}

/** One conv with its epilogue, as conv-kernel.ts chooses its kernel: lowerConvGroup's, and a trainer's input gradient. */
export interface ConvCall {
  node: string;
  /** Nodes fused into its epilogue (the last step carries them). */
  fused: string[];
  dims: ConvDims;
  groups: number;
  x: Binding;
  /**
   * The stored kernel [KH, KW, C/groups, OC] (BN folded in where fused); with `transpose`, the conv
   * is the input gradient's (dims: C and OC swapped, stride 1): the kernel flipped in both axes and
   * transposed (pack.ts packConvWeights), groups = 1.
   */
  kernel: Float32Array;
  transpose?: boolean;
  bias: Float32Array | null;
  act: ActivationCode;
  post?: ActivationCode;
  residual: Residual;
  out: View;
  /** The memory policy's Winograd tile for this conv (winograd.ts winogradPlan); none: not affordable. */
  winogradTile?: WinogradTile;
  /** An affine op applied to the input as it is loaded (fusion.ts foldInputAffines). */
  prologue?: InputPrologue;
  /** A pool applied to the input as it is loaded (fusion.ts foldInputPools): a 1×1 stride-1 conv's. */
  pool?: PoolPrologue;
}

/** Emits a conv's dispatches: one, or Winograd's three per chunk of tiles, or the GEMM's two when K is split. */
export function convDispatch(ctx: LoweringContext, c: ConvCall): void {
  const { dims, groups, act, bias, residual: r, node, fused } = c;
  const { N, C, OC, kernelSize, strides, dilation, x } = dims;
  const overrides: Record<string, number | boolean> = {
    ...activationOverrides('ACT', act), ...(c.post ? activationOverrides('POST', c.post) : {}),
    HAS_BIAS: bias !== null, HAS_RESIDUAL: r.binding.kind !== 'none',
  };
  const geometry = { C, OC, groups, kernelSize, strides, dilation, input: x, prologue: !!c.prologue || !!c.pool, output: [N, dims.OH, dims.OW] as [number, number, number] };
  const choice = chooseConvKernel(geometry, { ...ctx.options, plannedWinogradTile: c.winogradTile });
  const { kernel: kernelName, quad16, row, registerTiled } = choice;
  // The prologue's overrides and scale/shift binding go to every step that loads the input
  // (chooseConvKernel chooses neither Winograd nor ROW loads for a conv with one: they have none).
  if ((c.prologue || c.pool) && (choice.winograd || row)) throw new Error(`internal: ${node}: ${choice.winograd ? 'Winograd' : 'a ROW load'} takes no input prologue`);
  const prologue = prologueSteps(ctx, c.prologue, c.pool);
  if (choice.winograd) {
    if (ctx.options.packOnDevice || c.transpose) throw new Error(`internal: ${node}: Winograd weights are made at compile time only`);
    winogradConv(ctx, node, fused, dims, c.x, c.kernel, bias, overrides, c.out, r, choice.winogradTile!);
    return;
  }
  const direct = registerTiled && kernelName !== 'conv2dGrouped';
  // quad16 pads the filters to whole quads of 8-filter blocks (zero weights, nothing stored); one
  // kernel for most convs spares pipeline creations, and conv2d-direct is about half as fast anyway
  // (chooseConvKernel gives it only convs of 8 filters or fewer, where the padding would be 3 blocks).
  const quadOC = Math.ceil(OC / 32) * 32;
  const tilePixels = quad16 ? 16 : 8;
  // quad16 takes linear and the ReLU family as params (conv2d-direct-lib's finish): no override, one pipeline.
  const uniformAct = act.code === 0 ? { actSlope: 1, actThreshold: 0, actMax: 3.0e38 }
    : { actSlope: act.slope, actThreshold: act.threshold, actMax: act.max };
  const CG = C / groups;
  const extra: Record<string, number> =
    kernelName === 'depthwiseConv2d' ? { DM: OC / C }
    : kernelName === 'conv2dNaive' ? { groups }
    : direct ? { C4: Math.ceil((row ? kernelSize[1] * C : C) / 4), ocBlocks: quad16 ? quadOC / 8 : Math.ceil(OC / 8), CG: C, OCG: OC, ...uniformAct }
    : kernelName === 'conv2dGrouped' ? { C4: CG / 4, ocBlocks: OC / 4, CG, OCG: OC / groups, ...uniformAct }
    : { OC4: Math.ceil(OC / 4) * 4 };
  const [KH, KW] = kernelSize;
  const w = direct ? weightBinding(ctx, c, { B: 8, Cp: extra.C4 * 4, blocks: extra.ocBlocks, row },
      () => (row ? packDirect(c.kernel, KH, 1, KW * C, OC, extra.ocBlocks) : packDirect(c.kernel, KH, KW, C, OC, extra.ocBlocks)))
    : kernelName === 'conv2dGrouped' ? weightBinding(ctx, c, { B: 4, Cp: CG, blocks: OC / 4, row: false }, () => packGrouped(c.kernel, KH, KW, CG, OC))
    : isGemmKernel(kernelName) ? weightBinding(ctx, c, { B: extra.OC4, Cp: C, blocks: 1, row: false }, () => packGemm(c.kernel, KH * KW * C, OC))
    // The naive and depthwise kernels read Keras' layout: the stored kernel itself (a transposed one packed so).
    : weightBinding(ctx, c, { B: OC, Cp: CG, blocks: 1, row: false }, () => c.kernel);
  if (quad16 && direct) {
    overrides.ROW = row;
    if (act.code <= 1) for (const k of ['ACT', 'ACT_SLOPE', 'ACT_THRESHOLD', 'ACT_MAX']) delete overrides[k];
  }
  // Channels load 4 at a time where C, the input's channel stride and its offset all divide by 4.
  const vecX = C % 4 === 0 && x.stride % 4 === 0 && x.offset % 4 === 0;
  if (registerTiled) overrides.VEC_X = vecX;
  if (isGemmKernel(kernelName)) {
    gemmConv(ctx, kernelName, { node, fused, x: c.x, vecX, weights: w, bias, overrides, prologue, out: c.out, residual: r, params: convParams(dims, extra) });
    return;
  }
  const { OH, OW } = dims;
  ctx.step({
    node, fused,
    kernel: kernelName, overrides: { ...overrides, ...prologue.overrides },
    bindings: {
      x: c.x, w, bias: bias ? ctx.constant(bias) : { kind: 'none' }, residual: r.binding, y: { kind: 'view', view: c.out }, ...prologue.bindings,
      // The register-tiled kernels read x again as vec4s, 4 channels a load.
      ...(registerTiled ? { x4: c.x } : {}),
    },
    params: { ...convParams(dims, extra), rStride: r.stride, rOffset: r.offset },
    workgroups: direct ? Math.ceil((Math.ceil((N * OH * OW) / tilePixels) * extra.ocBlocks) / KERNELS[kernelName].workgroupSize)
      : registerTiled ? Math.ceil((Math.ceil((N * OH * OW) / 8) * extra.ocBlocks) / 64)
      : Math.ceil((N * OH * OW * OC) / 64),
  });
}

/**
 * A conv kernel's weights in `layout`: packed at compile time (`cpu`), or where they change on the
 * device (a trainer's, LowerOptions.packOnDevice) by a conv2d-pack-weights step before the conv, each
 * run, from the stored kernel the optimizer updates. A layout that is the stored one binds it as it is.
 */
function weightBinding(ctx: LoweringContext, c: ConvCall, layout: PackLayout, cpu: () => Float32Array): Binding {
  const [KH, KW] = c.dims.kernelSize;
  // The stored kernel's own channels and filters: the conv's, or swapped for the input gradient's.
  const [C, OC] = c.transpose ? [c.dims.OC, c.dims.C] : [c.dims.C / c.groups, c.dims.OC];
  if (!c.transpose && !layout.row && layout.blocks === 1 && layout.B === OC && layout.Cp === C) return ctx.constant(c.kernel);
  if (!ctx.options.packOnDevice) return ctx.constant(c.transpose ? packConvWeights(c.kernel, KH, KW, C, OC, layout, true) : cpu());
  const R = layout.row ? KH : KH * KW;
  const count = layout.blocks * R * layout.Cp * layout.B;
  const packed = ctx.scratch(c.node, count);
  ctx.step({
    node: c.node, kernel: 'conv2dPackWeights', overrides: {},
    bindings: { w: ctx.constant(c.kernel), out: { kind: 'view', view: packed } },
    params: { KH, KW, C, OC, R, Cp: layout.Cp, B: layout.B, count, row: layout.row ? 1 : 0, transpose: c.transpose ? 1 : 0 },
    workgroups: Math.ceil(count / layout.B / 64),
  });
  return { kind: 'view', view: packed };
}

/**
 * A 3×3 stride-1 conv as Winograd F(m×m, 3×3) (winograd-input.wgsl explains), in chunks of tiles: per
 * chunk the input transform, (m + 2)² products (winograd-gemm.wgsl) and the output transform with the
 * conv's fused epilogue. The chunk's scratch (V and M) is at most half the conv's output or 4% of
 * the graph's weights, so Winograd never raises a graph's memory much past what the direct conv needs.
 */
function winogradConv(
  ctx: LoweringContext, node: string, fused: string[], d: ConvDims, xBinding: Binding, kernel: Float32Array, bias: Float32Array | null,
  overrides: Record<string, number | boolean>, outView: View, r: Residual, m: WinogradTile,
): void {
  const { N, H, W, C, OH, OW, OC, x, padTop, padLeft } = d;
  const tilesY = Math.ceil(OH / m), tilesX = Math.ceil(OW / m);
  const T = winogradTiles(N, OH, OW, m);
  const positions = (m + 2) ** 2;
  const C4 = Math.ceil(C / 4), OC4 = Math.ceil(OC / 4);
  const ocBlocks = Math.ceil(OC / 32) * 4;
  const tileFloats = positions * 4 * (C4 + OC4);
  const budget = ctx.options.winogradTiles ?? Math.floor(Math.max((N * OH * OW * OC) / 2, ctx.winogradScratch) / tileFloats);
  const Tc = Math.min(Math.ceil(T / 16), Math.max(1, Math.floor(budget / 16))) * 16;
  const v = ctx.scratch(node, positions * Tc * C4 * 4);
  const mv = ctx.scratch(node, positions * Tc * OC4 * 4);
  const out = pixelView(outView)!;
  const weights = ctx.constant(packWinograd(kernel, C, OC, ocBlocks, m));
  const biasBinding: Binding = bias ? ctx.constant(bias) : { kind: 'none' };
  // Cost estimates on the direct conv's scale (multiply-adds / 64) for times without timestamps: a
  // transform moves a vec4 per position, tile and channel group, about a fifth of a 64-channel product's time.
  const transformWork = (groups: number) => (positions * Tc * groups * 4) / 4;
  const [input, output] = m === 4 ? ['winograd4Input', 'winograd4Output'] as const : ['winogradInput', 'winogradOutput'] as const;
  for (let t0 = 0; t0 < T; t0 += Tc) {
    const tiles = Math.min(Tc, T - t0);
    ctx.step({
      node, kernel: input, overrides: {},
      bindings: { x: xBinding, v: { kind: 'view', view: v } },
      params: { N, H, W, xStride: x.stride, xOffset: x.offset, tilesY, tilesX, T, t0, Tc, C4, padTop, padLeft },
      workgroups: Math.ceil((Tc * C4) / 64), work: transformWork(C4),
    });
    ctx.step({
      node, kernel: 'winogradGemm', overrides: {},
      bindings: { v: { kind: 'view', view: v }, w: weights, m: { kind: 'view', view: mv } },
      params: { T: Tc, C4, OC4, ocBlocks, wImage: ocBlocks * C4 * 8, positions },
      workgroups: Math.ceil((positions * (Tc / 16) * ocBlocks) / KERNELS.winogradGemm.workgroupSize), work: (positions * Tc * C4 * 4 * ocBlocks * 8) / 64,
    });
    ctx.step({
      node, fused, kernel: output, overrides,
      bindings: { m: { kind: 'view', view: mv }, bias: biasBinding, residual: r.binding, y: { kind: 'view', view: outView } },
      params: { N, OH, OW, OC, tilesY, tilesX, t0, tiles, Tc, OC4, yStride: out.stride, yOffset: out.offset, rStride: r.stride, rOffset: r.offset },
      workgroups: Math.ceil((tiles * OC4) / 64), work: transformWork(OC4),
    });
  }
}

/** What a step that loads the conv's input adds for the input prologue: its scale/shift (or the dummy) and PRE_ACT. */
interface Prologue {
  overrides: Record<string, number | boolean>;
  bindings: Record<string, Binding>;
}

function prologueSteps(ctx: LoweringContext, p: InputPrologue | undefined, pool?: PoolPrologue): Prologue {
  const pooled: Record<string, number> = pool ? { POOL: pool.kind, POOL_KH: pool.KH, POOL_KW: pool.KW, POOL_PAD_TOP: pool.padTop, POOL_PAD_LEFT: pool.padLeft } : {};
  return p ? { overrides: { HAS_PROLOGUE: true, ...activationOverrides('PRE', p.act), ...pooled }, bindings: { inAffine: ctx.constant(p.scaleShift) } }
    : { overrides: pooled, bindings: { inAffine: { kind: 'none' } } };
}

/** A GEMM conv's operands, as convDispatch has them. */
interface GemmCall {
  node: string;
  fused: string[];
  x: Binding;
  /** The input's channels load as vec4s (conv2d-gemm64's VEC_X). */
  vecX: boolean;
  weights: Binding;
  bias: Float32Array | null;
  /** The epilogue's (the split-K reduction takes the same). */
  overrides: Record<string, number | boolean>;
  prologue: Prologue;
  out: View;
  residual: Residual;
  params: Record<string, number>;
}

/**
 * A conv as an implicit GEMM (conv2d-gemm's 32×32 tiles or conv2d-gemm64's 64×64). Where it has too
 * few output tiles of that size to fill a big GPU (7×7×512 has 32 of 32×32, 8 of 64×64), K is split
 * among workgroups that write partial sums to scratch, and conv2d-split-k-reduce adds them and
 * applies the fused epilogue.
 */
function gemmConv(ctx: LoweringContext, kernel: GemmKernel, g: GemmCall): void {
  const { node, fused, bias, overrides, out: outView, residual: r, params } = g;
  const { N, OH, OW, OC, KH, KW, C } = params;
  const M = N * OH * OW, K = KH * KW * C;
  const T = GEMM_TILE[kernel];
  const tiles = Math.ceil(M / T) * Math.ceil(OC / T);
  const wanted = ctx.options.splitK === false || ctx.options.avoidKernels?.has('conv2dSplitKReduce') ? 1
    : ctx.options.splitK ?? Math.min(Math.floor((ctx.options.gemmWorkgroups ?? GEMM_BUSY_WORKGROUPS) / tiles), Math.floor(K / GEMM_MIN_SPLIT_K));
  // Both kernels stage K 16 deep: a split's share is whole steps.
  const kChunk = Math.ceil(K / Math.max(1, wanted) / 16) * 16;
  const splits = Math.ceil(K / kChunk);
  const biasBinding: Binding = bias ? ctx.constant(bias) : { kind: 'none' };
  const gemm = { ...params, rStride: r.stride, rOffset: r.offset, kChunk, splits };
  // conv2d-gemm64 reads its input a second time as vec4s (VEC_X).
  const wide = kernel === 'conv2dGemm64';
  const x4: Record<string, Binding> = wide ? { x4: g.x } : {};
  const vec: Record<string, boolean> = wide ? { VEC_X: g.vecX } : {};
  const work = tiles * T * T * K;
  if (splits === 1) {
    ctx.step({
      node, fused, kernel, overrides: { ...overrides, ...vec, ...g.prologue.overrides },
      bindings: { x: g.x, ...x4, w: g.weights, bias: biasBinding, residual: r.binding, y: { kind: 'view', view: outView }, ...g.prologue.bindings },
      params: gemm, workgroups: tiles, work,
    });
    return;
  }
  const partial = ctx.scratch(node, splits * M * OC);
  ctx.step({
    node, kernel, overrides: { ...vec, ...g.prologue.overrides, SPLIT_K: true },
    bindings: { x: g.x, ...x4, w: g.weights, bias: { kind: 'none' }, residual: { kind: 'none' }, y: { kind: 'view', view: partial }, ...g.prologue.bindings },
    params: gemm, workgroups: tiles * splits, work,
  });
  const out = pixelView(outView)!;
  ctx.step({
    node, fused, kernel: 'conv2dSplitKReduce', overrides,
    bindings: { partial: { kind: 'view', view: partial }, bias: biasBinding, residual: r.binding, y: { kind: 'view', view: outView } },
    params: { M, OC, splits, yStride: out.stride, yOffset: out.offset, rStride: r.stride, rOffset: r.offset },
    workgroups: Math.ceil((M * OC) / 64), work: M * OC * splits,
  });
}
