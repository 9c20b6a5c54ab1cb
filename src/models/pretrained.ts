// Pretrained networks that work offline: the ImageNet-pretrained backbones inside the nsfwjs@4.3.0 npm
// package (MIT), Keras models in TF.js Layers format stored as UMD modules (model.min.js: topology and
// manifest; group1-shardXofN.min.js: one base64 shard each). Only the backbone is imported: the package's
// classification head is cut off before its weights are read, and nothing of it is ever shown.
import type { GraphFile } from '../graph/types.ts';
import type { Preprocess } from '../io/preprocess.ts';
import { importTfjsLayers } from '../io/tfjs-layers.ts';
import { base64ToBytes } from '../io/base64.ts';
import { readUmdExport } from '../io/umd-bundle.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';

export interface PretrainedDef {
  /** `zoo:NAME` on the command line. */
  name: string;
  summary: string;
  /** Folder under nsfwjs/dist/models/. */
  folder: string;
  shards: number;
  /** The last backbone layer: everything after it is the head, left out. */
  backboneEnd: string;
  /**
   * The pixel normalisation the weights expect. nsfwjs feeds [0, 1] (unit), not Keras' InceptionV3 'tf'
   * [-1, 1], and the BatchNormalization statistics agree: on the four test photos, conv2d_1's outputs
   * standardised by batch_normalization_1's moving mean and variance have a mean |z| of 0.25–0.70 under
   * unit against 1.46–2.24 under tf (0.14–0.60 against 0.72–2.05 at conv2d_3/5/12; MobileNetV2's Conv1:
   * 0.18–0.50 against 1.05–1.56).
   */
  preprocess: Preprocess;
  /** Size of the photo it was trained on, H×W×C. */
  inputShape: [number, number, number];
}

const SOURCE = 'weights: nsfwjs@4.3.0 (MIT), ImageNet-pretrained Keras backbone';

export const PRETRAINED: Record<string, PretrainedDef> = {
  'InceptionV3-pretrained': {
    name: 'InceptionV3-pretrained',
    summary: 'InceptionV3 (Szegedy et al. 2016), ImageNet weights, 299×299×3 → 2048 features (mixed10 + global average pool)',
    folder: 'inception_v3',
    shards: 6,
    backboneEnd: 'mixed10',
    preprocess: 'unit',
    inputShape: [299, 299, 3],
  },
  'MobileNetV2-pretrained': {
    name: 'MobileNetV2-pretrained',
    summary: 'MobileNetV2 (Sandler et al. 2018), ImageNet weights, 224×224×3 → 1280 features (out_relu + global average pool)',
    folder: 'mobilenet_v2',
    shards: 1,
    backboneEnd: 'out_relu',
    preprocess: 'unit',
    inputShape: [224, 224, 3],
  },
};

export interface PretrainedModel {
  def: PretrainedDef;
  graph: GraphFile;
  weights: WeightStore;
  notes: string[];
}

/** Gives the text of one file of a model folder (`model.min.js`, `group1-shard1of6.min.js`). */
export type ModelFileReader = (file: string) => Promise<string>;

/** The pretrained model named `name` (see PRETRAINED), with its head replaced by a global average pool named `avg_pool`, as in Keras' include_top=False, pooling='avg'. */
export async function loadPretrained(name: string, readFile: ModelFileReader, options: { inputShape?: number[] } = {}): Promise<PretrainedModel> {
  const def = PRETRAINED[name];
  if (!def) throw new OpError(`no pretrained model '${name}'`, `pretrained models: ${Object.keys(PRETRAINED).join(', ')}`);
  const model = readUmdExport(await readFile('model.min.js'), `${def.folder}/model.min.js`);
  const readShard = async (path: string) => {
    const file = `${path}.min.js`;
    const text = readUmdExport(await readFile(file), `${def.folder}/${file}`);
    if (typeof text !== 'string') throw new Error(`${file} does not export a base64 string`);
    return base64ToBytes(text, `${def.folder}/${file}`);
  };
  const { graph, weights } = await importTfjsLayers(model, readShard, { outputs: [def.backboneEnd], inputShape: options.inputShape, name: def.name });
  // The package saved these after its own fine-tuning, with early layers frozen: the backbone is offered
  // as Keras' application, every layer trainable (as its parameter counts), to freeze where the user wants.
  for (const node of graph.nodes) if (node.attrs) delete node.attrs.trainable;
  graph.nodes.push({ id: 'avg_pool', name: 'avg_pool', op: 'GlobalAveragePool2D', inputs: [def.backboneEnd] });
  graph.outputs = ['avg_pool'];
  return { def, graph, weights, notes: [SOURCE, `backbone only: ${def.backboneEnd}, then a global average pool (avg_pool); the package's classifier is not loaded`] };
}

/**
 * The editor's "Open pretrained InceptionV3": the model from the files served at `baseUrl` (default
 * `models/` under the app's base: scripts/pretrained-models.ts serves them in dev and copies them at build).
 */
export async function openPretrained(name: string, baseUrl = `${import.meta.env?.BASE_URL ?? '/'}models/`): Promise<PretrainedModel> {
  const def = PRETRAINED[name];
  if (!def) throw new OpError(`no pretrained model '${name}'`, `pretrained models: ${Object.keys(PRETRAINED).join(', ')}`);
  return loadPretrained(name, fetchModelFiles(baseUrl, def.folder));
}

/** Reads the model files over HTTP, from `baseUrl` + folder. */
export function fetchModelFiles(baseUrl: string, folder: string): ModelFileReader {
  return async (file) => {
    const url = `${baseUrl.replace(/\/?$/, '/')}${folder}/${file}`;
    const response = await fetch(url);
    const hint = 'serve the pretrained model files: npm start and the build do (scripts/pretrained-models.ts)';
    if (!response.ok) throw new OpError(`cannot fetch ${url}: HTTP ${response.status}`, hint);
    // a dev server answers an unknown path with the app's page
    if (/text\/html/.test(response.headers.get('content-type') ?? '')) throw new OpError(`${url} is not served: the server sent a web page instead`, hint);
    return response.text();
  };
}
