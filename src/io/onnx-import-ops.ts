// One converter per ONNX op: ONNX's attributes and initializers → deepwire nodes (Keras ops, NHWC).
// Weights are rearranged here (Conv OIHW → Keras HWIO; Gemm/MatMul B → Dense [in, units]); constants
// that deepwire has no node for become Rescaling (scalars) or an epsilon-0 BatchNormalization (per channel).
// Reference: https://onnx.ai/onnx/operators/ (the definitions of opsets 7 to 22).
import { formatShape, sizeOf } from '../tensor.ts';
import type { Const, Data, NodeContext } from './onnx-import.ts';
import { BATCHED, flattenOrder, isIdentityOrder, kerasAxis, NCHW, NCW, UNBATCHED, type Layout } from './onnx-layout.ts';
import type { TensorValue } from './onnx-proto.ts';

type Converter = (c: NodeContext) => void;
type Pads = 'same' | 'valid' | [[number, number], [number, number]];

/** Ops whose presence makes a model's 4-D inputs images (N×C×H×W). */
export const SPATIAL_OPS = new Set(['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'Pad']);
/** Ops that read a 4-D model input as an image (a crop or channel slice of it). */
export const IMAGE_SLICES = new Set(['Slice', 'Split']);

/** ONNX's "to the end" for Slice's ends (INT64_MAX, or INT32_MAX from some exporters). */
const TO_THE_END = 2 ** 31 - 1;

/** Float32's largest value: ONNX's "no bound" for Clip's attributes. */
const FLT_MAX = 3.4028234663852886e38;

// ── shared helpers ────────────────────────────────────────────────────────────────────────────

/** Input i as an N×C×H×W image (ours N×H×W×C), or N×C×W 1-D data (ours N×1×W×C) where `oneD` allows it. */
function image(c: NodeContext, i: number, oneD = false): Data {
  const x = c.data(i, undefined, oneD ? 'image' : undefined);
  if (x.layout.kind === 'nchw' && (oneD || !x.layout.oneD)) return x;
  const shape = c.onnxShape(x);
  const kind = shape.length === 3 ? ' (1-D data: deepwire works on 2-D images)' : shape.length === 5 ? ' (3-D data: deepwire works on 2-D images)' : '';
  c.refuse(`needs an N×C×H×W image, got a ${formatShape(shape)} tensor${kind}`, 'deepwire imports 2-D CNNs; reshape the data to N×C×H×W before this node');
}

/** ONNX pads/auto_pad of a 2-D window → Keras padding. Pools get explicit pads (ceil_mode applies to them). */
function windowPadding(c: NodeContext, size: readonly number[], kernel: number[], strides: number[], dilations: number[], explicit: boolean, oneD = false): Pads {
  const autoPad = c.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER' && !explicit) return 'same';
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const [h, w] = [0, 1].map((i): [number, number] => {
      const out = Math.ceil(size[i] / strides[i]);
      const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size[i], 0);
      const before = autoPad === 'SAME_LOWER' ? Math.ceil(total / 2) : Math.floor(total / 2);
      return [before, total - before];
    });
    return [h, w];
  }
  if (autoPad !== 'NOTSET') c.refuse(`auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  let p = c.ints('pads', [0, 0, 0, 0])!;
  // 1-D data (an image one row high): ONNX's [begin, end] pad the row.
  if (oneD && p.length === 2) p = [0, p[0], 0, p[1]];
  if (p.length !== 4 || p.some((v) => v < 0)) c.refuse(`pads ${JSON.stringify(p)} must be 4 non-negative numbers [top, left, bottom, right]`);
  return p.every((v) => v === 0) ? 'valid' : [[p[0], p[2]], [p[1], p[3]]];
}

function pair(c: NodeContext, name: string, fallback: number[], oneD = false): [number, number] {
  const v = c.ints(name, fallback)!;
  if (oneD && v.length === 1) return [1, v[0]];
  if (v.length !== 2) c.refuse(`${name} ${JSON.stringify(v)} must have 2 entries: deepwire works on 2-D images`);
  return [v[0], v[1]];
}

const f32 = (t: TensorValue) => (t.data instanceof Float32Array ? t.data : Float32Array.from(t.data));

/** The single value of a constant with one element. */
function scalar(c: NodeContext, t: TensorValue, what: string): number {
  if (sizeOf(t.dims) !== 1) c.refuse(`its ${what} must be a single value, got shape ${formatShape(t.dims)}`);
  return t.data[0];
}

/** A per-channel parameter (BatchNormalization's scale, …) in our order. */
function channelVector(c: NodeContext, t: TensorValue, x: Data, what: string): Float32Array {
  const C = x.shape[x.shape.length - 1];
  if (sizeOf(t.dims) !== C || t.dims.length !== 1) c.refuse(`its ${what} has shape ${formatShape(t.dims)}; the input has ${C} channels`);
  return reorder(f32(t), x.layout);
}

/** Values in ONNX's channel order → ours (only the flattened features are held in another order). */
function reorder(values: Float32Array, layout: Layout): Float32Array {
  if (layout.kind !== 'features') return values;
  return Float32Array.from(layout.order, (o) => values[o]);
}

/** Which axis of x's ONNX shape our last axis is. */
function lastOnnxAxis(c: NodeContext, x: Data): number {
  return x.layout.kind === 'nchw' || x.layout.kind === 'features' ? 1 : c.onnxShape(x).length - 1;
}

/** A constant broadcast against x, as a scalar or one value per channel (our last axis); null otherwise. */
function constAgainst(c: NodeContext, x: Data, t: TensorValue): { scalar: number } | { channel: Float32Array } | null {
  const rank = c.onnxShape(x).length;
  if (t.dims.length > rank) return null;
  if (sizeOf(t.dims) === 1) return { scalar: t.data[0] };
  const full = [...new Array(rank - t.dims.length).fill(1), ...t.dims];
  const axis = lastOnnxAxis(c, x);
  const C = x.shape[x.shape.length - 1];
  if (full[axis] !== C || full.some((d, i) => i !== axis && d !== 1)) return null;
  return { channel: reorder(f32(t), x.layout) };
}

type ConstOp = 'add' | 'sub' | 'rsub' | 'mul' | 'div' | 'max' | 'min';

/** x ∘ constant: Rescaling for a scalar (ReLU between two for max/min), an affine BatchNormalization per channel. */
function withConst(c: NodeContext, x: Data, t: TensorValue, op: ConstOp, suffix = ''): Data {
  const k = constAgainst(c, x, t);
  if (!k)
    c.refuse(`its constant of shape ${formatShape(t.dims)} varies along more than the channel axis of the ${formatShape(c.onnxShape(x))} input; deepwire applies constants only as scalars or per channel`,
      'fold the constant into a neighbouring Conv or Gemm, or make it an input');
  if ('scalar' in k) {
    const v = k.scalar;
    const rescale = (scale: number, offset: number, s: string, input = x) => c.add('Rescaling', { scale, offset }, [input], x.layout, {}, suffix + s);
    switch (op) {
      case 'add': return rescale(1, v, '');
      case 'sub': return rescale(1, -v, '');
      case 'rsub': return rescale(-1, v, '');
      case 'mul': return rescale(v, 0, '');
      case 'div':
        if (v === 0) c.refuse('it divides by a constant 0');
        return rescale(1 / v, 0, '');
      case 'max':
      case 'min': {
        if (op === 'max' && v === 0) return c.add('ReLU', {}, [x], x.layout, {}, suffix);
        // max(x, v) = relu(x − v) + v;  min(x, v) = v − relu(v − x)
        const sign = op === 'max' ? 1 : -1;
        const shifted = rescale(sign, -sign * v, '/shift');
        const cut = c.add('ReLU', {}, [shifted], x.layout, {}, suffix + '/relu');
        return rescale(sign, v, '', cut);
      }
    }
  }
  const v = k.channel;
  const C = v.length;
  const gamma = new Float32Array(C).fill(1), beta = new Float32Array(C);
  switch (op) {
    case 'add': beta.set(v); break;
    case 'sub': for (let i = 0; i < C; i++) beta[i] = -v[i]; break;
    case 'rsub': gamma.fill(-1); beta.set(v); break;
    case 'mul': gamma.set(v); break;
    case 'div': for (let i = 0; i < C; i++) gamma[i] = 1 / v[i]; break;
    default: c.refuse(`${op === 'max' ? 'Max' : 'Min'} with a per-channel constant is not supported`, 'use a scalar bound');
  }
  // y = gamma·(x − 0)/√(1 + 0) + beta: exactly the affine map, and it folds into a Conv before it.
  return c.add('BatchNormalization', { epsilon: 0 }, [x], x.layout,
    { gamma, beta, moving_mean: new Float32Array(C), moving_variance: new Float32Array(C).fill(1) }, suffix);
}

function broadcast(shapes: number[][]): number[] | null {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1 || v === d) continue;
      if (d !== 1 && !(v < 0 || d < 0)) return null;
      d = v;
    }
    out.push(d);
  }
  return out;
}

// ── converters ────────────────────────────────────────────────────────────────────────────────

const conv: Converter = (c) => {
  c.known('auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides');
  // A 1-D conv (N×C×L, W OC×C×K) is a 2-D conv of an image one row high with a 1×K kernel.
  const x = image(c, 0, true);
  const oneD = x.layout.kind === 'nchw' && !!x.layout.oneD;
  const w = c.constant(1, 'weight W');
  if (w.dims.length !== (oneD ? 3 : 4))
    c.refuse(`its weight W has shape ${formatShape(w.dims)}; a conv of ${oneD ? 'N×C×L data needs W of OC×C×K' : 'N×C×H×W images needs W of OC×C×KH×KW'}`);
  const [OC, CG, KH, KW] = oneD ? [w.dims[0], w.dims[1], 1, w.dims[2]] : w.dims;
  const C = x.shape[2], groups = c.int('group', 1);
  if (groups < 1 || CG * groups !== C)
    c.refuse(`W takes ${CG} input channels per group × group=${groups}, but the input has ${C} channels`);
  const kernelShape = c.ints('kernel_shape');
  const wKernel = oneD ? [KW] : [KH, KW];
  if (kernelShape && (kernelShape.length !== wKernel.length || kernelShape.some((k, i) => k !== wKernel[i])))
    c.refuse(`kernel_shape ${JSON.stringify(kernelShape)} disagrees with W's ${wKernel.join('×')}`);
  const strides = pair(c, 'strides', [1, 1], oneD), dilations = pair(c, 'dilations', [1, 1], oneD);
  const padding = windowPadding(c, x.shape, [KH, KW], strides, dilations, false, oneD);
  // OIHW → Keras HWIO ([KH, KW, C/groups, OC]).
  const src = f32(w), kernel = new Float32Array(src.length);
  for (let oc = 0; oc < OC; oc++)
    for (let ci = 0; ci < CG; ci++)
      for (let ky = 0; ky < KH; ky++)
        for (let kx = 0; kx < KW; kx++) kernel[((ky * KW + kx) * CG + ci) * OC + oc] = src[((oc * CG + ci) * KH + ky) * KW + kx];
  const weights: Record<string, Float32Array> = { kernel };
  if (c.hasInput(2)) {
    const b = c.constant(2, 'bias B');
    if (sizeOf(b.dims) !== OC) c.refuse(`its bias B has ${sizeOf(b.dims)} values for ${OC} filters`);
    weights.bias = f32(b);
  }
  // PyTorch and ONNX allow strides and dilation together; Keras (and so a Conv2D by default) does not.
  const stridedDilation = strides.some((s) => s > 1) && dilations.some((d) => d > 1);
  c.output(0, c.add('Conv2D', {
    filters: OC, kernel_size: [KH, KW], strides, padding, dilation_rate: dilations, groups, use_bias: c.hasInput(2),
    ...(stridedDilation ? { allow_strided_dilation: true } : {}),
  }, [x], x.layout, weights));
};

const pool = (max: boolean): Converter => (c) => {
  c.known('auto_pad', 'ceil_mode', 'kernel_shape', 'pads', 'strides', ...(max ? ['dilations', 'storage_order'] : ['count_include_pad', ...(c.opset >= 19 ? ['dilations'] : [])]));
  // 1-D pooling is 2-D pooling of an image one row high.
  const x = image(c, 0, true);
  const oneD = x.layout.kind === 'nchw' && !!x.layout.oneD;
  const poolSize = pair(c, 'kernel_shape', c.ints('kernel_shape') ?? c.refuse('it has no kernel_shape'), oneD);
  const strides = pair(c, 'strides', [1, 1], oneD);
  const dilations = pair(c, 'dilations', [1, 1], oneD);
  const dilated = dilations[0] !== 1 || dilations[1] !== 1;
  if (!max && dilated) c.refuse(`dilations ${JSON.stringify(c.ints('dilations'))}: deepwire's AveragePool2D (Keras') averages adjacent cells only`);
  const autoSame = c.string('auto_pad', 'NOTSET').startsWith('SAME');
  const padding = windowPadding(c, x.shape, poolSize, strides, dilations, true, oneD);
  const attrs: Record<string, unknown> = { pool_size: poolSize, strides, padding, ceil_mode: !autoSame && c.int('ceil_mode', 0) === 1 };
  if (!max) attrs.count_include_pad = c.int('count_include_pad', 0) === 1;
  // Dilation and the Indices output (flat N×C×H×W indices, int64) are MaxPoolWithArgmax2D's.
  const argmax = (output: string, extra: Record<string, unknown>, suffix: string) =>
    c.add('MaxPoolWithArgmax2D', { ...attrs, dilation_rate: dilations, output, ...extra }, [x], x.layout, {}, suffix);
  c.output(0, dilated ? argmax('values', {}, '') : c.add(max ? 'MaxPool2D' : 'AveragePool2D', attrs, [x], x.layout));
  if (max && c.outputUsed(1)) c.output(1, argmax('indices', { index_order: c.int('storage_order', 0) === 1 ? 'ncwh' : 'nchw' }, '/indices'), 'int64');
};

const globalPool = (op: string): Converter => (c) => {
  c.known();
  const x = image(c, 0, true);
  c.output(0, c.add(op, { keepdims: true }, [x], x.layout));
};

const batchNormalization: Converter = (c) => {
  c.known('epsilon', 'momentum', 'training_mode', 'spatial', 'is_test', 'consumed_inputs');
  if (c.int('training_mode', 0) !== 0 || [1, 2, 3, 4].some((i) => c.outputUsed(i)))
    c.refuse('it is in training mode: it normalises with statistics across the batch and updates the running ones; deepwire runs inference, each item of a batch on its own',
      'export the model in eval mode (model.eval())');
  if (c.int('spatial', 1) !== 1) c.refuse('spatial=0 (statistics per position) is not supported');
  // N×C×L (BatchNorm1d after a Conv1d) is 1-D data, an image one row high, as the 1-D pools read it.
  const x = c.data(0, undefined, c.onnxRankOf(0) === 3 ? 'image' : undefined);
  const rank = c.onnxShape(x).length;
  if (!(x.layout.kind === 'nchw' || rank === 2))
    c.refuse(`it normalises axis 1 of a ${formatShape(c.onnxShape(x))} tensor that deepwire holds in ONNX's order, not as an image or 1-D data; deepwire normalises the channels of N×C×H×W images, N×C×L data and N×C tensors`,
      'normalise N×C×L data as it comes from the model input, a Conv or a pool (not after a Reshape)');
  const names = ['scale', 'B', 'mean', 'var'];
  const [gamma, beta, moving_mean, moving_variance] = names.map((n, i) => channelVector(c, c.constant(i + 1, n), x, n));
  c.output(0, c.add('BatchNormalization', { epsilon: c.float('epsilon', 1e-5) }, [x], x.layout, { gamma, beta, moving_mean, moving_variance }));
};

/**
 * LayerNormalization (opset 17; also what onnx-fusions.ts makes of the ops torch.onnx writes for it
 * before): over the axes from `axis` to the last, which deepwire can express when that is our channel
 * axis alone: the last axis of a channels-last tensor (ConvNeXt's, after its Permute to N×H×W×C).
 */
const layerNormalization: Converter = (c) => {
  // deepwire_axis_only: onnx-fusions.ts' mark for a LayerNorm over `axis` alone (ONNX's spans axis … the last).
  c.known('axis', 'epsilon', 'stash_type', 'deepwire_axis_only');
  if (c.outputUsed(1) || c.outputUsed(2)) c.refuse('its Mean or InvStdDev output is read; deepwire computes only the normalised tensor');
  const x = c.data(0);
  const shape = c.onnxShape(x), rank = shape.length;
  const raw = c.int('axis', -1), axis = raw < 0 ? raw + rank : raw;
  const axisOnly = c.int('deepwire_axis_only', 0) === 1;
  // Our channel axis alone: the last axis of a tensor in ONNX's order, or axis 1 of an image (only when marked).
  const ours = lastOnnxAxis(c, x);
  if (axisOnly ? axis !== ours : axis !== rank - 1 || x.layout.kind === 'nchw')
    c.refuse(`it normalises ${axisOnly || axis === rank - 1 ? `axis ${axis}` : `axes ${axis}…${rank - 1} together`} of a ${formatShape(shape)} ${x.layout.kind === 'nchw' ? 'image' : 'tensor'}; deepwire normalises each position's channels (axis ${ours} here)`,
      'normalise the channels: the last axis of an N×H×W×C tensor (as ConvNeXt transposes to), or axis 1 of N×C×H×W');
  const C = x.shape[x.shape.length - 1];
  const vector = (i: number, what: string) => {
    const t = c.constant(i, what);
    // Along the last axis, or (marked) along `axis` of x right-aligned: C×1×…×1 for axis 1.
    const at = axisOnly ? t.dims.length - (rank - axis) : t.dims.length - 1;
    if (sizeOf(t.dims) !== C || at < 0 || t.dims[at] !== C) c.refuse(`its ${what} has shape ${formatShape(t.dims)}; the normalised axis has ${C} values`);
    return reorder(f32(t), x.layout);
  };
  const weights: Record<string, Float32Array> = { gamma: vector(1, 'Scale') };
  if (c.hasInput(2)) weights.beta = vector(2, 'B');
  c.output(0, c.add('LayerNormalization', { epsilon: c.float('epsilon', 1e-5), center: c.hasInput(2) }, [x], x.layout, weights));
};

/** A Dense layer x·B (+ bias) over x's last axis; B is [K, N] in ONNX's feature order. */
function dense(c: NodeContext, x: Data, b: Float32Array, K: number, N: number, transposed: boolean, alpha: number, bias: Float32Array | null): Data {
  const IN = x.shape[x.shape.length - 1];
  if (IN !== K) c.refuse(`it multiplies ${IN} features by a matrix of ${K} rows`);
  const order = x.layout.kind === 'features' ? x.layout.order : null;
  const kernel = new Float32Array(K * N);
  for (let i = 0; i < K; i++) {
    const row = order ? order[i] : i;
    for (let u = 0; u < N; u++) kernel[i * N + u] = alpha * (transposed ? b[u * K + row] : b[row * N + u]);
  }
  const layout = x.layout.kind === 'features' ? BATCHED : x.layout;
  return c.add('Dense', { units: N, use_bias: bias !== null }, [x], layout, bias ? { kernel, bias } : { kernel });
}

const gemm: Converter = (c) => {
  c.known('alpha', 'beta', 'transA', 'transB', 'broadcast');
  const alpha = c.float('alpha', 1), beta = c.float('beta', 1);
  const transA = c.int('transA', 0) === 1, transB = c.int('transB', 0) === 1;
  const a = c.data(0);
  if (c.onnxShape(a).length !== 2) c.refuse(`A must be a matrix, got ${formatShape(c.onnxShape(a))}`);
  let y: Data;
  let biasDone = !c.hasInput(2);
  if (!transA && c.isConst(1)) {
    const b = c.constant(1, 'B');
    if (b.dims.length !== 2) c.refuse(`B must be a matrix, got ${formatShape(b.dims)}`);
    const [K, N] = transB ? [b.dims[1], b.dims[0]] : b.dims;
    let bias: Float32Array | null = null;
    if (c.hasInput(2) && c.isConst(2)) {
      // A bias along the N outputs is Dense's own; any other shape is added after it.
      const t = c.constant(2, 'C');
      const alongN = t.dims.slice(0, -1).every((d) => d === 1) && t.dims[t.dims.length - 1] === N;
      if (sizeOf(t.dims) === 1) bias = new Float32Array(N).fill(beta * t.data[0]);
      else if (alongN) bias = Float32Array.from(t.data, (v) => beta * v);
      biasDone = bias !== null;
    }
    y = dense(c, a, f32(b), K, N, transB, alpha, bias);
  } else {
    // Both computed: Keras' Dot on the batchless matrices.
    if (a.layout.kind !== 'unbatched')
      c.refuse(transA ? 'transA=1 on a computed batch of rows needs a transpose, which deepwire lacks' : 'it multiplies two computed matrices whose first axis is the batch');
    const b = c.data(1, a);
    if (b.layout.kind !== 'unbatched' || c.onnxShape(b).length !== 2) c.refuse(`B must be a matrix, got ${formatShape(c.onnxShape(b))}`);
    y = c.add('Dot', { axes: [transA ? 1 : 2, transB ? 2 : 1] }, [a, b], UNBATCHED);
    if (alpha !== 1) y = c.add('Rescaling', { scale: alpha, offset: 0 }, [y], UNBATCHED, {}, '/alpha');
  }
  if (!biasDone) {
    const bias = c.operand(2, y);
    if (bias.kind === 'const') y = withConst(c, y, { ...bias.tensor, data: Float32Array.from(bias.tensor.data, (v) => beta * v) }, 'add', '/bias');
    else {
      const scaled = beta === 1 ? bias : c.add('Rescaling', { scale: beta, offset: 0 }, [bias], bias.layout, {}, '/beta');
      y = merge(c, 'Add', [y, scaled], '/bias');
    }
  }
  c.output(0, y);
};

const matMul: Converter = (c) => {
  c.known();
  if (c.isConst(1) && c.constant(1, 'B').dims.length === 2) {
    const a = c.data(0);
    if (a.layout.kind === 'nchw') c.refuse('it multiplies the W axis of an N×C×H×W image; deepwire keeps images channels-last');
    const b = c.constant(1, 'B');
    c.output(0, dense(c, a, f32(b), b.dims[0], b.dims[1], false, 1, null));
    return;
  }
  // Two computed matrices, or two batches of them: Keras' Dot.
  const a = asMatrices(c, c.data(0, undefined, c.onnxRankOf(0) === 3 ? 'batched' : undefined), '/a');
  const b = asMatrices(c, c.data(1, a), '/b');
  const ra = c.onnxShape(a).length, rb = c.onnxShape(b).length;
  const plain = a.layout.kind === 'unbatched' && b.layout.kind === 'unbatched' && ra === 2 && rb === 2;
  const batched = a.layout.kind === 'batched' && b.layout.kind === 'batched' && ra === 3 && rb === 3;
  if (!plain && !batched)
    c.refuse(`it multiplies ${formatShape(c.onnxShape(a))} by ${formatShape(c.onnxShape(b))}; deepwire multiplies two matrices, or two equal batches of them`);
  c.output(0, c.add('Dot', { axes: [2, 1] }, [a, b], a.layout));
};

/** A batch of C×1 columns held as a one-pixel 1-D image (how an Unsqueeze of N×C to N×C×1 imports, to
 *  broadcast as a squeeze-excite's excitation) is the same values as a batch of C×1 matrices. */
function asMatrices(c: NodeContext, d: Data, suffix: string): Data {
  if (d.layout.kind !== 'nchw' || !d.layout.oneD || d.shape[0] !== 1 || d.shape[1] !== 1) return d;
  return c.add('Reshape', { target_shape: [d.shape[2], 1] }, [d], BATCHED, {}, suffix);
}

const MERGES: Record<string, string> = { Add: 'Add', Sum: 'Add', Sub: 'Subtract', Mul: 'Multiply', Div: 'Divide', Max: 'Maximum', Min: 'Minimum', Mean: 'Average' };

/** A merge of computed tensors, checked to broadcast in our layout as it does in ONNX's. */
function merge(c: NodeContext, op: string, inputs: Data[], suffix = ''): Data {
  const kinds = new Set(inputs.map((d) => d.layout.kind));
  const orders = inputs.map((d) => (d.layout.kind === 'features' ? d.layout.order : null));
  const mixed = (kinds.has('nchw') && kinds.size > 1) || (kinds.has('features') && (kinds.size > 1 || orders.some((o) => o !== orders[0])));
  const shapes = inputs.map((d) => c.onnxShape(d));
  if (mixed)
    c.refuse(`it combines ${shapes.map(formatShape).join(' and ')} tensors held in different layouts (an image and a non-image)`, 'reshape them alike before this node');
  const layout = inputs.find((d) => d.layout.kind !== 'unbatched')?.layout ?? UNBATCHED;
  const y = c.add(op, {}, inputs, layout, {}, suffix);
  const want = broadcast(shapes);
  const got = c.onnxShape(y);
  if (!want || want.length !== got.length || want.some((d, i) => d !== got[i] && d >= 0 && got[i] >= 0))
    c.refuse(`it broadcasts ${shapes.map(formatShape).join(' with ')}, which deepwire cannot line up in its channels-last layout`);
  return y;
}

const elementwise = (onnxOp: string): Converter => (c) => {
  c.known(...(c.opset < 7 ? ['broadcast', 'axis', 'consumed_inputs'] : []));
  if (c.opset < 7 && c.has('axis')) c.refuse('the opset-6 axis attribute (legacy broadcasting) is not supported', 'export with opset 7 or later');
  const indices = c.node.input.map((_, i) => i).filter((i) => c.hasInput(i));
  if (indices.length === 0) c.refuse('it has no inputs');
  let like: Data | undefined;
  const operands: (Data | Const)[] = indices.map((i) => {
    const v = c.operand(i, like);
    if (v.kind === 'data') like ??= v;
    return v;
  });
  const data = operands.filter((v): v is Data => v.kind === 'data');
  const consts = operands.map((v, i) => ({ v, i })).filter((e): e is { v: Const; i: number } => e.v.kind === 'const');
  if (data.length === 0) c.refuse('all its inputs are constants; deepwire computes from the model\'s inputs');
  if (onnxOp === 'Mean' && consts.length) c.refuse('Mean with constant inputs is not supported');
  let y = data.length > 1 ? merge(c, MERGES[onnxOp], data, consts.length ? '/merge' : '') : data[0];
  consts.forEach(({ v, i }, k) => {
    const suffix = k === consts.length - 1 ? '' : `/const${k}`;
    if (onnxOp === 'Div' && i === 0) c.refuse('it divides a constant by a computed tensor; deepwire divides computed tensors by constants or by each other', 'make the constant a model input');
    const op: ConstOp = ({ Add: 'add', Sum: 'add', Mul: 'mul', Div: 'div', Max: 'max', Min: 'min', Sub: i === 0 ? 'rsub' : 'sub' } as Record<string, ConstOp>)[onnxOp];
    const want = broadcast([c.onnxShape(y), v.tensor.dims]);
    y = withConst(c, y, v.tensor, op, suffix);
    const got = c.onnxShape(y);
    if (!want || want.length !== got.length) c.refuse(`its constant of shape ${formatShape(v.tensor.dims)} would change the rank of the result`);
  });
  c.output(0, y);
};

const unary = (op: string, attrs: (c: NodeContext) => Record<string, unknown>, known: string[] = []): Converter => (c) => {
  c.known(...known, ...(c.opset < 6 ? ['consumed_inputs'] : []));
  const x = c.data(0);
  c.output(0, c.add(op, attrs(c), [x], x.layout));
};

const leakyRelu: Converter = (c) => {
  c.known('alpha');
  const alpha = c.float('alpha', 0.01);
  if (alpha < 0) c.refuse(`alpha ${alpha} < 0 is not supported`);
  const x = c.data(0);
  c.output(0, c.add('LeakyReLU', { negative_slope: alpha }, [x], x.layout));
};

const hardSigmoid: Converter = (c) => {
  c.known('alpha', 'beta');
  const alpha = c.float('alpha', 0.2), beta = c.float('beta', 0.5);
  const x = c.data(0);
  if (alpha === Math.fround(0.2) && beta === 0.5) return c.output(0, c.add('Activation', { activation: 'hard_sigmoid' }, [x], x.layout));
  // max(0, min(1, alpha·x + beta))
  const scaled = c.add('Rescaling', { scale: alpha, offset: beta }, [x], x.layout, {}, '/scale');
  c.output(0, c.add('ReLU', { max_value: 1 }, [scaled], x.layout));
};

/** Gelu (opset 20; also what onnx-fusions.ts makes of the ops torch.onnx writes for nn.GELU() before). */
const gelu: Converter = (c) => {
  c.known('approximate');
  const approximate = c.string('approximate', 'none');
  if (approximate !== 'none')
    c.refuse(`approximate '${approximate}' is not supported: deepwire's gelu (Keras') is the exact x·Φ(x)`, "export the model with nn.GELU(approximate='none')");
  const x = c.data(0);
  c.output(0, c.add('Activation', { activation: 'gelu' }, [x], x.layout));
};

const elu: Converter = (c) => {
  c.known('alpha');
  const alpha = c.float('alpha', 1);
  if (alpha !== 1) c.refuse(`alpha ${alpha}: deepwire's elu (Keras') has alpha 1`);
  const x = c.data(0);
  c.output(0, c.add('Activation', { activation: 'elu' }, [x], x.layout));
};

/**
 * Slice of computed data with step 1: of an image's H and W, a Cropping2D (as deepwire's own export
 * writes it and PyTorch writes x[:, :, a:b, c:d]); of its channels or of any tensor's last axis, a
 * ChannelSlice (x[:, a:b]). Constant Slices (shape arithmetic) fold.
 */
const slice: Converter = (c) => {
  const opset10 = c.opset >= 10;
  c.known(...(opset10 ? [] : ['starts', 'ends', 'axes']));
  const x = c.data(0);
  const dims = c.onnxShape(x);
  const list = (i: number, name: string) => (opset10 ? (c.hasInput(i) ? Array.from(c.constant(i, name).data) : null) : c.ints(name));
  const starts = list(1, 'starts')!, ends = list(2, 'ends')!;
  const axes = (list(3, 'axes') ?? starts.map((_, k) => k)).map((a) => (a < 0 ? a + dims.length : a));
  const steps = opset10 ? list(4, 'steps') : null;
  if (steps?.some((s) => s !== 1)) c.refuse(`steps ${JSON.stringify(steps)}: deepwire slices with step 1 only`);
  const ranges = axes.map((axis, k): [number, number, number] => {
    const dim = dims[axis];
    // The symbolic batch: only the whole of it (0 to the end) is a slice deepwire can take.
    if (dim < 0) {
      if (starts[k] !== 0 || ends[k] < TO_THE_END) c.refuse(`it slices axis ${axis}, the batch; deepwire slices channels, H and W`);
      return [axis, 0, dim];
    }
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    return [axis, clamp(starts[k]), clamp(ends[k])];
  });
  c.output(0, sliceData(c, x, ranges, ''));
};

/** Split of an image along C, H or W, or of a tensor's last axis (torch.split, and x.chunk(n, dim) since PyTorch 2): one slice per output. */
const split: Converter = (c) => {
  // `split` is an attribute before opset 13, an input from 13; from 18 num_outputs may say how many parts.
  c.known('axis', ...(c.opset < 13 ? ['split'] : []), ...(c.opset >= 18 ? ['num_outputs'] : []));
  const x = c.data(0);
  const dims = c.onnxShape(x);
  let axis = c.int('axis', 0);
  if (axis < 0) axis += dims.length;
  const given = c.opset >= 13 ? (c.hasInput(1) ? Array.from(c.constant(1, 'split').data) : null) : c.ints('split');
  const n = c.node.output.length, dim = dims[axis];
  if (dim < 0) c.refuse(`it splits axis ${axis}, the batch; deepwire slices channels, H and W`);
  // No sizes: equal parts, which must divide the axis; with num_outputs (opset 18) the last part may be smaller.
  const parts = c.has('num_outputs') ? c.int('num_outputs', n) : null;
  if (parts !== null && (given || parts !== n)) c.refuse(given ? 'it has both a split input and num_outputs' : `num_outputs ${parts} but ${n} outputs`);
  const chunk = Math.ceil(dim / n);
  const sizes = given ?? (parts !== null ? Array.from({ length: n }, (_, i) => Math.min(chunk, dim - i * chunk)) : Array(n).fill(dim / n));
  if (sizes.length !== n || sizes.reduce((s, v) => s + v, 0) !== dim || sizes.some((s) => !(s > 0) || !Number.isInteger(s)))
    c.refuse(`its sizes ${given ? JSON.stringify(sizes) : `(${n} equal parts)`} do not split axis ${axis} of ${formatShape(dims)} into ${n} parts`);
  let from = 0;
  sizes.forEach((size, i) => {
    if (c.outputUsed(i)) c.output(i, sliceData(c, x, [[axis, from, from + size]], `/${i}`));
    from += size;
  });
};

/**
 * [axis, from, to) ranges (ONNX axes) of computed data: an N×C×H×W image's channels are a ChannelSlice,
 * its H and W a Cropping2D (one or both); any other tensor's last axis (but the batch) a ChannelSlice.
 */
function sliceData(c: NodeContext, x: Data, ranges: [number, number, number][], suffix: string): Data {
  const dims = c.onnxShape(x);
  // An image, or 1-D data (N×C×W, ours N×1×W×C): C is a ChannelSlice, H and W (W alone) a Cropping2D.
  const image = x.layout.kind === 'nchw';
  const spatialAxis = (axis: number) => (x.layout.kind === 'nchw' && x.layout.oneD ? axis - 1 : axis - 2);
  const crop: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  let channels: [number, number] | null = null;
  for (const [axis, from, to] of ranges) {
    const dim = dims[axis];
    if (from === 0 && to === dim) continue; // the whole axis (a symbolic batch's too)
    if (to <= from) c.refuse(`it leaves nothing of axis ${axis} (${from} … ${to} of ${dim})`);
    const last = axis === dims.length - 1 && (x.layout.kind === 'unbatched' || axis > 0);
    if (image && axis >= 1) {
      if (axis === 1) channels = [from, to];
      else crop[spatialAxis(axis)] = [from, dim - to];
    } else if (x.layout.kind === 'features' && !isIdentityOrder(x.layout.order))
      c.refuse(`it slices a flattened N×C×H×W image (${formatShape(dims)}), whose values deepwire holds in another order`, 'slice the image before the Flatten');
    else if (last) channels = [from, to];
    else c.refuse(`it slices axis ${axis} of a ${formatShape(dims)} tensor; deepwire slices an N×C×H×W image's C, H and W, or another tensor's last axis`);
  }
  if (!image) return channels ? c.add('ChannelSlice', { start: channels[0], end: channels[1] }, [x], x.layout, {}, suffix) : x;
  const cropped = crop.flat().some(Boolean);
  let y = x;
  if (channels) y = c.add('ChannelSlice', { start: channels[0], end: channels[1] }, [y], x.layout, {}, cropped ? `${suffix}/channels` : suffix);
  if (cropped || !channels) y = c.add('Cropping2D', { cropping: crop }, [y], x.layout, {}, suffix);
  return y;
}

const clip: Converter = (c) => {
  c.known('min', 'max');
  const bound = (i: number, name: string, fallback: number) =>
    c.opset < 11 ? c.float(name, fallback) : c.hasInput(i) ? scalar(c, c.constant(i, name), name) : fallback;
  let lo = bound(1, 'min', -Infinity), hi = bound(2, 'max', Infinity);
  if (lo <= -FLT_MAX) lo = -Infinity;
  if (hi >= FLT_MAX) hi = Infinity;
  const x = c.data(0);
  if (lo > hi) c.refuse(`min ${lo} is above max ${hi}`);
  if (lo === -Infinity && hi === Infinity) return c.output(0, x);
  if (lo === 0) return c.output(0, c.add('ReLU', hi === Infinity ? {} : { max_value: hi }, [x], x.layout));
  // clip(x, lo, hi) = relu(x − lo, max hi − lo) + lo; with no lower bound, hi − relu(hi − x).
  const sign = lo === -Infinity ? -1 : 1;
  const pivot = lo === -Infinity ? hi : lo;
  const shifted = c.add('Rescaling', { scale: sign, offset: -sign * pivot }, [x], x.layout, {}, '/shift');
  const cut = c.add('ReLU', lo !== -Infinity && hi !== Infinity ? { max_value: hi - lo } : {}, [shifted], x.layout, {}, '/relu');
  c.output(0, c.add('Rescaling', { scale: sign, offset: pivot }, [cut], x.layout));
};

const softmax: Converter = (c) => {
  c.known('axis');
  const x = c.data(0);
  const shape = c.onnxShape(x), rank = shape.length;
  let axis = c.int('axis', c.opset >= 13 ? -1 : 1);
  if (axis < -rank || axis >= rank) c.refuse(`axis ${axis} is out of range for a ${formatShape(shape)} tensor`);
  if (axis < 0) axis += rank;
  const keras = kerasAxis(axis, x.layout);
  if (c.opset >= 13 || axis === rank - 1) {
    if (keras === x.shape.length) return c.output(0, c.add('Activation', { activation: 'softmax' }, [x], x.layout));
    if (keras === 0) c.refuse(`softmax over axis ${axis} of ${formatShape(shape)} mixes the items of the batch; deepwire keeps them apart`);
    return c.output(0, c.add('Softmax', { axis: keras }, [x], x.layout));
  }
  // Before opset 13: over axes axis… as one, whatever their order — a reshape to one axis and back.
  // The batchless axes from `keep` on hold ONNX's axes axis…; for an image, axis 1 means all of H×W×C.
  const keep = x.layout.kind === 'nchw' ? (axis === 1 ? 0 : -1) : kerasAxis(axis, x.layout) - 1;
  if (keep < 0) c.refuse(`softmax over axes ${axis}… of ${formatShape(shape)} would mix the batch or reorder channels`);
  const flat = [...x.shape.slice(0, keep), sizeOf(x.shape.slice(keep))];
  const r = c.add('Reshape', { target_shape: flat }, [x], x.layout.kind === 'nchw' ? BATCHED : x.layout, {}, '/flatten');
  const s = c.add('Activation', { activation: 'softmax' }, [r], r.layout, {}, '/softmax');
  c.output(0, c.add('Reshape', { target_shape: [...x.shape] }, [s], x.layout));
};

const flatten: Converter = (c) => {
  c.known('axis');
  const x = c.data(0);
  const shape = c.onnxShape(x), rank = shape.length;
  let axis = c.int('axis', 1);
  if (axis < -rank || axis > rank) c.refuse(`axis ${axis} is out of range for a ${formatShape(shape)} tensor`);
  if (axis < 0) axis += rank;
  if (x.layout.kind === 'unbatched') {
    const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis));
    return c.output(0, c.add('Reshape', { target_shape: [outer, inner] }, [x], UNBATCHED));
  }
  // Batched layouts: the batch must stay the first axis.
  if (axis === 0 && c.importer.batch !== 1) c.refuse('axis 0 folds the batch into the features; deepwire keeps the batch apart', 'use axis 1');
  if (axis <= 1) {
    if (x.layout.kind === 'features' || rank === 2) return c.output(0, x);
    if (x.layout.kind === 'nchw') {
      const [H, W, C] = x.shape;
      const order = flattenOrder(C, H, W);
      const layout: Layout = isIdentityOrder(order) ? BATCHED : { kind: 'features', order };
      return c.output(0, c.add('Flatten', {}, [x], layout));
    }
    return c.output(0, c.add('Flatten', {}, [x], BATCHED));
  }
  if (x.layout.kind !== 'batched') c.refuse(`axis ${axis} of an N×C×H×W image would flatten across channels-last data`, 'use axis 1');
  const target = [sizeOf(shape.slice(1, axis)), sizeOf(shape.slice(axis))];
  c.output(0, c.add('Reshape', { target_shape: target }, [x], BATCHED));
};

