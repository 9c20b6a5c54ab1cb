// How an imported ONNX tensor sits in deepwire's memory. ONNX images are N×C×H×W; deepwire keeps them
// N×H×W×C, converted once at import. Every other tensor keeps ONNX's order, with ONNX's first axis as
// the batch ('batched') or behind an added batch of 1 ('unbatched', so that every ONNX axis stays addressable).
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { OnnxError } from './onnx-proto.ts';

export type Layout =
  /** ONNX N×C×H×W ↔ ours N×H×W×C; oneD: ONNX N×C×W (1-D data) ↔ ours N×1×W×C, an image one row high. */
  | { kind: 'nchw'; oneD?: boolean }
  /** Same order; ONNX's axis 0 is our batch. */
  | { kind: 'batched' }
  /** Ours = [1, ...ONNX]: an added batch of one. */
  | { kind: 'unbatched' }
  /**
   * ONNX N×F whose F features deepwire holds in another order: ours[n, f] = onnx[n, order[f]]. A Flatten
   * of an N×C×H×W image gives this (ours flattens H×W×C); the Dense that follows absorbs the order exactly.
   */
  | { kind: 'features'; order: Int32Array };

export const NCHW: Layout = { kind: 'nchw' };
export const NCW: Layout = { kind: 'nchw', oneD: true };
export const BATCHED: Layout = { kind: 'batched' };
export const UNBATCHED: Layout = { kind: 'unbatched' };

/** ONNX's shape of a tensor whose batchless shape is `ours`; `batch` is −1 when symbolic. */
export function onnxShapeOf(ours: readonly number[], layout: Layout, batch: number): number[] {
  switch (layout.kind) {
    case 'nchw': return layout.oneD ? [batch, ours[2], ours[1]] : [batch, ours[2], ours[0], ours[1]];
    case 'batched': return [batch, ...ours];
    case 'unbatched': return [...ours];
    case 'features': return [batch, ours[0]];
  }
}

/** The Keras axis (the batch is 0) of ONNX axis `axis` (already non-negative). */
export function kerasAxis(axis: number, layout: Layout): number {
  switch (layout.kind) {
    case 'nchw': return (layout.oneD ? [0, 3, 2] : [0, 3, 1, 2])[axis];
    case 'batched': return axis;
    case 'unbatched': return axis + 1;
    case 'features': return axis;
  }
}

/** `order` maps our index to ONNX's: order[ours] = onnx, for the C·H·W features of a flattened image. */
export function flattenOrder(C: number, H: number, W: number): Int32Array {
  const order = new Int32Array(C * H * W);
  for (let h = 0; h < H; h++)
    for (let w = 0; w < W; w++)
      for (let c = 0; c < C; c++) order[(h * W + w) * C + c] = (c * H + h) * W + w;
  return order;
}

export const isIdentityOrder = (order: Int32Array) => order.every((v, i) => v === i);

/** An ONNX-layout array as a deepwire tensor (batch first). */
export function toOurs(dims: readonly number[], data: ArrayLike<number>, layout: Layout, what: string): Tensor {
  if (data.length !== sizeOf(dims)) throw new OnnxError(`${what}: ${data.length} values for shape ${formatShape(dims)}`);
  switch (layout.kind) {
    case 'nchw': {
      if (dims.length !== (layout.oneD ? 3 : 4)) throw new OnnxError(`${what} must be ${layout.oneD ? 'N×C×W' : 'N×C×H×W'}, got ${formatShape(dims)}`);
      const [N, C, H, W] = layout.oneD ? [dims[0], dims[1], 1, dims[2]] : dims;
      const out = new Float32Array(data.length);
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++)
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = data[((n * C + c) * H + h) * W + w];
      return { shape: [N, H, W, C], data: out };
    }
    case 'batched': return { shape: [...dims], data: Float32Array.from(data) };
    case 'unbatched': return { shape: [1, ...dims], data: Float32Array.from(data) };
    case 'features': {
      const [N, F] = dims;
      const out = new Float32Array(data.length);
      for (let n = 0; n < N; n++) for (let f = 0; f < F; f++) out[n * F + f] = data[n * F + layout.order[f]];
      return { shape: [N, F], data: out };
    }
  }
}

