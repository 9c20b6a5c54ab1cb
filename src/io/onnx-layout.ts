// How an imported ONNX tensor sits in deepwire's memory. ONNX images are N×C×H×W; deepwire keeps them
// N×H×W×C, converted once at import. Every other tensor keeps ONNX's order, with ONNX's first axis as
// the batch ('batched') or behind an added batch of 1 ('unbatched', so that every ONNX axis stays addressable).
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { OnnxError } from './onnx-proto.ts';

export type Layout =
  /** ONNX N×C×H×W ↔ ours N×H×W×C. */
  | { kind: 'nchw' }
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
export const BATCHED: Layout = { kind: 'batched' };
export const UNBATCHED: Layout = { kind: 'unbatched' };

/** ONNX's shape of a tensor whose batchless shape is `ours`; `batch` is −1 when symbolic. */
export function onnxShapeOf(ours: readonly number[], layout: Layout, batch: number): number[] {
  switch (layout.kind) {
    case 'nchw': return [batch, ours[2], ours[0], ours[1]];
    case 'batched': return [batch, ...ours];
    case 'unbatched': return [...ours];
    case 'features': return [batch, ours[0]];
  }
}

/** The Keras axis (the batch is 0) of ONNX axis `axis` (already non-negative). */
export function kerasAxis(axis: number, layout: Layout): number {
  switch (layout.kind) {
    case 'nchw': return [0, 3, 1, 2][axis];
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
      if (dims.length !== 4) throw new OnnxError(`${what} must be N×C×H×W, got ${formatShape(dims)}`);
      const [N, C, H, W] = dims;
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
      return { dims: [N, C, H, W], data: out };
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
