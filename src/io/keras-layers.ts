// A graph as the layers of a Keras functional model: class names, constructor arguments (required ones
// and every attr off Keras' default) and the layers each one is called on. Both Keras exports read it:
// the Python script (keras-export.ts) and the model.json with weights (keras-model-export.ts).
import { analyzeGraph, type GraphReport, type NodeReport } from '../graph/analyze.ts';
import { resolveAttrs } from '../ops/attrs.ts';
import { OpError, type AttrSpec } from '../ops/op.ts';
import { ancestorsOf } from '../runtime/reference.ts';

/** deepwire op → Keras layer class, where the names differ. */
const KERAS_CLASS: Record<string, string> = {
  MaxPool2D: 'MaxPooling2D', AveragePool2D: 'AveragePooling2D',
  GlobalAveragePool2D: 'GlobalAveragePooling2D', GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** Arguments Keras requires (no default there), written even when they equal deepwire's default. */
const REQUIRED: Record<string, string[]> = {
  Conv2D: ['filters', 'kernel_size'], SeparableConv2D: ['filters', 'kernel_size'], DepthwiseConv2D: ['kernel_size'],
  Dense: ['units'], Dropout: ['rate'], Reshape: ['target_shape'], Rescaling: ['scale'], Activation: ['activation'], Dot: ['axes'],
  RandomTranslation: ['height_factor', 'width_factor'], RandomCrop: ['height', 'width'],
  // TF.js' Softmax defaults to axis 1, Keras' to −1: always said
  Softmax: ['axis'],
};

/** deepwire attrs with no Keras argument: exportable only at their default value. */
const NOT_IN_KERAS: Record<string, string[]> = {
  MaxPool2D: ['ceil_mode'], AveragePool2D: ['ceil_mode', 'count_include_pad'],
  // ONNX imports of PyTorch convs with strides and dilation together, which Keras refuses.
  Conv2D: ['allow_strided_dilation'],
};

/** Keras factors that are one number or a pair: deepwire holds [f] or [low, high], Keras wants f itself for the first. */
const FACTORS: Record<string, string[]> = { RandomTranslation: ['height_factor', 'width_factor'] };

/** Keras pools pad only 'same' or 'valid' (its convs get a ZeroPadding2D before them instead). */
const POOLS = new Set(['MaxPool2D', 'AveragePool2D']);

/** deepwire's own ops, with no Keras layer to become: refused by both Keras exports. */
export const NO_KERAS_LAYER: Record<string, string> = {
  MaxPoolWithArgmax2D: 'in Keras, use MaxPooling2D (no dilation), or a Lambda layer around tf.nn.max_pool_with_argmax for the indices',
  Divide: 'in Keras, divide with a Lambda layer or keras.ops.divide, or Multiply by a reciprocal computed upstream',
  Pad2D: "in Keras, a Lambda layer around tf.pad(mode='REFLECT') pads by reflection; ZeroPadding2D pads zeros",
  ChannelShuffle: 'in Keras, shuffle with Reshape([H, W, g, C/g]), Permute((1, 2, 4, 3)) and Reshape([H, W, C])',
  ChannelSlice: 'in Keras, slice the channels with a Lambda layer (lambda x: x[..., start:end])',
};

export interface KerasArgument {
  value: unknown;
  kind: AttrSpec['kind'];
}

export interface KerasLayer {
  /** Keras class: `InputLayer` for an Input, else `Conv2D`, `MaxPooling2D`, … */
  className: string;
  /** The layer name: the node's name, or `<name>_pad` for the ZeroPadding2D put before a conv. */
  name: string;
  /** Names of the layers it is called on, in order. */
  inputs: string[];
  /** Constructor arguments (an Input's: `shape`). */
  args: Map<string, KerasArgument>;
  /** The node the layer stands for (its weights); absent for an inserted ZeroPadding2D. */
  node?: NodeReport;
}

export interface KerasModel {
  report: GraphReport;
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
  /** Nodes that feed no output and are left out, as Keras would. */
  left: number;
  params: { total: number; trainable: number; nonTrainable: number };
}

/** The Keras layers of a graph (any JSON value; problems become one OpError listing them). */
export function kerasModel(graph: unknown): KerasModel {
  const report = analyzeGraph(graph);
  if (!report.ok) {
    const first = report.problems.slice(0, 3).map((p) => p.message).join('; ');
    throw new OpError(`cannot export a graph with problems: ${first}`, "fix them first ('deepwire validate' lists them all)");
  }
  const needed = ancestorsOf(report, report.outputs);
  const nodes = report.order.filter((id) => needed.has(id)).map((id) => report.byId.get(id)!);
  const layerNames = new Set(report.nodes.map((r) => r.name));
  const nameOf = (id: string) => report.byId.get(id)!.name;
  const layers: KerasLayer[] = [];
  for (const r of nodes) {
    if (r.op === 'Input') {
      layers.push({ className: 'InputLayer', name: r.name, inputs: [], args: new Map([['shape', { value: r.attrs.shape, kind: 'ints' }]]), node: r });
      continue;
    }
    if (NO_KERAS_LAYER[r.op]) throw new OpError(`${r.name} (${r.op}): Keras has no ${r.op} layer`, NO_KERAS_LAYER[r.op]);
    const args = kerasArguments(r);
    let inputs = r.inputs.map(nameOf);
    if (Array.isArray(r.attrs.padding) && ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'].includes(r.op)) {
      // Keras convs pad only 'same' or 'valid': explicit pads (ONNX imports) become a ZeroPadding2D first.
      let padName = `${r.name}_pad`;
      for (let k = 1; layerNames.has(padName); k++) padName = `${r.name}_pad_${k}`;
      layerNames.add(padName);
      layers.push({ className: 'ZeroPadding2D', name: padName, inputs, args: new Map([['padding', { value: r.attrs.padding, kind: 'pads' }]]) });
      inputs = [padName];
      args.set('padding', { value: 'valid', kind: 'padding' });
    }
    layers.push({ className: KERAS_CLASS[r.op] ?? r.op, name: r.name, inputs, args, node: r });
  }

  // As analyzeGraph counts them and Keras' summary does: a frozen layer's weights are non-trainable.
  const params = { total: 0, trainable: 0, nonTrainable: 0 };
  for (const r of nodes) {
    params.trainable += r.params.trainable;
    params.nonTrainable += r.params.nonTrainable;
  }
  params.total = params.trainable + params.nonTrainable;
  return {
    report,
    layers,
    inputs: nodes.filter((r) => r.op === 'Input').map((r) => r.name),
    outputs: report.outputs.map(nameOf),
    left: report.nodes.length - nodes.length,
    params,
  };
}

/** The Keras keyword arguments of one node: required ones and every attr off Keras' default. */
function kerasArguments(r: NodeReport): Map<string, KerasArgument> {
  const def = r.def!;
  const defaults = resolveAttrs(def, {}).attrs;
  for (const key of NOT_IN_KERAS[r.op] ?? [])
    if (r.attrs[key] !== defaults[key])
      throw new OpError(`${r.name} (${r.op}): ${key}=${JSON.stringify(r.attrs[key])} has no Keras equivalent`, `set ${key} to ${JSON.stringify(defaults[key])} to export the graph to Keras`);
  if (POOLS.has(r.op) && Array.isArray(r.attrs.padding))
    throw new OpError(`${r.name} (${r.op}): explicit padding ${JSON.stringify(r.attrs.padding)} has no Keras equivalent for pooling`, "use 'same' or 'valid', or a ZeroPadding2D before a 'valid' pool");
  const args = new Map<string, KerasArgument>();
  for (const [key, spec] of Object.entries(def.attrs)) {
    if (NOT_IN_KERAS[r.op]?.includes(key)) continue;
    const value = r.attrs[key];
    const required = REQUIRED[r.op]?.includes(key);
    if (!required && JSON.stringify(value) === JSON.stringify(defaults[key])) continue;
    if (value === null && !required) continue;
    if (FACTORS[r.op]?.includes(key) && Array.isArray(value) && value.length === 1) args.set(key, { value: value[0], kind: 'float' });
    else args.set(key, { value, kind: spec.kind });
  }
  // Keras' layer.trainable, a keyword of every layer: a frozen node stays frozen in Keras.
  if (r.attrs.trainable === false) args.set('trainable', { value: false, kind: 'bool' });
  return args;
}
