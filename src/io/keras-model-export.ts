// Keras export with weights: a graph as the Keras model JSON (`model.to_json()`, Keras 2 layout) and its
// weights in one float32 shard — the TF.js Layers format, which `tf.loadLayersModel` opens as it is and
// `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras` turns into an .h5.
// Unlike the Python script (keras-export.ts), the model carries deepwire's weight values.
import type { ManifestEntry } from './tfjs-weights.ts';
import { materializeWeights, type WeightStore } from '../runtime/reference.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { kerasModel, type KerasArgument, type KerasLayer } from './keras-layers.ts';

export interface KerasModelFiles {
  /** model.json: `modelTopology` (the Keras model config) and `weightsManifest` naming the shard `weights.bin`. */
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
  };
  /** weights.bin: every weight as little-endian float32, in the manifest's order. */
  shard: Uint8Array;
  layers: string[];
  params: { total: number; trainable: number; nonTrainable: number };
}

export interface KerasModelOptions {
  /** Imported weight data (an ONNX or TF.js import, a saved weights file); the rest come from the initializers. */
  weights?: WeightStore;
  /** Initializer seed for weights not in the store; default the graph's `seed`, else 0. */
  seed?: number;
  /** The shard's file name in the manifest. */
  shardName?: string;
}

/** Keras' serialized class names of deepwire's initializers. */
const INITIALIZER_CLASS: Record<Initializer['name'], string> = {
  zeros: 'Zeros', ones: 'Ones', constant: 'Constant', glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform', he_normal: 'HeNormal', lecun_uniform: 'LecunUniform', lecun_normal: 'LecunNormal',
  random_uniform: 'RandomUniform', random_normal: 'RandomNormal', truncated_normal: 'TruncatedNormal',
};

/** Keras 3 names a few arguments differently from the Keras 2 JSON that TF.js and tf.keras ≤ 2.15 read. */
const KERAS2_ARGUMENT: Record<string, Record<string, string>> = { LeakyReLU: { negative_slope: 'alpha' } };

/**
 * Keras spellings TF.js Layers cannot load or reads otherwise, written as layers it reads alike (Keras
 * loads both the same): global pooling with keepdims is the pooling then a Reshape to 1×1×C; the
 * leaky_relu activation of a layer is a LeakyReLU layer (slope 0.2) after it, the layer (and its
 * weights) renamed `<name>_preact`; a Reshape's −1 is the size it stands for; a ReLU with only a
 * negative_slope is a LeakyReLU (TF.js' ReLU ignores negative_slope and threshold: a ReLU with them and
 * a max_value is written as Keras has it, and computes otherwise in TF.js). The node's own name stays
 * on the layer that gives its output.
 */
function loadableByTfjs(layers: KerasLayer[]): KerasLayer[] {
  const taken = new Set(layers.map((l) => l.name));
  const fresh = (base: string) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  return layers.flatMap((layer): KerasLayer[] => {
    const args = new Map(layer.args);
    if (layer.className === 'Reshape') return [{ ...layer, args: new Map([['target_shape', { value: layer.node!.shape!, kind: 'ints' }]]) }];
    const [slope, threshold, max] = ['negative_slope', 'threshold', 'max_value'].map((k) => args.get(k)?.value);
    if (layer.className === 'ReLU' && slope && !threshold && max === null)
      return [{ ...layer, className: 'LeakyReLU', args: new Map([['negative_slope', { value: slope, kind: 'float' }]]) }];
    if (args.get('keepdims')?.value === true) {
      args.delete('keepdims');
      const pooled = fresh(`${layer.name}_pool`);
      return [
        { ...layer, name: pooled, args },
        { className: 'Reshape', name: layer.name, inputs: [pooled], args: new Map([['target_shape', { value: layer.node!.shape!, kind: 'ints' }]]) },
      ];
    }
    if (args.get('activation')?.value !== 'leaky_relu') return [layer];
    const leaky: KerasLayer = { className: 'LeakyReLU', name: layer.name, inputs: [], args: new Map([['negative_slope', { value: 0.2, kind: 'float' }]]) };
    if (layer.className === 'Activation') return [{ ...leaky, inputs: layer.inputs, node: layer.node }];
    args.set('activation', { value: 'linear', kind: 'activation' });
    const preact = fresh(`${layer.name}_preact`);
    return [{ ...layer, name: preact, args }, { ...leaky, inputs: [preact] }];
  });
}

export function exportKerasModel(graph: unknown, options: KerasModelOptions = {}): KerasModelFiles {
  const keras = kerasModel(graph);
  const model = { ...keras, layers: loadableByTfjs(keras.layers) };
  const graphSeed = (graph as { seed?: unknown } | null)?.seed;
  const seed = options.seed ?? (typeof graphSeed === 'number' ? graphSeed : 0);
  const values = materializeWeights(model.report, seed, options.weights);
  const name = typeof (graph as { name?: unknown }).name === 'string' ? (graph as { name: string }).name : 'model';

  const entries: ManifestEntry[] = [];
  const parts: Float32Array[] = [];
  for (const layer of model.layers) {
    const node = layer.node;
    if (!node?.weights.length) continue;
    const named = values.get(node.id)!;
    for (const spec of node.weights) {
      entries.push({ name: `${layer.name}/${spec.name}`, shape: [...spec.shape], dtype: 'float32' });
      parts.push(named[spec.name].data);
    }
  }
  const shard = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  const view = new DataView(shard.buffer);
  let at = 0;
  for (const p of parts) for (const v of p) (view.setFloat32(at, v, true), (at += 4));

  const ref = (layerName: string) => [layerName, 0, 0];
  const modelTopology = {
    class_name: 'Functional',
    config: {
      name,
      layers: model.layers.map((layer) => ({
        class_name: layer.className,
        config: layerConfig(layer),
        name: layer.name,
        inbound_nodes: layer.inputs.length ? [layer.inputs.map((i) => [...ref(i), {}])] : [],
      })),
      input_layers: model.inputs.map(ref),
      output_layers: model.outputs.map(ref),
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'deepwire export-keras',
      convertedBy: null,
      modelTopology,
      weightsManifest: [{ paths: [options.shardName ?? 'weights.bin'], weights: entries }],
    },
    shard,
    layers: model.layers.map((l) => l.name),
    params: model.params,
  };
}

function layerConfig(layer: KerasLayer): Record<string, unknown> {
  if (layer.className === 'InputLayer')
    return { batch_input_shape: [null, ...(layer.args.get('shape')!.value as number[])], dtype: 'float32', sparse: false, ragged: false, name: layer.name };
  // A frozen layer's trainable: false comes with its arguments (kerasArguments).
  const config: Record<string, unknown> = { name: layer.name, trainable: true, dtype: 'float32' };
  for (const [key, argument] of layer.args) config[KERAS2_ARGUMENT[layer.className]?.[key] ?? key] = jsonArgument(argument);
  return config;
}

function jsonArgument({ value, kind }: KerasArgument): unknown {
  if (kind === 'initializer') {
    const init = value as Initializer;
    return { class_name: INITIALIZER_CLASS[init.name], config: { ...init.config } };
  }
  if (kind === 'regularizer') {
    const reg = value as Regularizer;
    return { class_name: 'L1L2', config: { l1: reg.l1, l2: reg.l2 } };
  }
  return value;
}
