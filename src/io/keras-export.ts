// Keras export: a graph as a Python script that rebuilds it with the Keras functional API, in the
// lecture's style (`tf.keras.layers.Conv2D(…, kernel_regularizer=tf.keras.regularizers.l2(0.01))`):
// layer names kept, every attr that differs from Keras' default written out, initializers and
// regularizers included. Targets TensorFlow ≥ 2.16 (Keras 3 argument names, e.g. LeakyReLU negative_slope).
import { analyzeGraph, type GraphReport, type NodeReport } from '../graph/analyze.ts';
import { resolveAttrs } from '../ops/attrs.ts';
import { OpError } from '../ops/op.ts';
import { sizeOf } from '../tensor.ts';
import type { Initializer, Regularizer } from '../weights/specs.ts';

/** deepwire op → Keras layer class, where the names differ. */
const KERAS_CLASS: Record<string, string> = {
  MaxPool2D: 'MaxPooling2D', AveragePool2D: 'AveragePooling2D',
  GlobalAveragePool2D: 'GlobalAveragePooling2D', GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** Arguments Keras requires (no default there), written even when they equal deepwire's default. */
const REQUIRED: Record<string, string[]> = {
  Conv2D: ['filters', 'kernel_size'], SeparableConv2D: ['filters', 'kernel_size'], DepthwiseConv2D: ['kernel_size'],
  Dense: ['units'], Dropout: ['rate'], Reshape: ['target_shape'], Rescaling: ['scale'], Activation: ['activation'], Dot: ['axes'],
};

/** deepwire attrs with no Keras argument: exportable only at their default value. */
const NOT_IN_KERAS: Record<string, string[]> = {
  MaxPool2D: ['ceil_mode'], AveragePool2D: ['ceil_mode', 'count_include_pad'],
};

const INITIALIZER_CLASS: Record<Initializer['name'], string> = {
  zeros: 'Zeros', ones: 'Ones', constant: 'Constant', glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform', he_normal: 'HeNormal', lecun_uniform: 'LecunUniform', lecun_normal: 'LecunNormal',
  random_uniform: 'RandomUniform', random_normal: 'RandomNormal', truncated_normal: 'TruncatedNormal',
};

const PYTHON_KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for ' +
  'from global if import in is lambda nonlocal not or pass raise return try while with yield tf model EXPECTED_PARAMS').split(' '));

export interface KerasScript {
  script: string;
  /** Keras layer names in the order the script creates them (Input first). */
  layers: string[];
  params: { total: number; trainable: number; nonTrainable: number };
}

/** Writes the script for a graph (any JSON value; problems become one OpError listing them). */
export function exportKeras(graph: unknown): KerasScript {
  const report = analyzeGraph(graph);
  if (!report.ok) {
    const first = report.problems.slice(0, 3).map((p) => p.message).join('; ');
    throw new OpError(`cannot export a graph with problems: ${first}`, "fix them first ('deepwire validate' lists them all)");
  }
  const name = graph && typeof graph === 'object' && typeof (graph as { name?: unknown }).name === 'string' ? (graph as { name: string }).name : 'model';
  return writeScript(report, name);
}

