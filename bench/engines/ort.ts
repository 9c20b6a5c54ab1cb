// ONNX Runtime Web: the WebGPU EP as `onnxruntime-web` ships it (JSEP), the C++ WebGPU EP
// (`onnxruntime-web/webgpu`) and the wasm CPU EP, on an ONNX model of the workload with the same weights.
// NCHW: the input is transposed before and the output after the timed runs.
import type * as ORT from 'onnxruntime-web';
import { analyzeGraph } from '../../src/graph/analyze.ts';
import { exportOnnx } from '../../src/io/onnx-export.ts';
import { adapterName, type EngineName, type Prepare } from './types.ts';
import type { Tensor } from '../../src/tensor.ts';
import type { Workload } from '../workloads.ts';

/** The workload as ONNX: the file it was imported from, else our export of its graph with the same weights. */
function onnxModel(w: Workload): { bytes: Uint8Array; input: string; output: string } {
  if (w.onnx) return w.onnx;
  // The exporter takes a weight store, keyed as materializeWeights reads it: hand it ours.
  const store = new Map<string, Tensor>();
  for (const [id, named] of w.weights)
    for (const [name, t] of Object.entries(named)) store.set(w.report.byId.get(id)!.weightRefs?.[name] ?? `${id}/${name}`, t);
  return { bytes: exportOnnx(w.report, { weights: store }), input: w.inputId, output: w.output };
}

/** A one-ReLU model: starts ONNX Runtime's runtime and device before anything is timed. */
const warmup = () => exportOnnx(analyzeGraph({
  format: 'deepwire-graph', version: 1, outputs: ['y'],
  nodes: [{ id: 'x', op: 'Input', attrs: { shape: [2, 2, 4] } }, { id: 'y', op: 'ReLU', inputs: ['x'] }],
}));

async function runtime(name: EngineName): Promise<typeof ORT> {
  // Served from node_modules as they are (vite optimizeDeps excludes them) so the .wasm files resolve.
  if (name === 'ort-webgpu-native') return (await import('onnxruntime-web/webgpu')) as typeof ORT;
  if (name === 'ort-wasm') return (await import('onnxruntime-web/wasm')) as typeof ORT;
  return import('onnxruntime-web');
}

const nhwcToNchw = (x: Float32Array, [H, W, C]: readonly number[]) => {
  const y = new Float32Array(x.length);
  for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) y[(c * H + h) * W + w] = x[(h * W + w) * C + c];
  return y;
};
const nchwToNhwc = (x: Float32Array, [H, W, C]: readonly number[]) => {
  const y = new Float32Array(x.length);
  for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) y[(h * W + w) * C + c] = x[(c * H + h) * W + w];
  return y;
};

export function prepareOrt(name: EngineName): Prepare {
  return async (w) => {
    const ort = await runtime(name);
    const ep = name === 'ort-wasm' ? 'wasm' : 'webgpu';
    ort.env.wasm.numThreads = Math.min(navigator.hardwareConcurrency, 4);
    // Start the runtime and its device on a one-Relu model: not part of any workload's cold run.
    const warm = await ort.InferenceSession.create(warmup(), { executionProviders: [ep] });
    await warm.run({ x: new ort.Tensor('float32', new Float32Array(16), [1, 4, 2, 2]) });
    await warm.release();

    const model = onnxModel(w);
    const inShape = w.report.byId.get(w.inputId)!.shape!;
    const outShape = w.report.byId.get(w.output)!.shape!;
    const image = inShape.length === 3;
    const input = image ? nhwcToNchw(w.input.data, inShape) : w.input.data;
    const dims = image ? [1, inShape[2], inShape[0], inShape[1]] : w.input.shape;
    let session: ORT.InferenceSession | null = null;
    return {
      adapter: ep === 'wasm' ? `cpu, wasm, ${ort.env.wasm.numThreads} threads` : await adapterName(),
      async build() {
        session = await ort.InferenceSession.create(model.bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' });
      },
      async run() {
        const out = await session!.run({ [model.input]: new ort.Tensor('float32', input, dims) });
        return out[model.output].data as Float32Array;
      },
      toNhwc: (y) => (outShape.length === 3 ? nchwToNhwc(y, outShape) : y),
      async dispose() {
        await session?.release();
      },
    };
  };
}
