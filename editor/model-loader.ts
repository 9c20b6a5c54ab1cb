// Opening whole models in the editor: Keras applications from the zoo, the pretrained backbones and
// .onnx files. Parsing and fetching run in editor/model-worker.ts; each model arrives laid out
// (editor/model-layout.ts) and with its weights in the session store (editor/weight-store.ts).
import { KERAS_APPLICATION_PREPROCESS, PRETRAINED, ZOO, zooModel, type GraphFile, type Preprocess, type ZooOptions } from '../src/index.ts';
import { arrangeModel } from './model-layout.ts';
import { collapseAll } from './groups.ts';
import type { ModelJob, ModelReply } from './model-worker.ts';
import { adoptWeights, weightsKept } from './weight-store.ts';

export interface LoadProgress { text: string; fraction: number | null }

/** A model ready to become the editor's graph. */
export interface OpenedModel {
  graph: GraphFile;
  /** What was opened, for the message: `ResNet50 (Keras applications)`, `resnet50.onnx`. */
  label: string;
  notes: string[];
  /** The normalisation its weights expect (pretrained backbones). */
  preprocess?: Preprocess;
}

export interface ZooRow {
  name: string;
  family: string;
  inputSize: number;
  /** At the native input size, with the top; absent until the worker has counted them. */
  params?: number;
  flops?: number;
  nodes?: number;
}

export interface PretrainedRow { name: string; summary: string }

export const pretrainedRows = (): PretrainedRow[] => Object.values(PRETRAINED).map((d) => ({ name: d.name, summary: d.summary }));

/** A load in a fresh model worker: progress as it goes, the final reply, a cancel that ends the worker. */
function runJob(job: ModelJob, onReply: (r: ModelReply) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' });
    const finish = (error?: unknown) => {
      worker.terminate();
      signal?.removeEventListener('abort', abort);
      if (error) reject(error);
      else resolve();
    };
    const abort = () => finish(new DOMException('cancelled', 'AbortError'));
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    worker.onmessage = (e: MessageEvent<ModelReply>) => {
      const reply = e.data;
      if (reply.kind === 'error') return finish(Object.assign(new Error(reply.message), { hint: reply.hint }));
      if (reply.kind === 'done') return finish();
      onReply(reply);
    };
    worker.onerror = (e) => finish(new Error(`the model worker failed: ${e.message || 'it could not start'}`));
    worker.postMessage(job);
  });
}

let zooCache: ZooRow[] | null = null;
let zooPending: Promise<void> | null = null;

/** The zoo's rows now, and again each time the worker adds a model's counts (once per page). */
export function zooRows(onChange: (rows: ZooRow[]) => void): ZooRow[] {
  zooCache ??= ZOO.map((e) => ({ name: e.name, family: e.family, inputSize: e.inputSize }));
  zooPending ??= runJob({ kind: 'zoo-stats' }, (reply) => {
    if (reply.kind !== 'zoo-stats') return;
    zooCache = zooCache!.map((row) => (row.name === reply.name ? { ...row, params: reply.params, flops: reply.flops, nodes: reply.nodes } : row));
    onChange(zooCache);
  }).catch(() => {
    zooPending = null; // counted again next time the gallery opens
  });
  return zooCache;
}

async function arranged(graph: GraphFile, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<GraphFile> {
  onProgress({ text: `Arranging ${graph.nodes.length} nodes…`, fraction: null });
  return (await arrangeModel(graph, { signal })).graph;
}

/** A Keras application as keras.applications.NAME(weights=None, **options) builds it. */
export async function openZoo(name: string, onProgress: (p: LoadProgress) => void, signal?: AbortSignal, options: ZooOptions = {}): Promise<OpenedModel> {
  // Blocks collapsed: a 1 000-node NASNet opens as its ~30 cells, each expandable.
  const graph = collapseAll(zooModel(name, options));
  // The photo is fed as the model's own keras.applications preprocess_input does, as the CLI does.
  const family = ZOO.find((e) => e.name.toLowerCase() === name.toLowerCase())?.family;
  return {
    graph: await arranged(graph, onProgress, signal), notes: [],
    label: `${graph.name ?? name} (Keras applications, random weights${options.include_top === false ? `, include_top=False${options.pooling ? `, pooling='${options.pooling}'` : ''}` : ''})`,
    preprocess: family ? KERAS_APPLICATION_PREPROCESS[family] : undefined,
  };
}

/** A model the worker produced with its weights: laid out, its weights added to the session store. */
async function openWithWeights(job: ModelJob, label: string, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<OpenedModel> {
  let model: Extract<ModelReply, { kind: 'model' }> | null = null;
  await runJob(job, (reply) => {
    if (reply.kind === 'progress') onProgress(reply);
    if (reply.kind === 'model') model = reply;
  }, signal);
  if (!model) throw new Error(`${label}: the model worker sent no model`);
  const { graph, weights, notes, stored } = model as Extract<ModelReply, { kind: 'model' }>;
  const placed = await arranged(graph, onProgress, signal);
  // The worker kept them in IndexedDB before the graph is autosaved, so a reload finds them; a full quota is said, not fatal.
  const adopted = adoptWeights(placed, weights, stored);
  const problem = await weightsKept(adopted);
  return { graph: adopted, label, notes: problem ? [...notes, problem] : notes };
}

export function openOnnx(file: File, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<OpenedModel> {
  if (!/\.onnx$/i.test(file.name)) return Promise.reject(Object.assign(new Error(`${file.name} is not an .onnx file`), { hint: 'choose a model saved by torch.onnx.export, tf2onnx or onnx.save' }));
  return openWithWeights({ kind: 'onnx', file }, file.name, onProgress, signal);
}

export async function openPretrainedBackbone(name: string, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<OpenedModel> {
  const baseUrl = new URL(`${import.meta.env.BASE_URL}models/`, location.href).href;
  const opened = await openWithWeights({ kind: 'pretrained', name, baseUrl }, name, onProgress, signal);
  return { ...opened, preprocess: PRETRAINED[name]?.preprocess };
}