function writeScript(report: GraphReport, modelName: string): KerasScript {
  const needed = ancestors(report);
  const nodes = report.order.filter((id) => needed.has(id)).map((id) => report.byId.get(id)!);
  const variables = new Map<string, string>();
  const usedVariables = new Set<string>();
  const layerNames = new Set(report.nodes.map((r) => r.name));
  const layers: string[] = [];
  const lines: string[] = [];
  /** A Python identifier for a layer's output, unique in the script. */
  const variable = (id: string, layerName: string) => {
    let v = layerName.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(v) || PYTHON_KEYWORDS.has(v) || v === '') v = `x_${v}`;
    const base = v;
    for (let k = 1; usedVariables.has(v); k++) v = `${base}_${k}`;
    usedVariables.add(v);
    variables.set(id, v);
    return v;
  };

  for (const r of nodes) {
    const args = r.inputs.map((i) => variables.get(i)!);
    const input = args.length === 1 ? args[0] : `[${args.join(', ')}]`;
    if (r.op === 'Input') {
      lines.push(`${variable(r.id, r.name)} = tf.keras.Input(shape=${pyTuple(r.attrs.shape as number[])}, name=${pyStr(r.name)})`);
      layers.push(r.name);
      continue;
    }
    const kwargs = kerasArguments(r);
    let source = input;
    if (Array.isArray(r.attrs.padding) && ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'].includes(r.op)) {
      // Keras convs pad only 'same' or 'valid': explicit pads (ONNX imports) become a ZeroPadding2D first.
      let padName = `${r.name}_pad`;
      for (let k = 1; layerNames.has(padName); k++) padName = `${r.name}_pad_${k}`;
      layerNames.add(padName);
      const padVariable = variable(`${r.id}\0pad`, padName);
      lines.push(`${padVariable} = tf.keras.layers.ZeroPadding2D(padding=${py(r.attrs.padding)}, name=${pyStr(padName)})(${input})`);
      layers.push(padName);
      source = padVariable;
      kwargs.set('padding', "'valid'");
    }
    const call = [...kwargs].map(([k, v]) => `${k}=${v}`).concat(`name=${pyStr(r.name)}`).join(', ');
    lines.push(`${variable(r.id, r.name)} = tf.keras.layers.${KERAS_CLASS[r.op] ?? r.op}(${call})(${source})`);
    layers.push(r.name);
  }

  const params = { total: 0, trainable: 0, nonTrainable: 0 };
  for (const r of nodes) for (const w of r.weights) params[w.trainable ? 'trainable' : 'nonTrainable'] += sizeOf(w.shape);
  params.total = params.trainable + params.nonTrainable;

  const inputs = nodes.filter((r) => r.op === 'Input').map((r) => variables.get(r.id)!);
  const outputs = report.outputs.map((id) => variables.get(id)!);
  const list = (vs: string[]) => (vs.length === 1 ? vs[0] : `[${vs.join(', ')}]`);
  const left = report.nodes.length - nodes.length;
  const thousands = (n: number) => n.toLocaleString('en-US');
  const script = [
    `# ${modelName}: a deepwire graph as a Keras functional model (written by \`deepwire export-keras\`).`,
    '# Layer names are the graph\'s; the weights start from the initializers named here, not from deepwire\'s values.',
    '# Needs TensorFlow 2.16 or newer (Keras 3). Run it to print the summary and check the parameter count.',
    ...(left ? [left === 1 ? '# 1 node of the graph feeds no output and is left out, as Keras would.' : `# ${left} nodes of the graph feed no output and are left out, as Keras would.`] : []),
    'import tensorflow as tf',
    '',
    ...lines,
    '',
    `model = tf.keras.Model(inputs=${list(inputs)}, outputs=${list(outputs)}, name=${pyStr(modelName)})`,
    '',
    `EXPECTED_PARAMS = {'total': ${params.total}, 'trainable': ${params.trainable}, 'non_trainable': ${params.nonTrainable}}`,
    '',
    "if __name__ == '__main__':",
    '    model.summary()',
    "    assert model.count_params() == EXPECTED_PARAMS['total'], (model.count_params(), EXPECTED_PARAMS)",
    '',
    `# Layers: ${layers.length}`,
    `# Total params: ${thousands(params.total)}`,
    `# Trainable params: ${thousands(params.trainable)}`,
    `# Non-trainable params: ${thousands(params.nonTrainable)}`,
    '',
  ].join('\n');
  return { script, layers, params };
}

/** The Keras keyword arguments of one node: required ones and every attr off Keras' default. */
function kerasArguments(r: NodeReport): Map<string, string> {
  const def = r.def!;
  const defaults = resolveAttrs(def, {}).attrs;
  for (const key of NOT_IN_KERAS[r.op] ?? [])
    if (r.attrs[key] !== defaults[key])
      throw new OpError(`${r.name} (${r.op}): ${key}=${JSON.stringify(r.attrs[key])} has no Keras equivalent`, `set ${key} to ${JSON.stringify(defaults[key])} to export the graph to Keras`);
  if (NOT_IN_KERAS[r.op] && Array.isArray(r.attrs.padding))
    throw new OpError(`${r.name} (${r.op}): explicit padding ${JSON.stringify(r.attrs.padding)} has no Keras equivalent for pooling`, "use 'same' or 'valid', or a ZeroPadding2D before a 'valid' pool");
  const kwargs = new Map<string, string>();
  for (const [key, spec] of Object.entries(def.attrs)) {
    if (NOT_IN_KERAS[r.op]?.includes(key)) continue;
    const value = r.attrs[key];
    const required = REQUIRED[r.op]?.includes(key);
    if (!required && JSON.stringify(value) === JSON.stringify(defaults[key])) continue;
    if (value === null && !required) continue;
    kwargs.set(key, spec.kind === 'initializer' ? pyInitializer(value as Initializer)
      : spec.kind === 'regularizer' ? pyRegularizer(value as Regularizer)
      : spec.kind === 'ints' ? pyTuple(value as number[])
      : spec.kind === 'floats' ? `[${(value as number[]).map(py).join(', ')}]`
      : py(value));
  }
  return kwargs;
}

function pyInitializer(init: Initializer): string {
  const config = Object.entries(init.config);
  if (config.length === 0) return pyStr(init.name);
  return `tf.keras.initializers.${INITIALIZER_CLASS[init.name]}(${config.map(([k, v]) => `${k}=${py(v)}`).join(', ')})`;
}

function pyRegularizer(reg: Regularizer): string {
  if (reg.l2 === 0) return `tf.keras.regularizers.l1(${py(reg.l1)})`;
  if (reg.l1 === 0) return `tf.keras.regularizers.l2(${py(reg.l2)})`;
  return `tf.keras.regularizers.l1_l2(l1=${py(reg.l1)}, l2=${py(reg.l2)})`;
}

/** A JSON-like value as a Python literal; lists (pairs, nested pads) as tuples. */
function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return pyTuple(v);
  throw new Error(`keras export: cannot write ${JSON.stringify(v)} as Python`);
}

function pyTuple(v: readonly unknown[]): string {
  return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
}

/** A Python string literal: single-quoted when plain, else JSON's escapes (a subset of Python's). */
function pyStr(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) && !/['\\]/.test(s) ? `'${s}'` : JSON.stringify(s);
}

function ancestors(report: GraphReport): Set<string> {
  const seen = new Set<string>();
  const stack = [...report.outputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(report.byId.get(id)?.inputs ?? []));
  }
  return seen;
}
