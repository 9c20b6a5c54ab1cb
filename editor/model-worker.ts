// The model worker: reads and parses .onnx files, fetches and decodes the pretrained backbones, and
// computes the zoo's statistics, all off the main thread, so that a 100 MB model never freezes the page.
// One job per worker; weights come back as transferred buffers, not copies.
// The modules it needs, not src/index.ts: the worker starts (and, in development, loads module by
// module) without the engine, the training code and the rest of the library.
import { analyzeGraph } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import { formatMegabytes } from '../src/format.ts';
import { importOnnx } from '../src/io/onnx-import.ts';
import { PRETRAINED, fetchModelFiles, loadPretrained } from '../src/models/pretrained.ts';
import { ZOO, zooModel } from '../src/models/zoo.ts';
import type { WeightStore } from '../src/runtime/reference.ts';
import { storeWeights, type StoredWeights } from './weight-db.ts';

export type ModelJob =
  | { kind: 'onnx'; file: File }
  | { kind: 'pretrained'; name: string; baseUrl: string }
  | { kind: 'zoo-stats' };

export type ModelReply =
  | { kind: 'progress'; text: string; fraction: number | null }
  /** `stored`: the weights kept in IndexedDB by this worker (hash), or why not: 100 MB packed and cloned off the page's thread. */
  | { kind: 'model'; graph: GraphFile; weights: WeightStore; notes: string[]; stored: StoredWeights }
  | { kind: 'zoo-stats'; name: string; params: number; flops: number; nodes: number }
  | { kind: 'error'; message: string; hint?: string }
  | { kind: 'done' };

const post = (reply: ModelReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);
const progress = (text: string, fraction: number | null = null) => post({ kind: 'progress', text, fraction });

self.onmessage = async (e: MessageEvent<ModelJob>) => {
  try {
    const job = e.data;
    if (job.kind === 'onnx') await sendModel(await parseOnnx(job.file));
    else if (job.kind === 'pretrained') await sendModel(await fetchPretrained(job.name, job.baseUrl));
    else zooStats();
    post({ kind: 'done' });
  } catch (err) {
    const error = err as Error & { hint?: string };
    post({ kind: 'error', message: error.message, hint: error.hint });
  }
};

/** Streams the file in, reporting how much has arrived, then parses it in one go. */
async function parseOnnx(file: File): Promise<{ graph: GraphFile; weights: WeightStore; notes: string[] }> {
  const bytes = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let at = 0, last = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, at);
    at += value.length;
    if (performance.now() - last > 50) {
      last = performance.now();
      progress(`Reading ${file.name}: ${formatMegabytes(at)} of ${formatMegabytes(file.size)}`, 0.5 * (at / Math.max(1, file.size)));
    }
  }
  progress(`Parsing ${file.name} (${formatMegabytes(file.size)})…`, 0.5);
  const imported = importOnnx(bytes.subarray(0, at), { name: file.name.replace(/\.onnx$/i, '') });
  const n = imported.graph.nodes.length;
  return {
    graph: imported.graph, weights: imported.weights,
    notes: [`ONNX opset ${imported.opset}${imported.producer ? ` from ${imported.producer}` : ''}`, `${n} nodes, ${imported.weights.size} weight tensors`],
  };
}

/** Fetches the backbone's files (model, then shards), counting them as they arrive. */
async function fetchPretrained(name: string, baseUrl: string): Promise<{ graph: GraphFile; weights: WeightStore; notes: string[] }> {
  const def = PRETRAINED[name];
  const fetchFile = fetchModelFiles(baseUrl, def?.folder ?? name);
  const total = (def?.shards ?? 0) + 1;
  let fetched = 0;
  progress(`Fetching ${name}…`, 0);
  const model = await loadPretrained(name, async (file) => {
    const text = await fetchFile(file);
    fetched++;
    progress(fetched < total ? `Fetched ${fetched} of ${total} files of ${name}` : `Decoding ${name}'s weights…`, 0.9 * (fetched / total));
    return text;
  });
  return { graph: model.graph, weights: model.weights, notes: [model.def.summary, ...model.notes] };
}

async function sendModel(model: { graph: GraphFile; weights: WeightStore; notes: string[] }): Promise<void> {
  progress('Keeping the weights for a reload…');
  const stored = await storeWeights(model.weights);
  // Several tensors may view one buffer: each buffer goes in the transfer list once.
  const buffers = new Set<ArrayBuffer>();
  for (const t of model.weights.values()) if (t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  post({ kind: 'model', ...model, stored }, [...buffers]);
}

/** Params and FLOPs of every zoo model at its native input size, in the lecture table's order. */
function zooStats(): void {
  for (const entry of ZOO) {
    const report = analyzeGraph(zooModel(entry.name));
    post({ kind: 'zoo-stats', name: entry.name, params: report.totals.params, flops: report.totals.flops, nodes: report.nodes.length });
  }
}
