// Backward of the conv family as the training graph has it (activations split off): Conv2D with
// strides, dilation, padding and groups; DepthwiseConv2D (groups = C); Dense (a 1×1 conv over the
// leading axes). dx: for a conv with groups = 1 (and padding within the window), a forward conv of
// dy with the kernel flipped and transposed, on the conv kernel the adapter favours (compile/ops/
// conv.ts convDispatch, its weights packed on the GPU each step), a strided conv's dy spread onto the
// stride-1 grid first (gradient-dilate); otherwise, and with the 'naive' kernels, conv2d-backward-input. The kernel's gradient: for groups = 1 a register-tiled
// GEMM over the batch's positions (conv2d-backward-filter-tiled), otherwise and with the 'naive'
// kernels conv2d-backward-filter. The bias's by channel-sum, split over positions alike.
import type { NodeReport } from '../../graph/analyze.ts';
import { attrsOf } from '../../compile/context.ts';
import type { Conv2DAttrs } from '../../ops/conv2d.ts';
import type { DenseAttrs } from '../../ops/dense.ts';
import { window2d, type Padding } from '../../ops/geometry.ts';
import { LINEAR } from '../../compile/activation-codes.ts';
import { convDispatch, GEMM_BUSY_WORKGROUPS } from '../../compile/ops/conv.ts';
import { pixelView, type Binding, type View } from '../../compile/plan.ts';
import { groupsOf, offsetView, view, type BackwardContext } from './context.ts';
import { copyGradient, flat } from './routing.ts';

type ConvAttrs = Partial<Conv2DAttrs & DenseAttrs> & { depth_multiplier?: number; use_bias: boolean };

export function convBackward(r: NodeReport, b: BackwardContext): void {
  const a = attrsOf<ConvAttrs>(r);
  const xv = b.forward(r.inputs[0]);
  const x = pixelView(xv)!;
  let [N, H, W, C] = xv.shape;
  if (r.op === 'Dense') {
    C = xv.shape.at(-1)!;
    N = 1;
    H = xv.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    W = 1;
  }
  const dense = r.op === 'Dense';
  const kernelSize: [number, number] = dense ? [1, 1] : a.kernel_size!;
  const strides: [number, number] = dense ? [1, 1] : a.strides!;
  const dilation: [number, number] = dense ? [1, 1] : a.dilation_rate!;
  const [wh, ww] = window2d(r.op, [H, W, C], kernelSize, strides, dilation, dense ? 'valid' : (a.padding as Padding));
  const depthwise = r.op === 'DepthwiseConv2D';
  const OC = depthwise ? C * a.depth_multiplier! : dense ? a.units! : a.filters!;
  const groups = depthwise ? C : (a.groups ?? 1);
  const kernelName = depthwise ? 'depthwise_kernel' : 'kernel';
  const geometry = {
    N, H, W, C, OH: wh.out, OW: ww.out, OC, KH: kernelSize[0], KW: kernelSize[1], SH: strides[0], SW: strides[1],
    DH: dilation[0], DW: dilation[1], padTop: wh.padBefore, padLeft: ww.padBefore, groups,
  };
  const dy = view(b.gradOut(r.id));
  const l = b.lowering;
  if (b.needsGrad(r.inputs[0])) {
    const to = b.gradIn(r.inputs[0]);
    const [KH, KW] = kernelSize;
    // dL/dx = dy ⊛ w' (w' flipped, C and OC swapped) with padding (K−1)·D − pad before, which must not
    // be negative. A strided conv's is fractionally strided: its dy is first spread onto the stride-1
    // grid with zeros between (gradient-dilate.wgsl, 4 channels a load), then convolved the same way.
    const strided = strides.some((s) => s !== 1);
    const asConv = l.options.convKernel !== 'naive' && groups === 1 && (!strided || OC % 4 === 0)
      && geometry.padTop <= (KH - 1) * dilation[0] && geometry.padLeft <= (KW - 1) * dilation[1];
    if (asConv) {
      const [UH, UW] = [(wh.out - 1) * strides[0] + 1, (ww.out - 1) * strides[1] + 1];
      let dyUnstrided = dy;
      if (strided) {
        const spread = l.contiguous(r.id, [UH, UW, OC]);
        const count = N * UH * UW * (OC / 4);
        l.step({
          node: r.id, kernel: 'gradientDilate', overrides: {}, bindings: { dy, dyU: view(spread) },
          params: { N, OH: wh.out, OW: ww.out, C4: OC / 4, SH: strides[0], SW: strides[1], UH, UW }, workgroups: groupsOf(count),
        });
        dyUnstrided = view(spread);
      }
      // An accumulated gradient is added after: the conv cannot read the buffer it writes.
      const dx = to.accumulate ? l.contiguous(r.id, to.view.shape.slice(1)) : to.view;
      convDispatch(l, {
        node: r.id, fused: [], groups: 1, x: dyUnstrided, kernel: b.weightData(r.id, kernelName), transpose: true,
        dims: {
          N, H: UH, W: UW, C: OC, x: { stride: OC, offset: 0 }, OH: H, OW: W, OC: C, y: { stride: C, offset: 0 },
          kernelSize, strides: [1, 1], dilation, padTop: (KH - 1) * dilation[0] - geometry.padTop, padLeft: (KW - 1) * dilation[1] - geometry.padLeft,
        },
        bias: null, act: LINEAR, residual: { stride: 0, offset: 0, binding: { kind: 'none' } }, out: dx,
      });
      if (to.accumulate) copyGradient(r, b, { src: flat(dx), out: flat(to.view), accumulate: true });
    } else {
      l.step({
        node: r.id, kernel: 'conv2dBackwardInput', overrides: { ACCUMULATE: to.accumulate },
        bindings: { dy, w: b.weight(r.id, kernelName), dx: view(to.view) }, params: geometry,
        workgroups: groupsOf(N * H * W * C),
      });
    }
  }
  const dw = b.weightGrad(r.id, kernelName);
  if (dw && groups === 1 && l.options.convKernel !== 'naive' && !l.options.avoidKernels?.has('conv2dBackwardFilterTiled')) filterGradient(b, r.id, dy, xv, geometry, dw);
  else if (dw) {
    l.step({
      node: r.id, kernel: 'conv2dBackwardFilter', overrides: {},
      bindings: { dy, x: offsetView(xv), dw: view(dw) }, params: { ...geometry, xStride: x.stride, xOffset: x.offset },
      workgroups: groupsOf(kernelSize[0] * kernelSize[1] * (C / groups) * OC),
    });
  }
  const db = a.use_bias ? b.weightGrad(r.id, 'bias') : null;
  if (db) biasGradient(b, r.id, dy, N * wh.out * ww.out, OC, db);
}