const reshape: Converter = (c) => {
  c.known('allowzero', 'shape');
  const spec = c.opset < 5 ? c.ints('shape', [])! : Array.from(c.constant(1, 'shape').data);
  reshapeTo(c, spec, c.int('allowzero', 0) === 1);
};

/** Unsqueeze and Squeeze of a computed tensor (y[:, :, None, None] in a squeeze-excite block): a reshape. */
const squeeze = (unsqueeze: boolean): Converter => (c) => {
  c.known('axes');
  const shape = c.split(0) ? c.staticDims(0) : c.onnxShape(c.data(0));
  const given = c.opset < 13 ? c.ints('axes') : c.hasInput(1) ? Array.from(c.constant(1, 'axes').data) : null;
  if (unsqueeze && !given) c.refuse('it has no axes');
  const rank = shape.length + (unsqueeze ? given!.length : 0);
  const axes = (given ?? shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a < 0 || a >= rank)) c.refuse(`axes ${JSON.stringify(given)} are out of range for a ${formatShape(shape)} tensor`);
  let target: number[];
  if (unsqueeze) {
    const dims = [...shape];
    target = Array.from({ length: rank }, (_, i) => (axes.includes(i) ? 1 : dims.shift()!));
  } else {
    if (axes.some((a) => shape[a] !== 1)) c.refuse(`it squeezes axes ${JSON.stringify(given)} of a ${formatShape(shape)} tensor, which are not all of size 1`);
    target = shape.filter((_, i) => !axes.includes(i));
  }
  // The batch (symbolic or not) stays where it is: 0 copies it.
  reshapeTo(c, target.map((d, i) => (i === 0 && !axes.includes(0) ? 0 : d)), false);
};

