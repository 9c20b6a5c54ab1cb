// What the page needs from each engine: start-up (untimed), build the model from the workload (timed
// with the first run), and a forward pass that returns the output read back to the CPU.
import type { Workload } from '../workloads.ts';

export interface PreparedEngine {
  /** The WebGPU adapter (or 'cpu') this engine runs on. */
  adapter: string;
  /** Anything worth a line in the log (deepwire's one-time autotune). */
  note?: string;
  /** Turns the workload's graph and weights into this engine's model: part of the cold first run. */
  build(): Promise<void>;
  /** One forward pass: input from the CPU, output read back to the CPU. */
  run(): Promise<Float32Array>;
  /** The output in NHWC order, for comparison (untimed). */
  toNhwc(output: Float32Array): Float32Array;
  dispose(): Promise<void>;
}

export type EngineName = 'deepwire' | 'ort-webgpu' | 'ort-webgpu-native' | 'tfjs-webgpu' | 'ort-wasm';

export interface EngineInfo {
  name: EngineName;
  label: string;
  webgpu: boolean;
}

export const ENGINES: EngineInfo[] = [
  { name: 'deepwire', label: 'deepwire, its autotuned conv kernel', webgpu: true },
  { name: 'ort-webgpu', label: 'ONNX Runtime Web 1.30, WebGPU EP of the default build (JSEP)', webgpu: true },
  { name: 'ort-webgpu-native', label: 'ONNX Runtime Web 1.30, C++ WebGPU EP (onnxruntime-web/webgpu)', webgpu: true },
  { name: 'tfjs-webgpu', label: 'TF.js 4.22, WebGPU backend (BN folded, bias+ReLU fused as tfjs-converter does)', webgpu: true },
  { name: 'ort-wasm', label: 'ONNX Runtime Web 1.30, wasm (CPU), for scale', webgpu: false },
];

export type Prepare = (w: Workload) => Promise<PreparedEngine>;

/** The adapter a peer gets from navigator.gpu with default options. */
export async function adapterName(): Promise<string> {
  const info = (await navigator.gpu.requestAdapter())?.info;
  return [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/**
 * `?fresh` (bench/run.ts --fresh-outputs): deepwire reads its output into a new array every run, as the
 * peers do. By default it fills one array across warm runs (`RunOptions.into`), as a loop over frames
 * would; neither peer's API offers that: TF.js's `data()` always allocates, and ONNX Runtime Web 1.30's
 * pre-allocated outputs came back unfilled (zeros) from its WebGPU EP when tried here.
 */
export const freshOutputs = () => new URLSearchParams(location.search).has('fresh');
