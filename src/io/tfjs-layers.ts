// Import of Keras models saved in TF.js Layers format (model.json: a Keras topology, Functional or
// Sequential, plus a weight manifest over binary shards, tfjs-weights.ts) into a graph and its weight
// store, Keras layer names kept. Reference: tfjs-layers/src/models.ts (loadLayersModel), keras/src/models/functional.py.
import { analyzeGraph } from '../graph/analyze.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphFile, type GraphNode } from '../graph/types.ts';
import { findOp } from '../ops/index.ts';
import { OpError } from '../ops/op.ts';
import type { WeightStore } from '../runtime/reference.ts';
import { loadWeights, planWeights, type ShardReader } from './tfjs-weights.ts';

export type { ManifestEntry, ManifestGroup, ShardReader } from './tfjs-weights.ts';

export interface ImportOptions {
  /** Keep only these layers and what they depend on, and make them the outputs (drops a classification head). */
  outputs?: string[];
  /** Replaces the single Input's H×W×C: for a model saved with a free size (None×None×3), or a smaller image. */
  inputShape?: number[];
  /** The graph's name; default: the Keras model's name. */
  name?: string;
}

export interface ImportedModel {
  graph: GraphFile;
  /** Keyed by the manifest's weight names (`conv2d_1/kernel`), as the nodes' `weights` refer to them. */
  weights: WeightStore;
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
function fail(message: string, hint?: string): never {
  throw new OpError(message, hint);
}

/**
 * Imports a TF.js Layers model (the parsed model.json) with its weights. Everything is checked before the
 * weights are decoded, and nothing is returned half-loaded: any problem throws an OpError saying what to do.
 */
export async function importTfjsLayers(modelJson: unknown, readShard: ShardReader, options: ImportOptions = {}): Promise<ImportedModel> {
  if (!isObject(modelJson)) fail('model.json must hold a JSON object with "modelTopology" and "weightsManifest"', 'open the model.json that tfjs.converters.save_keras_model wrote');
  const { graph, notes } = topologyToGraph(modelJson.modelTopology, options);
  const report = analyzeGraph(graph);
  if (!report.ok) {
    const lines = report.problems.slice(0, 3).map((p) => `${p.node ? `${p.node}: ` : ''}${p.message}`);
    const more = report.problems.length > 3 ? ` (and ${report.problems.length - 3} more)` : '';
    fail(`the imported model does not check out: ${lines.join('; ')}${more}`, report.problems[0].hint ?? 'this layer configuration is beyond what deepwire runs');
  }
  const plan = planWeights(modelJson.weightsManifest, graph, report);
  const weights = await loadWeights(plan, readShard);
  return { graph, weights, notes };
}

// ── topology → graph ───────────────────────────────────────────────────────────────────────────

interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, any>;
  /** One entry per call of the layer: the [layer, call] pairs it reads. */
  calls: [string, number][][];
}

/** The graph of a Keras topology (no weights yet); `outputs` prunes it to what they depend on before any layer is converted. */
export function topologyToGraph(topology: unknown, options: ImportOptions = {}): { graph: GraphFile; notes: string[] } {
  const { className, config } = modelConfig(topology);
  const layers = className === 'Sequential' ? sequentialLayers(config) : functionalLayers(config);
  const idOf = new Map<string, string>();
  for (const layer of layers) layer.calls.forEach((_, k) => idOf.set(`${layer.name}#${k}`, k === 0 ? layer.name : `${layer.name}_call${k}`));
  // one node per call of a layer; ops and attrs come later, for the nodes kept
  let calls = layers.flatMap((layer) => layer.calls.map((inputs, k) => ({
    layer,
    id: idOf.get(`${layer.name}#${k}`)!,
    inputs: inputs.map(([from, call]) => idOf.get(`${from}#${call}`) ?? fail(`layer '${layer.name}' reads '${from}' (call ${call}), which is not in the model`, 'the model.json is damaged: save the model again')),
  })));

  const notes: string[] = [];
  let outputs = className === 'Sequential' ? [calls[calls.length - 1].id] : outputRefs(config).map(([l, k]) => idOf.get(`${l}#${k}`) ?? fail(`the model's output '${l}' is not one of its layers`, 'the model.json is damaged: save the model again'));
  if (options.outputs) {
    outputs = options.outputs.map((name) => (calls.some((c) => c.id === name) ? name : fail(`'${name}' is not a layer of this model`, nearbyNames(name, calls.map((c) => c.id)))));
    const keep = ancestors(calls, outputs);
    const dropped = calls.length - keep.size;
    calls = calls.filter((c) => keep.has(c.id));
    if (dropped) notes.push(`kept the ${calls.length} layers up to ${outputs.join(', ')}; left out the ${dropped} after them`);
  }

  const nodes: GraphNode[] = calls.map(({ layer, id, inputs }) => ({ id, name: id, ...convertLayer(layer), inputs }));
  const inputNodes = nodes.filter((n) => n.op === 'Input');
  if (options.inputShape) {
    if (inputNodes.length !== 1) fail(`inputShape replaces the shape of a single Input; this model has ${inputNodes.length}`);
    inputNodes[0].attrs = { shape: [...options.inputShape] };
  }
  for (const n of inputNodes) {
    const shape = n.attrs!.shape as (number | null)[];
    if (!Array.isArray(shape) || shape.some((d) => d === null))
      fail(`Input '${n.id}' has a free size (${(shape ?? []).map((d) => d ?? '?').join('×')})`, 'give the size to import it at, e.g. inputShape [224, 224, 3]');
  }
  const name = options.name ?? (typeof config.name === 'string' ? config.name : undefined);
  return { graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, ...(name ? { name } : {}), nodes, outputs }, notes };
}

