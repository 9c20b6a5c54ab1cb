/** Export of the graph with the weights Run uses (trained here, opened, or the seeded initializers): the Keras
 *  model JSON with its float32 weights shard (the TF.js Layers format `deepwire export-keras` writes, which
 *  `tf.loadLayersModel` opens) or an ONNX file, through the engine's own exporters (src/io). They run in a
 *  worker (export-worker.ts): protobufjs builds its ONNX encoder with Function, which the page's
 *  Content-Security-Policy forbids, and a big model's export does not hold the page. This module imports
 *  the exporters directly, not src/index.ts, so the worker loads only what it uses. */
import { analyzeGraph, type GraphReport } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import { exportKerasModel } from '../src/io/keras-model-export.ts';
import { exportOnnx } from '../src/io/onnx-export.ts';
import type { WeightStore } from '../src/runtime/reference.ts';

export interface ExportFile { name: string; type: string; bytes: Uint8Array }
export type ExportFormat = 'keras' | 'onnx';

export type ExportReply = { ok: true; files: ExportFile[] } | { ok: false; message: string; hint?: string };

/** A file name from the graph's name: letters, digits, dots and dashes. */
export const baseName = (graph: GraphFile): string => (graph.name || 'model').replace(/[^\w.-]+/g, '_');

/** The files of an export; throws (with the exporter's words) for a graph a format cannot express. */
export function exportFiles(format: ExportFormat, graph: GraphFile, store: WeightStore): ExportFile[] {
  const name = baseName(graph);
  if (format === 'keras') {
    const shardName = `${name}.weights.bin`;
    const { modelJson, shard } = exportKerasModel(graph, { weights: store, shardName });
    return [
      { name: `${name}.json`, type: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
      { name: shardName, type: 'application/octet-stream', bytes: shard },
    ];
  }
  const report: GraphReport = analyzeGraph(graph);
  return [{ name: `${name}.onnx`, type: 'application/octet-stream', bytes: exportOnnx(report, { weights: store, seed: graph.seed ?? 0, name }) }];
}

/** Exports in the worker: only the weights the graph refers to are sent. */
export function exportInWorker(format: ExportFormat, graph: GraphFile, store: WeightStore): Promise<ExportFile[]> {
  const refs = new Set(graph.nodes.flatMap((n) => Object.values(n.weights ?? {})));
  const weights: WeightStore = new Map([...store].filter(([key]) => refs.has(key)));
  const worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ExportFile[]>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<ExportReply>) => {
      if (e.data.ok) resolve(e.data.files);
      else reject(Object.assign(new Error(e.data.message), { hint: e.data.hint }));
    };
    worker.onerror = (e) => reject(new Error(`the exporter stopped: ${e.message || 'no reason given'}`));
    worker.postMessage({ format, graph, weights });
  }).finally(() => worker.terminate());
}

