// The workload as ONNX Runtime sees it: an ONNX model with the same weights, N×C×H×W images.
import { exportOnnx } from '../src/io/onnx-export.ts';
import type { Tensor } from '../src/tensor.ts';
import type { Workload } from './workloads.ts';

/** The workload as ONNX: the file it was imported from, else our export of its graph with the same weights. */
export function onnxModel(w: Workload): { bytes: Uint8Array; input: string; output: string } {
  if (w.onnx) return w.onnx;
  // The exporter takes a weight store, keyed as materializeWeights reads it: hand it ours.
  const store = new Map<string, Tensor>();
  for (const [id, named] of w.weights)
    for (const [name, t] of Object.entries(named)) store.set(w.report.byId.get(id)!.weightRefs?.[name] ?? `${id}/${name}`, t);
  return { bytes: exportOnnx(w.report, { weights: store }), input: w.inputId, output: w.output };
}

export const nhwcToNchw = (x: Float32Array, [H, W, C]: readonly number[]) => {
  const y = new Float32Array(x.length);
  for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) y[(c * H + h) * W + w] = x[(h * W + w) * C + c];
  return y;
};
export const nchwToNhwc = (x: Float32Array, [H, W, C]: readonly number[]) => {
  const y = new Float32Array(x.length);
  for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) y[(h * W + w) * C + c] = x[(c * H + h) * W + w];
  return y;
};