function modelConfig(topology: unknown): { className: string; config: any } {
  if (!isObject(topology)) fail('model.json has no "modelTopology" object', 'is this a TF.js Layers model? Save one with tfjs.converters.save_keras_model');
  if (topology.node !== undefined || topology.versions !== undefined)
    fail('this is a TF.js graph model (a converted SavedModel), not a Layers model', 'convert the Keras model with tensorflowjs_converter --input_format keras (it keeps the layers)');
  const inner = isObject(topology.model_config) ? topology.model_config : topology;
  const className = bareClassName(inner.class_name);
  if (!['Model', 'Functional', 'Sequential'].includes(className) || inner.config === undefined)
    fail(`model.json describes a '${className || 'nothing'}', not a Keras Functional or Sequential model`, 'open the model.json that tfjs.converters.save_keras_model wrote');
  return { className, config: inner.config };
}

/** `keras.layers.Conv2D` and `Conv2D>` (Keras 3 registered names) → `Conv2D`. */
function bareClassName(name: unknown): string {
  return typeof name === 'string' ? name.replace(/^.*[.>]/, '') : '';
}

function functionalLayers(config: any): KerasLayer[] {
  if (!isObject(config) || !Array.isArray(config.layers)) fail('the model config has no "layers" list', 'the model.json is damaged: save the model again');
  return config.layers.map((raw: any, i: number) => {
    if (!isObject(raw) || typeof (raw.name ?? raw.config?.name) !== 'string') fail(`layer #${i + 1} has no name`, 'the model.json is damaged: save the model again');
    const name: string = raw.name ?? raw.config.name;
    const className = bareClassName(raw.class_name);
    const inbound = Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
    const calls = inbound.length ? inbound.map((node: unknown) => inboundRefs(node, name)) : [[]];
    return { name, className, config: isObject(raw.config) ? raw.config : {}, calls };
  });
}

/** One call's input tensors: Keras 2 `[[layer, call, tensor, kwargs], …]` or Keras 3 `{args: [keras tensors]}`. */
function inboundRefs(node: unknown, layer: string): [string, number][] {
  const refs: [string, number][] = [];
  const add = (from: unknown, call: unknown, tensor: unknown) => {
    if (typeof from !== 'string') fail(`layer '${layer}' has an input without a layer name`, 'the model.json is damaged: save the model again');
    if (tensor !== 0 && tensor !== undefined && typeof tensor !== 'number')
      fail(`layer '${layer}' has a damaged input record (tensor index ${JSON.stringify(tensor) ?? 'missing'})`, 'the model.json is damaged: save the model again');
    if (tensor !== 0 && tensor !== undefined)
      fail(`layer '${layer}' reads output ${tensor} of '${from}', a layer with several outputs`, 'deepwire imports layers with one output each');
    refs.push([from, typeof call === 'number' ? call : 0]);
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') return add(v[0], v[1], v[2]);
      return v.forEach(walk);
    }
    if (!isObject(v)) return;
    if (Array.isArray(v.config?.keras_history)) return add(...(v.config.keras_history as [unknown, unknown, unknown]));
    if (Array.isArray(v.args)) walk(v.args);
  };
  walk(node);
  return refs;
}