/** A deepwire tensor back in ONNX's layout. */
export function toOnnx(t: Tensor, layout: Layout): { dims: number[]; data: Float32Array } {
  switch (layout.kind) {
    case 'nchw': {
      const [N, H, W, C] = t.shape;
      const out = new Float32Array(t.data.length);
      for (let n = 0; n < N; n++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++)
            for (let c = 0; c < C; c++) out[((n * C + c) * H + h) * W + w] = t.data[((n * H + h) * W + w) * C + c];
      return { dims: layout.oneD ? [N, C, W] : [N, C, H, W], data: out };
    }
    case 'batched': return { dims: [...t.shape], data: t.data };
    case 'unbatched': return { dims: t.shape.slice(1), data: t.data };
    case 'features': {
      const [N, F] = t.shape;
      const out = new Float32Array(t.data.length);
      for (let n = 0; n < N; n++) for (let f = 0; f < F; f++) out[n * F + layout.order[f]] = t.data[n * F + f];
      return { dims: [N, F], data: out };
    }
  }
}

// ── element types ────────────────────────────────────────────────────────────────────────────
// deepwire computes in float32. Other ONNX element types are accepted where float32 holds every
// input value exactly; outputs are cast back to the declared type with ONNX's (C's) semantics.

/** Integer types and their ranges (int64's ends are as near as a double gets). */
const INT_RANGES: Record<string, [number, number]> = {
  int8: [-(2 ** 7), 2 ** 7 - 1], uint8: [0, 2 ** 8 - 1], int16: [-(2 ** 15), 2 ** 15 - 1], uint16: [0, 2 ** 16 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1], int64: [-(2 ** 63), 2 ** 63 - 1], uint64: [0, 2 ** 64 - 1],
};
export const INT_TYPES: ReadonlySet<string> = new Set(Object.keys(INT_RANGES));

/** Integers float32 holds exactly: |v| ≤ 2^24. */
const EXACT_INT = 2 ** 24;

/** Throws unless float32 holds every value of a `dtype` tensor exactly (what deepwire computes in). */
export function checkFloat32Exact(data: ArrayLike<number>, dtype: string, what: string): void {
  if (dtype === 'float32') return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Math.fround(v) !== v && !Number.isNaN(v))
      throw new OnnxError(`${what} is ${dtype} and holds ${v} (at ${i}), which float32 cannot represent exactly; deepwire computes in float32`,
        INT_TYPES.has(dtype) ? `keep the values within ±${EXACT_INT}` : 'convert the data to float32');
  }
}

/** float16's nearest value (round half to even), for outputs declared float16. */
function toHalf(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  if (a >= 65520) return Math.sign(v) * Infinity;
  const step = 2 ** Math.max(Math.floor(Math.log2(a)) - 10, -24);
  const q = a / step, r = Math.round(q);
  const even = Math.abs(q - Math.trunc(q) - 0.5) < 1e-12 ? 2 * Math.round(q / 2) : r;
  return Math.sign(v) * even * step;
}

/**
 * float32 results → the output's declared type: integers truncate toward zero (ONNX's integer Div) and
 * wrap around their range (uint8 200 + 100 = 44); bool is v ≠ 0. Results beyond ±2^24 may already have
 * lost digits in float32, so an integer output there is an error rather than a wrong number.
 */
export function castFromFloat32(data: Float32Array, dtype: string, what: string): Float32Array | Float64Array {
  if (dtype === 'float32') return data;
  if (dtype === 'float64') return Float64Array.from(data);
  if (dtype === 'float16') return Float64Array.from(data, toHalf);
  if (dtype === 'bfloat16') return Float64Array.from(data, (v) => new Float32Array(new Uint32Array([(new Uint32Array(Float32Array.of(v).buffer)[0] + 0x8000) & 0xffff0000]).buffer)[0]);
  if (dtype === 'bool') return Float64Array.from(data, (v) => (v !== 0 ? 1 : 0));
  const range = INT_RANGES[dtype];
  if (!range) throw new OnnxError(`${what} is ${dtype}, which deepwire does not compute`);
  const [lo, hi] = range, span = hi - lo + 1;
  return Float64Array.from(data, (v, i) => {
    if (!Number.isFinite(v)) throw new OnnxError(`${what} is ${dtype} but deepwire computed ${v} (at ${i})`, 'check the inputs (an integer division by 0?)');
    const t = Math.trunc(v) + 0; // + 0: an integer has no −0
    if (Math.abs(t) > EXACT_INT) throw new OnnxError(`${what} is ${dtype} and reaches ${t} (at ${i}), beyond the integers float32 holds exactly (±2^24); deepwire computes in float32`);
    return t < lo || t > hi ? ((((t - lo) % span) + span) % span) + lo : t;
  });
}