/** Reshape of input 0 to an ONNX target shape (0 copies the input's size unless allowZero, one −1 is inferred). */
function reshapeTo(c: NodeContext, spec: number[], allowZero: boolean): void {
  // A Split holds its image's values in ONNX's order: reshaping it is reshaping the image.
  const split = c.split(0);
  const x = split ? split.x : c.data(0);
  const shape = split ? c.staticDims(0) : c.onnxShape(x);
  const batch = c.importer.batch;
  const batchFirst = x.layout.kind !== 'unbatched';
  // ONNX's rules: 0 copies the input's size on that axis (unless allowzero), one −1 is inferred.
  const target = spec.map((d, i) => (d === 0 && !allowZero ? shape[i] : d));
  if (target.some((d) => d === 0)) c.refuse(`it would produce an empty tensor (${formatShape(spec)})`);
  if (target.filter((d) => d === -1).length > 1 || target.some((d) => d < -1)) c.refuse(`shape ${JSON.stringify(spec)} is not a valid ONNX reshape target`);
  const rest = (dims: number[]) => sizeOf(dims.filter((d) => d !== -1));
  let ours: number[];
  if (batchFirst) {
    // The batch stays: the target's first axis must be the batch (given, copied or inferred).
    const batchless = sizeOf(x.shape);
    const first = target[0];
    const keepsBatch = first === batch || spec[0] === 0 || (first === -1 && rest(target.slice(1)) === batchless);
    if (!keepsBatch || target.length < 2) c.refuse(`it reshapes ${formatShape(shape)} to ${formatShape(spec)}, changing the batch axis; deepwire keeps the batch apart`);
    ours = target.slice(1);
  } else ours = target;
  const inferred = ours.indexOf(-1);
  const elements = sizeOf(x.shape);
  if (inferred >= 0) ours[inferred] = elements / rest(ours);
  if (!ours.every((d) => Number.isInteger(d) && d > 0) || sizeOf(ours) !== elements)
    c.refuse(`it cannot reshape ${formatShape(shape)} (${elements} values per item) to ${formatShape(spec)}`);
  if (x.layout.kind === 'nchw') {
    // [C, ...spatial] is the image itself (the end of a channel shuffle); [a, b, ...spatial] with
    // a·b = C splits the channels, the start of one (a Split, for the Transpose that follows).
    const [, C, ...spatial] = c.onnxShape(x);
    const is = (dims: number[], want: number[]) => dims.length === want.length && dims.every((d, i) => d === want[i]);
    if (is(ours, [C, ...spatial])) return c.output(0, x);
    // One pixel: N×C×1×1 and N×C×1 hold the same values in the same order (ours 1×1×C either way).
    if (spatial.every((d) => d === 1) && (is(ours, [C, 1]) || is(ours, [C, 1, 1]))) return c.output(0, { ...x, layout: ours.length === 3 ? NCHW : NCW });
    if (ours.length === spatial.length + 2 && ours[0] * ours[1] === C && is(ours.slice(2), spatial))
      return c.output(0, { kind: 'split', x, groups: [ours[0], ours[1]] });
  }
  if (x.layout.kind === 'nchw' || x.layout.kind === 'features') {
    const same = ours.length === x.shape.length && ours.every((d, i) => d === x.shape[i]) && x.layout.kind === 'features';
    if (same) return c.output(0, x);
    // An image whose H×W is 1×1 holds its values in the same order either way.
    const trivial = x.layout.kind === 'nchw' && x.shape[0] === 1 && x.shape[1] === 1;
    if (!trivial && !(x.layout.kind === 'nchw' && ours.length === 1))
      c.refuse(`it reshapes an N×C×H×W image to ${formatShape(spec)}; deepwire holds images channels-last and can only flatten them`, 'use Flatten, or reshape after a global pooling');
    if (!trivial) {
      const [H, W, C] = x.shape;
      return c.output(0, c.add('Flatten', {}, [x], { kind: 'features', order: flattenOrder(C, H, W) }));
    }
    return c.output(0, c.add('Reshape', { target_shape: ours }, [x], BATCHED));
  }
  // N×C×1×1 (N×C×1) is an image (1-D data) of one pixel, the same values in the same order: so held,
  // it broadcasts against images (the excitation of a squeeze-excite block).
  if (x.layout.kind === 'batched' && ours.length >= 2 && ours.length <= 3 && ours.slice(1).every((d) => d === 1))
    return c.output(0, c.add('Reshape', { target_shape: [1, 1, ours[0]] }, [x], ours.length === 3 ? NCHW : NCW));
  c.output(0, c.add('Reshape', { target_shape: ours }, [x], x.layout));
}