function outputRefs(config: any): [string, number][] {
  const out = config.output_layers;
  if (!Array.isArray(out) || out.length === 0) fail('the model config lists no output layers', 'the model.json is damaged: save the model again');
  // a single output may be written flat: ["dense_3", 0, 0]
  const list = typeof out[0] === 'string' ? [out] : out;
  return list.map((o: unknown, i: number) => {
    if (!Array.isArray(o) || typeof o[0] !== 'string') fail(`output ${i + 1} of the model config names no layer`, 'the model.json is damaged: save the model again');
    return [o[0], typeof o[1] === 'number' ? o[1] : 0];
  });
}

function sequentialLayers(config: any): KerasLayer[] {
  const list = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(list) || list.length === 0) fail('the Sequential model has no layers', 'the model.json is damaged: save the model again');
  const raw = list.map((l: unknown, i: number) => {
    const c = isObject(l) && isObject(l.config) ? l.config : {};
    const name = c.name ?? (isObject(l) ? l.name : undefined);
    if (typeof name !== 'string') fail(`layer #${i + 1} of the Sequential model has no name`, 'the model.json is damaged: save the model again');
    return { name, className: bareClassName(isObject(l) ? l.class_name : undefined), config: c };
  });
  const layers: KerasLayer[] = [];
  if (raw[0].className !== 'InputLayer') {
    const shape = raw[0].config.batch_input_shape ?? raw[0].config.batch_shape;
    const inputShape = Array.isArray(shape) ? shape.slice(1) : raw[0].config.input_shape;
    if (!Array.isArray(inputShape)) fail(`the Sequential model's first layer '${raw[0].name}' does not say its input shape`, 'build the model with keras.Input(shape=…) first, then save it again');
    layers.push({ name: `${raw[0].name}_input`, className: 'InputLayer', config: { batch_input_shape: [null, ...inputShape] }, calls: [[]] });
  }
  for (const l of raw) {
    const prev = layers[layers.length - 1];
    layers.push({ ...l, calls: [prev ? [[prev.name, 0]] : []] });
  }
  return layers;
}

function ancestors(calls: { id: string; inputs: string[] }[], ids: string[]): Set<string> {
  const byId = new Map(calls.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.inputs ?? []));
  }
  return seen;
}

function nearbyNames(name: string, ids: string[]): string {
  const similar = ids.filter((id) => id.startsWith(name.replace(/_?\d+$/, ''))).slice(0, 6);
  return similar.length ? `layers with a similar name: ${similar.join(', ')}` : `the model's last layers: ${ids.slice(-5).join(', ')}`;
}

// ── one Keras layer → one op ───────────────────────────────────────────────────────────────────

type Convert = (c: Record<string, any>) => { op: string; attrs: Attrs };
const pick = (c: Record<string, any>, keys: string[]): Attrs => Object.fromEntries(keys.filter((k) => c[k] !== undefined && c[k] !== null).map((k) => [k, c[k]]));
const as = (op: string, keys: string[] = []): Convert => (c) => ({ op, attrs: pick(c, keys) });
const ACTIVATION_ALIASES: Record<string, string> = { silu: 'swish' };
const activationOf = (v: unknown) => (typeof v === 'string' ? ACTIVATION_ALIASES[v] ?? v : isObject(v) ? String(v.class_name ?? v.config?.name) : 'linear');
const withActivation = (op: string, keys: string[]): Convert => (c) => ({ op, attrs: { ...pick(c, keys), activation: activationOf(c.activation) } });
const CONV = ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'use_bias'];
const POOL = ['pool_size', 'strides', 'padding'];
const identity: Convert = (c) => ({ op: 'Dropout', attrs: { rate: typeof c.rate === 'number' ? c.rate : 0 } });

