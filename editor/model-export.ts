/** Export of the graph with the weights Run uses (trained here, opened, or the seeded initializers): the Keras
 *  model JSON with its float32 weights shard (the TF.js Layers format `deepwire export-keras` writes, which
 *  `tf.loadLayersModel` opens) or an ONNX file, through the engine's own exporters (src/io). */
import { exportKerasModel, exportOnnx, type GraphFile, type GraphReport, type WeightStore } from '../src/index.ts';

export interface ExportFile { name: string; type: string; bytes: Uint8Array }
export type ExportFormat = 'keras' | 'onnx';

/** A file name from the graph's name: letters, digits, dots and dashes. */
export const baseName = (graph: GraphFile): string => (graph.name || 'model').replace(/[^\w.-]+/g, '_');

/** The files of an export; throws (with the exporter's words) for a graph a format cannot express. */
export function exportFiles(format: ExportFormat, graph: GraphFile, report: GraphReport, store: WeightStore): ExportFile[] {
  const name = baseName(graph);
  if (format === 'keras') {
    const shardName = `${name}.weights.bin`;
    const { modelJson, shard } = exportKerasModel(graph, { weights: store, shardName });
    return [
      { name: `${name}.json`, type: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
      { name: shardName, type: 'application/octet-stream', bytes: shard },
    ];
  }
  return [{ name: `${name}.onnx`, type: 'application/octet-stream', bytes: exportOnnx(report, { weights: store, seed: graph.seed ?? 0, name }) }];
}

export function downloadFile(file: ExportFile): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.type }));
  a.download = file.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