const concat: Converter = (c) => {
  c.known('axis');
  // Before opset 4 the axis defaulted to 1.
  if (!c.has('axis') && c.opset >= 4) c.refuse('it has no axis');
  const inputs: Data[] = [];
  for (let i = 0; i < c.inputCount; i++) {
    if (!c.hasInput(i)) continue;
    const v = c.operand(i, inputs[0]);
    if (v.kind === 'const') return c.refuse(`input '${c.node.input[i]}' is a constant; deepwire concatenates computed tensors`);
    inputs.push(v);
  }
  const shape = c.onnxShape(inputs[0]), rank = shape.length;
  let axis = c.int('axis', 1);
  if (axis < -rank || axis >= rank) c.refuse(`axis ${axis} is out of range for ${formatShape(shape)} inputs`);
  if (axis < 0) axis += rank;
  const kinds = new Set(inputs.map((d) => (d.layout.kind === 'features' ? 'batched' : d.layout.kind)));
  if (kinds.size > 1 || inputs.some((d) => c.onnxShape(d).length !== rank))
    c.refuse(`it joins ${inputs.map((d) => formatShape(c.onnxShape(d))).join(', ')} tensors held in different layouts`);
  if (inputs.length === 1) return c.output(0, inputs[0]);
  const layout0 = inputs[0].layout;
  if (layout0.kind !== 'unbatched' && axis === 0) c.refuse('it joins along the batch axis; deepwire keeps the batch apart');
  let layout: Layout = layout0.kind === 'features' ? BATCHED : layout0;
  if (inputs.some((d) => d.layout.kind === 'features')) {
    // Flattened images keep their own feature orders, one after another.
    const order: number[] = [];
    let offset = 0;
    for (const d of inputs) {
      const F = d.shape[0];
      for (let f = 0; f < F; f++) order.push(offset + (d.layout.kind === 'features' ? d.layout.order[f] : f));
      offset += F;
    }
    const o = Int32Array.from(order);
    layout = isIdentityOrder(o) ? BATCHED : { kind: 'features', order: o };
  }
  const keras = kerasAxis(axis, layout0);
  const rankOurs = inputs[0].shape.length;
  c.output(0, c.add('Concatenate', { axis: keras === rankOurs ? -1 : keras }, inputs, layout));
};