/** dL/d(bias): channel-sum's sums over the positions, in chunks as the weight gradient's (then reduced). */
function biasGradient(b: BackwardContext, node: string, dy: Binding, pixels: number, C: number, db: View): void {
  const l = b.lowering;
  const C4 = Math.ceil(C / 4);
  const wanted = l.options.avoidKernels?.has('conv2dSplitKReduce') ? 1
    : Math.max(1, Math.min(Math.floor(FILTER_GRADIENT_INVOCATIONS / C4), Math.floor(pixels / FILTER_GRADIENT_MIN_CHUNK)));
  const chunk = Math.ceil(pixels / wanted);
  const splits = Math.ceil(pixels / chunk);
  const partial = splits > 1 ? l.scratch(node, splits * C) : db;
  l.step({
    node, kernel: 'channelSum', overrides: { VEC: C % 4 === 0 }, bindings: { dy, dy4: dy, sums: view(partial) },
    params: { pixels, C, C4, chunk }, workgroups: groupsOf(splits * C4),
  });
  if (splits === 1) return;
  l.step({
    node, kernel: 'conv2dSplitKReduce', overrides: {},
    bindings: { partial: view(partial), bias: { kind: 'none' }, residual: { kind: 'none' }, y: view(db) },
    params: { M: 1, OC: C, splits, yStride: C, yOffset: 0, rStride: 0, rOffset: 0 }, workgroups: groupsOf(C),
  });
}

/** Invocations the weight and bias gradients' chunks should make at least (a big GPU's fill, as conv2d-gemm's split K aims for). */
const FILTER_GRADIENT_INVOCATIONS = GEMM_BUSY_WORKGROUPS * 64;
/** Fewest positions per chunk: shorter ones spend more on the partial sums than they save. */
const FILTER_GRADIENT_MIN_CHUNK = 256;

/**
 * dL/dw of a groups-1 conv as conv2d-backward-filter-tiled's GEMM: [K = KH·KW·C] × [OC] tiles of 8×16
 * summed over the N·OH·OW positions, in chunks where the tiles alone are too few to fill a big GPU
 * (conv2d-split-k-reduce adds the chunks' partial sums).
 */
function filterGradient(b: BackwardContext, node: string, dy: Binding, xv: View, g: Record<string, number>, dw: View): void {
  const l = b.lowering;
  const x = pixelView(xv)!;
  const M = g.N * g.OH * g.OW;
  const K = g.KH * g.KW * g.C;
  const kBlocks = Math.ceil(K / 8), ocBlocks = Math.ceil(g.OC / 16);
  const tiles = kBlocks * ocBlocks;
  const wanted = l.options.avoidKernels?.has('conv2dSplitKReduce') ? 1
    : Math.max(1, Math.min(Math.floor(FILTER_GRADIENT_INVOCATIONS / tiles), Math.floor(M / FILTER_GRADIENT_MIN_CHUNK)));
  const chunk = Math.ceil(M / wanted);
  const splits = Math.ceil(M / chunk);
  const vecX = g.C % 4 === 0 && x.stride % 4 === 0 && x.offset % 4 === 0;
  const partial = splits > 1 ? l.scratch(node, splits * K * g.OC) : dw;
  const { groups: _, ...geometry } = g;
  l.step({
    node, kernel: 'conv2dBackwardFilterTiled',
    overrides: { VEC_X: vecX, VEC_DY: g.OC % 4 === 0, TAP8: vecX && g.C % 8 === 0 },
    bindings: { dy, dy4: dy, x: offsetView(xv), x4: offsetView(xv), dw: view(partial) },
    params: { ...geometry, xStride: x.stride, xOffset: x.offset, K, kBlocks, ocBlocks, chunk },
    workgroups: groupsOf(splits * tiles), work: splits * tiles * chunk * 64,
  });
  if (splits === 1) return;
  l.step({
    node, kernel: 'conv2dSplitKReduce', overrides: {},
    bindings: { partial: view(partial), bias: { kind: 'none' }, residual: { kind: 'none' }, y: view(dw) },
    params: { M: K, OC: g.OC, splits, yStride: g.OC, yOffset: 0, rStride: 0, rOffset: 0 },
    workgroups: groupsOf(K * g.OC), work: K * g.OC * splits,
  });
}
