// Export ▸ PyTorch and Export ▸ Keras script in the editor: the files `deepwire export-pytorch` and
// `deepwire export-keras` write, built in the page from the graph and the weights its runs use (the
// session's stored weights, the rest from the graph's seed), ready to download. Pure: tested in Node.
import type { GraphReport } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import { exportKeras } from '../src/io/keras-export.ts';
import { exportPytorch } from '../src/io/pytorch-export.ts';
import { OpError } from '../src/ops/op.ts';
import type { WeightStore } from '../src/runtime/reference.ts';
import type { DownloadFile } from './download.ts';

/** A file to download (editor/download.ts), its bytes built here. */
export type ExportedFile = DownloadFile & { data: Uint8Array };

/** The file stem of a graph: its name, made safe for a file system (`graph` when it has none). */
export function fileStem(graph: GraphFile): string {
  return (graph.name || 'graph').replace(/[^\w.-]+/g, '_');
}

function checkReport(report: GraphReport): void {
  if (report.ok) return;
  const first = report.problems[0];
  const node = first.node !== undefined ? report.byId.get(first.node) : undefined;
  throw new OpError(`cannot export a graph with problems: ${node ? `${node.name}: ` : ''}${first.message}`, 'fix the problems shown on the nodes first');
}

/** NAME.py (an nn.Module) and NAME.npz (its weights), as `deepwire export-pytorch graph.json NAME.py` writes them. */
export function pytorchFiles(graph: GraphFile, report: GraphReport, store: WeightStore): { files: ExportedFile[]; summary: string } {
  checkReport(report);
  const stem = fileStem(graph);
  const exported = exportPytorch(report, { seed: graph.seed ?? 0, weights: store, name: graph.name || 'graph', scriptFile: `${stem}.py`, weightsFile: `${stem}.npz` });
  return {
    files: [
      { name: `${stem}.py`, data: new TextEncoder().encode(exported.script), type: 'text/x-python' },
      { name: `${stem}.npz`, data: exported.weights, type: 'application/octet-stream' },
    ],
    summary: `${stem}.py (class ${exported.className}, ${exported.layers} layers) and its weights ${stem}.npz; python3 ${stem}.py IN.npy OUT.npy runs it`,
  };
}

/** NAME.py: the Keras functional-API script, as `deepwire export-keras graph.json NAME.py` writes it. */
export function kerasScriptFile(graph: GraphFile, report: GraphReport): { files: ExportedFile[]; summary: string } {
  checkReport(report);
  const stem = fileStem(graph);
  const { script, layers } = exportKeras({ ...graph, name: graph.name || 'graph' });
  return { files: [{ name: `${stem}.py`, data: new TextEncoder().encode(script), type: 'text/x-python' }], summary: `${stem}.py (${layers.length} Keras layers)` };
}