const pad: Converter = (c) => {
  c.known('mode', 'pads', 'value');
  const mode = c.string('mode', 'constant');
  if (!['constant', 'edge', 'reflect'].includes(mode)) c.refuse(`mode '${mode}' is not one of constant, edge, reflect`);
  const x = image(c, 0);
  let pads = c.opset < 11 ? c.ints('pads', [])! : Array.from(c.constant(1, 'pads').data);
  const value = c.opset < 11 ? c.float('value', 0) : c.hasInput(2) ? scalar(c, c.constant(2, 'constant_value'), 'constant_value') : 0;
  if (c.opset >= 18 && c.hasInput(3)) {
    // The axes pads applies to (opset 18): the others are not padded.
    const axes = Array.from(c.constant(3, 'axes').data, (a) => (a < 0 ? a + 4 : a));
    if (pads.length !== 2 * axes.length || axes.some((a) => a < 0 || a > 3)) c.refuse(`pads ${JSON.stringify(pads)} do not fit axes ${JSON.stringify(axes)} of an N×C×H×W image`);
    const full = new Array(8).fill(0);
    axes.forEach((a, i) => { full[a] = pads[i]; full[a + 4] = pads[i + axes.length]; });
    pads = full;
  } else if (c.opset >= 11 && c.hasInput(3)) c.refuse(`an axes input, which Pad takes only from opset 18; the model declares opset ${c.opset}`);
  if (pads.length !== 8) c.refuse(`pads ${JSON.stringify(pads)} must have 8 entries for an N×C×H×W image`);
  const [n0, c0, top, left, n1, c1, bottom, right] = pads;
  if (n0 || c0 || n1 || c1) c.refuse(`pads ${JSON.stringify(pads)} pad the batch or the channels; deepwire pads H and W only`);
  if (mode !== 'constant') {
    if ([top, left, bottom, right].some((p) => p < 0)) c.refuse(`negative pads ${JSON.stringify(pads)} (cropping) with mode '${mode}' are not supported`, 'crop with Slice before the Pad');
    return c.output(0, c.add('Pad2D', { padding: [[top, bottom], [left, right]], mode }, [x], NCHW));
  }
  const grow = [[Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)]];
  const crop = [[Math.max(-top, 0), Math.max(-bottom, 0)], [Math.max(-left, 0), Math.max(-right, 0)]];
  const grows = grow.flat().some((v) => v > 0), crops = crop.flat().some((v) => v > 0);
  let y = x;
  // Padding with v: shift by −v, pad zeros, shift back.
  if (grows && value !== 0) y = c.add('Rescaling', { scale: 1, offset: -value }, [y], NCHW, {}, '/shift');
  if (crops) y = c.add('Cropping2D', { cropping: crop }, [y], NCHW, {}, grows ? '/crop' : '');
  if (grows) y = c.add('ZeroPadding2D', { padding: grow }, [y], NCHW, {}, value !== 0 ? '/pad' : '');
  if (grows && value !== 0) y = c.add('Rescaling', { scale: 1, offset: value }, [y], NCHW);
  c.output(0, y);
};