/** Keras class → deepwire op. Dropout-like noise layers are the identity at inference. */
export const LAYER_CONVERTERS: Record<string, Convert> = {
  InputLayer: (c) => {
    const shape = c.batch_input_shape ?? c.batch_shape;
    return { op: 'Input', attrs: { shape: Array.isArray(shape) ? shape.slice(1) : c.input_shape } };
  },
  Conv2D: withActivation('Conv2D', [...CONV, 'groups']),
  DepthwiseConv2D: withActivation('DepthwiseConv2D', ['kernel_size', 'strides', 'padding', 'depth_multiplier', 'dilation_rate', 'use_bias']),
  SeparableConv2D: withActivation('SeparableConv2D', [...CONV, 'depth_multiplier']),
  Dense: withActivation('Dense', ['units', 'use_bias']),
  BatchNormalization: (c) => ({ op: 'BatchNormalization', attrs: { ...pick(c, ['epsilon', 'momentum', 'center', 'scale']), axis: Array.isArray(c.axis) ? c.axis[0] : c.axis ?? -1 } }),
  LayerNormalization: (c) => {
    if (c.rms_scaling) fail('LayerNormalization with rms_scaling (RMS normalisation) is not supported', 'deepwire subtracts the mean: train with rms_scaling=False');
    const axes = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
    if (axes.length !== 1) fail(`LayerNormalization over the axes ${JSON.stringify(axes)} together is not supported`, 'deepwire normalises the last axis (axis=-1) at each position');
    return { op: 'LayerNormalization', attrs: { ...pick(c, ['epsilon', 'center', 'scale']), axis: axes[0] } };
  },
  Activation: (c) => ({ op: 'Activation', attrs: { activation: activationOf(c.activation) } }),
  Softmax: (c) => ((c.axis ?? -1) === -1 ? { op: 'Activation', attrs: { activation: 'softmax' } } : fail(`Softmax over axis ${c.axis} is not supported`, 'deepwire applies softmax over the last axis')),
  ReLU: as('ReLU', ['max_value', 'negative_slope', 'threshold']),
  LeakyReLU: (c) => ({ op: 'LeakyReLU', attrs: { negative_slope: c.negative_slope ?? c.alpha ?? 0.3 } }),
  MaxPooling2D: as('MaxPool2D', POOL),
  AveragePooling2D: as('AveragePool2D', POOL),
  GlobalAveragePooling2D: as('GlobalAveragePool2D', ['keepdims']),
  GlobalMaxPooling2D: as('GlobalMaxPool2D', ['keepdims']),
  ZeroPadding2D: as('ZeroPadding2D', ['padding']),
  Cropping2D: as('Cropping2D', ['cropping']),
  Flatten: as('Flatten'),
  Reshape: as('Reshape', ['target_shape']),
  Rescaling: as('Rescaling', ['scale', 'offset']),
  Normalization: (c) => ({ op: 'Normalization', attrs: { ...pick(c, ['mean', 'variance', 'invert']), axis: Array.isArray(c.axis) ? c.axis[0] : c.axis ?? -1 } }),
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianDropout: identity,
  GaussianNoise: identity,
  AlphaDropout: identity,
  // Keras 3's augmentation layers: active only while training (their seed is not kept: deepwire draws from the fit's)
  RandomFlip: as('RandomFlip', ['mode']),
  RandomTranslation: as('RandomTranslation', ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'fill_value']),
  RandomCrop: as('RandomCrop', ['height', 'width']),
  Add: as('Add'),
  Subtract: as('Subtract'),
  Multiply: as('Multiply'),
  Average: as('Average'),
  Maximum: as('Maximum'),
  Minimum: as('Minimum'),
  Concatenate: as('Concatenate', ['axis']),
  Dot: as('Dot', ['axes', 'normalize']),
};
for (const [alias, of] of [['Convolution2D', 'Conv2D'], ['MaxPool2D', 'MaxPooling2D'], ['AvgPool2D', 'AveragePooling2D'], ['GlobalAvgPool2D', 'GlobalAveragePooling2D'], ['GlobalMaxPool2D', 'GlobalMaxPooling2D']])
  LAYER_CONVERTERS[alias] = LAYER_CONVERTERS[of];

function convertLayer(layer: KerasLayer): { op: string; attrs: Attrs } {
  const { name, className, config } = layer;
  if (['Model', 'Functional', 'Sequential'].includes(className))
    fail(`layer '${name}' is a whole ${className} model nested inside this one`, 'deepwire imports flat models: in Keras, rebuild it from the nested model\'s layers (keras.Model(base.input, head(base.output))) and save again');
  const convert = LAYER_CONVERTERS[className];
  if (!convert)
    fail(`layer '${name}' is a ${className || 'layer without a class'}, which deepwire cannot import`, `deepwire imports ${Object.keys(LAYER_CONVERTERS).join(', ')}; import only the layers before it (outputs option) or replace it in Keras`);
  if (config.data_format === 'channels_first')
    fail(`layer '${name}' (${className}) is channels_first`, 'deepwire runs channels_last (NHWC) models: save the model with data_format="channels_last"');
  try {
    return training(convert(config), config);
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`layer '${name}' (${className}): ${e.message}`, e.hint);
    throw e;
  }
}

/** What a layer keeps for training: its regularizers (Keras' { class_name, config } as given) and trainable: false. */
function training({ op, attrs }: { op: string; attrs: Attrs }, config: Record<string, any>): { op: string; attrs: Attrs } {
  for (const [key, spec] of Object.entries(findOp(op)?.attrs ?? {})) if (spec.kind === 'regularizer' && config[key] != null) attrs[key] = config[key];
  if (config.trainable === false) attrs.trainable = false;
  return { op, attrs };
}
