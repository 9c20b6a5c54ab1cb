// ONNX Runtime (onnxruntime-web, its wasm backend, single-threaded in Node) as the independent oracle
// of the ONNX tests. Test-only: the product never runs it.
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

export interface OrtTensor {
  dims: number[];
  data: Float32Array;
}

/** Runs a model once; feeds and results are float32, keyed by ONNX value name. */
export async function runOrt(model: Uint8Array, feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)]));
    const results = await session.run(inputs);
    return Object.fromEntries(Object.entries(results).map(([k, t]) => [k, { dims: [...t.dims], data: t.data as Float32Array }]));
  } finally {
    await session.release();
  }
}