/**
 * ReduceMean / ReduceMax / ReduceSum on deepwire's pools, exactly: each run of adjacent reduced axes (in
 * our layout) is a global pool of [run, 1, rest] or a 1×run pool of [before, run, rest], reshaped (a view)
 * around it; an image's H×W (x.mean((2, 3)) in a squeeze-excite block) is one GlobalAveragePool2D.
 * A sum is the mean times the count. Axes are an attribute, an input from opset 18 (ReduceSum's from 13).
 */
const reduce = (op: 'mean' | 'max' | 'sum'): Converter => (c) => {
  const axesInput = c.opset >= (op === 'sum' ? 13 : 18);
  c.known('keepdims', ...(axesInput ? ['noop_with_empty_axes'] : ['axes']));
  if (!axesInput && c.hasInput(1))
    c.refuse(`it takes its axes as an input, which ${c.node.op_type} does only from opset 18; the model declares opset ${c.opset}, where they are an attribute`, 'declare the opset the model was written for');
  const x = c.data(0);
  const shape = c.onnxShape(x), rank = shape.length;
  const keepdims = c.int('keepdims', 1) === 1;
  let axes = axesInput ? (c.hasInput(1) ? Array.from(c.constant(1, 'axes').data) : []) : c.ints('axes', [])!;
  if (axes.length === 0) {
    if (axesInput && c.int('noop_with_empty_axes', 0) === 1) return c.output(0, x);
    axes = Array.from({ length: rank }, (_, i) => i);
  }
  if (axes.some((a) => a < -rank || a >= rank)) c.refuse(`axes ${JSON.stringify(axes)} are out of range for a ${formatShape(shape)} tensor`);
  const onnxAxes = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (x.layout.kind !== 'unbatched' && onnxAxes.includes(0))
    c.refuse(`it reduces axis 0 of a ${formatShape(shape)} tensor, the batch; deepwire keeps the items of a batch apart`, 'reduce the other axes only');
  // A flattened image's features are in our order, which a reduction over all of them ignores.
  const layout: Layout = x.layout.kind === 'features' ? BATCHED : x.layout;
  // Our axes (without the batch) and the shape the result has with keepdims.
  const ours = onnxAxes.map((a) => kerasAxis(a, layout) - 1).sort((a, b) => a - b);
  const kept = x.shape.map((d, i) => (ours.includes(i) ? 1 : d));
  let target = kept, outLayout = layout;
  if (!keepdims) {
    const rest = shape.filter((_, i) => !onnxAxes.includes(i));
    if (layout.kind !== 'nchw') target = x.shape.filter((_, i) => !ours.includes(i));
    else {
      // Without its channels an image's remaining axes are in our order; with them and one spatial axis it is N×C×L.
      const cKept = !onnxAxes.includes(1), spatial = rest.length - 1 - (cKept ? 1 : 0);
      [target, outLayout] = !cKept ? [rest.slice(1), BATCHED] : spatial === 0 ? [[shape[1]], BATCHED] : [[1, rest[2], shape[1]], NCW];
    }
    if (target.length === 0) c.refuse(`without keepdims it would leave ${layout.kind === 'unbatched' ? 'a scalar' : 'only the batch axis'}; deepwire's tensors keep at least one axis besides the batch`, 'export it with keepdim=True');
  }
  const runs: [number, number][] = [];
  for (const a of ours) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  const is = (s: readonly number[], t: readonly number[]) => s.length === t.length && s.every((d, i) => d === t[i]);
  let y = x, count = 1;
  for (const [k, [first, last]] of runs.entries()) {
    const s = y.shape;
    const before = sizeOf(s.slice(0, first)), n = sizeOf(s.slice(first, last + 1)), after = sizeOf(s.slice(last + 1));
    count *= n;
    if (n === 1) continue;
    const tag = runs.length > 1 ? `/${k}` : '';
    const reshape = (dims: number[], suffix: string, input: Data) =>
      is(input.shape, dims) ? input : c.add('Reshape', { target_shape: dims }, [input], layout, {}, tag + suffix);
    if (s.length === 3 && last <= 1 && s[0] * s[1] === n) {
      // An image's H×W (or the one of them that is not 1): the global pool itself, flat when that is the result (x.mean((2, 3))).
      const flat = k === runs.length - 1 && is(target, [s[2]]);
      y = c.add(op === 'max' ? 'GlobalMaxPool2D' : 'GlobalAveragePool2D', { keepdims: !flat }, [y], layout, {}, tag + '/pool');
      continue;
    }
    const pooled = before === 1
      ? c.add(op === 'max' ? 'GlobalMaxPool2D' : 'GlobalAveragePool2D', { keepdims: true }, [reshape([n, 1, after], '/flat', y)], layout, {}, tag + '/pool')
      : c.add(op === 'max' ? 'MaxPool2D' : 'AveragePool2D', { pool_size: [1, n], strides: [1, n], padding: 'valid' }, [reshape([before, n, after], '/flat', y)], layout, {}, tag + '/pool');
    // The next run finds its axes where they were; after the last, the result is reshaped to the target.
    y = k === runs.length - 1 ? pooled : reshape(s.map((d, i) => (i >= first && i <= last ? 1 : d)), '/kept', pooled);
  }
  if (op === 'sum' && count > 1) y = c.add('Rescaling', { scale: count, offset: 0 }, [y], layout, {}, '/sum');
  y = is(y.shape, target) ? { ...y, layout: outLayout } : c.add('Reshape', { target_shape: target }, [y], outLayout);
  c.output(0, y);
};

