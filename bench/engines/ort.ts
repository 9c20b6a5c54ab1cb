// ONNX Runtime Web: the WebGPU EP as `onnxruntime-web` ships it (JSEP), the C++ WebGPU EP
// (`onnxruntime-web/webgpu`) and the wasm CPU EP, on an ONNX model of the workload with the same weights.
// NCHW: the input is transposed before and the output after the timed runs.
import type * as ORT from 'onnxruntime-web';
import { analyzeGraph } from '../../src/graph/analyze.ts';
import { exportOnnx } from '../../src/io/onnx-export.ts';
import { nchwToNhwc, nhwcToNchw, onnxModel } from '../onnx-model.ts';
import { adapterName, type EngineName, type Prepare } from './types.ts';
import type { Workload } from '../workloads.ts';

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
      // Without cross-origin isolation ORT quietly runs one thread.
      adapter: ep === 'wasm' ? `cpu, wasm, ${crossOriginIsolated ? ort.env.wasm.numThreads : 1} thread(s)` : await adapterName(),
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
