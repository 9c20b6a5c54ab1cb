// A pooled value taken apart: the window (padding never counts), and its winner (max) or its sum and
// divisor (average), for MaxPool2D, AveragePool2D and the global pools. Geometry: src/ops/max-pool2d.ts.
import type { AveragePool2DAttrs } from '../ops/average-pool2d.ts';
import { poolGeometry } from '../ops/max-pool2d.ts';
import { imageSize, offsetOf } from './position.ts';
import type { ExplainRequest, PoolExplanation } from './types.ts';

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

export function explainPool(req: ExplainRequest & { image: number }): PoolExplanation {
  const { node, output, at, image } = req;
  const input = req.inputs[0];
  const x = input.tensor;
  const [H, W, C] = x.shape.slice(1);
  const global = node.op === 'GlobalMaxPool2D' || node.op === 'GlobalAveragePool2D';
  const mode: PoolExplanation['mode'] = node.op === 'MaxPool2D' || node.op === 'GlobalMaxPool2D' ? 'max' : 'average';
  const channel = at[at.length - 1];
  let rows: number[], cols: number[];
  let divisor: number | undefined;
  if (global) [rows, cols] = [range(0, H), range(0, W)];
  else {
    const a = node.attrs as unknown as AveragePool2DAttrs;
    const { h, w, strides: [SH, SW] } = poolGeometry(node.op, [H, W, C], a);
    const [KH, KW] = a.pool_size;
    const y0 = at[0] * SH - h.padBefore, x0 = at[1] * SW - w.padBefore;
    [rows, cols] = [range(y0, KH), range(x0, KW)];
    // With count_include_pad the pads count too, up to the padded edge (as the op's reference divides).
    if (mode === 'average' && a.count_include_pad) divisor = (Math.min(y0 + KH, H + h.padAfter) - y0) * (Math.min(x0 + KW, W + w.padAfter) - x0);
  }
  const base = image * imageSize(x);
  const values = rows.flatMap((iy) => cols.map((ix) => (iy < 0 || iy >= H || ix < 0 || ix >= W ? null : x.data[base + (iy * W + ix) * C + channel])));
  const common = {
    kind: 'pool' as const, node: node.id, name: node.name, op: node.op, at, image, shape: output.shape.slice(1),
    value: output.data[offsetOf(output, image, at)], mode, global,
    input: { id: input.id, name: input.name, shape: x.shape.slice(1) }, channel, rows, cols, values,
  };
  if (mode === 'max') {
    let best = -1;
    values.forEach((v, i) => {
      if (v !== null && (best < 0 || v > values[best]!)) best = i;
    });
    const winner = { row: rows[Math.floor(best / cols.length)], col: cols[best % cols.length], value: values[best]! };
    return { ...common, total: winner.value, scale: Math.abs(winner.value), winner };
  }
  const real = values.filter((v): v is number => v !== null);
  const sum = real.reduce((s, v) => s + v, 0);
  const count = divisor ?? real.length;
  return { ...common, total: sum / count, scale: real.reduce((s, v) => s + Math.abs(v), 0) / count, sum, count };
}