const identity: Converter = (c) => {
  c.known();
  c.output(0, c.operand(0));
};

const dropout: Converter = (c) => {
  c.known('ratio', 'seed', 'is_test', 'consumed_inputs');
  const ratio = c.opset < 12 ? c.float('ratio', 0.5) : c.hasInput(1) ? scalar(c, c.constant(1, 'ratio'), 'ratio') : 0.5;
  const training = c.opset >= 12 && c.hasInput(2) && scalar(c, c.constant(2, 'training_mode'), 'training_mode') !== 0;
  if (training && ratio !== 0) c.refuse('it is in training mode (random); deepwire runs inference', 'export the model in eval mode');
  const x = c.data(0);
  c.output(0, c.add('Dropout', { rate: ratio }, [x], x.layout));
  // Nothing is dropped, so the mask is all true: 0·x + 1 (NaN where x is ±Inf or NaN, which is true as a bool too).
  if (c.outputUsed(1)) c.output(1, c.add('Rescaling', { scale: 0, offset: 1 }, [x], x.layout, {}, '/mask'), 'bool');
};

const constant: Converter = (c) => {
  c.known('value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'sparse_value', 'value_string', 'value_strings');
  const t = c.tensor('value');
  let value: TensorValue;
  if (t) value = t;
  else if (c.has('value_float')) value = { name: '', dtype: 'float32', dims: [], data: Float32Array.of(c.float('value_float', 0)) };
  else if (c.has('value_floats')) {
    const v = c.floats('value_floats')!;
    value = { name: '', dtype: 'float32', dims: [v.length], data: Float32Array.from(v) };
  } else if (c.has('value_int')) value = { name: '', dtype: 'int64', dims: [], data: Float64Array.of(c.int('value_int', 0)) };
  else if (c.has('value_ints')) {
    const v = c.ints('value_ints')!;
    value = { name: '', dtype: 'int64', dims: [v.length], data: Float64Array.from(v) };
  } else return c.refuse('only dense numeric values are supported (value, value_float(s), value_int(s))');
  c.output(0, { kind: 'const', tensor: value });
};

/**
 * Transpose between N×C×H×W and N×H×W×C (what deepwire's own export writes around a Flatten) only
 * relabels the layout: ours is channels-last either way. Other permutations of computed tensors are refused.
 */
const transpose: Converter = (c) => {
  c.known('perm');
  const split = c.split(0);
  const rank = split ? c.staticDims(0).length : c.onnxRankOf(0);
  const perm = c.ints('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i))!;
  const is = (p: number[]) => p.length === perm.length && p.every((v, i) => v === perm[i]);
  const identity = Array.from({ length: rank }, (_, i) => i);
  /** The identity but for axes k and k + 1, swapped. */
  const swaps = (k: number) => is(identity.map((v, i) => (i === k ? k + 1 : i === k + 1 ? k : v)));
  if (split) {
    if (is(identity)) return c.output(0, split);
    // N×a×b×H×W → N×b×a×H×W: ShuffleNet's channel shuffle of a groups (src/ops/channel-shuffle.ts).
    if (!swaps(1))
      c.refuse(`perm ${JSON.stringify(perm)} of an N×C×H×W image reshaped to ${formatShape(c.staticDims(0))}: deepwire reads that only as a channel shuffle, perm ${JSON.stringify(identity.map((v, i) => (i === 1 ? 2 : i === 2 ? 1 : v)))}`);
    const [a, b] = split.groups;
    return c.output(0, { kind: 'split', x: c.add('ChannelShuffle', { groups: a }, [split.x], split.x.layout), groups: [b, a] });
  }
  const x = c.data(0);
  if (is(identity)) return c.output(0, x);
  if (x.layout.kind === 'nchw' && is([0, 2, 3, 1])) return c.output(0, { ...x, layout: BATCHED });
  if (x.layout.kind === 'batched' && rank === 4 && is([0, 3, 1, 2])) return c.output(0, { ...x, layout: NCHW });
  // Swapping the last two axes (a, b) of a tensor held in ONNX's order interleaves them: a channel
  // shuffle of a groups over a·b (what deepwire's own export writes for a ChannelShuffle of a non-image).
  const plain = x.layout.kind === 'unbatched' || (x.layout.kind === 'batched' && rank >= 3);
  if (plain && rank >= 2 && swaps(rank - 2)) {
    const [a, b] = x.shape.slice(-2), lead = x.shape.slice(0, -2);
    const flat = c.add('Reshape', { target_shape: [...lead, a * b] }, [x], x.layout, {}, '/flat');
    const shuffled = c.add('ChannelShuffle', { groups: a }, [flat], x.layout, {}, '/shuffle');
    return c.output(0, c.add('Reshape', { target_shape: [...lead, b, a] }, [shuffled], x.layout));
  }
  c.refuse(`perm ${JSON.stringify(perm)} of a computed ${formatShape(c.onnxShape(x))} tensor: deepwire transposes images between N×C×H×W and N×H×W×C, and swaps the last two axes of other tensors`);
};

/** Ops beyond the issue's list that deepwire also reads (not part of the conformance scope). */
export const EXTRA_CONVERTERS: Record<string, Converter> = { Transpose: transpose, Unsqueeze: squeeze(true), Squeeze: squeeze(false) };

export const CONVERTERS: Record<string, Converter> = {
  Conv: conv,
  MaxPool: pool(true),
  AveragePool: pool(false),
  GlobalAveragePool: globalPool('GlobalAveragePool2D'),
  GlobalMaxPool: globalPool('GlobalMaxPool2D'),
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Gemm: gemm,
  MatMul: matMul,
  Add: elementwise('Add'),
  Sub: elementwise('Sub'),
  Mul: elementwise('Mul'),
  Div: elementwise('Div'),
  Max: elementwise('Max'),
  Min: elementwise('Min'),
  Mean: elementwise('Mean'),
  Sum: elementwise('Sum'),
  Concat: concat,
  ReduceMean: reduce('mean'),
  ReduceMax: reduce('max'),
  ReduceSum: reduce('sum'),
  Relu: unary('ReLU', () => ({})),
  LeakyRelu: leakyRelu,
  Clip: clip,
  Sigmoid: unary('Activation', () => ({ activation: 'sigmoid' })),
  HardSigmoid: hardSigmoid,
  Tanh: unary('Activation', () => ({ activation: 'tanh' })),
  Elu: elu,
  Softplus: unary('Activation', () => ({ activation: 'softplus' })),
  Softsign: unary('Activation', () => ({ activation: 'softsign' })),
  Gelu: gelu,
  Slice: slice,
  Split: split,
  Softmax: softmax,
  Flatten: flatten,
  Reshape: reshape,
  Pad: pad,
  Identity: identity,
  Dropout: dropout,
  Constant: constant,
};
