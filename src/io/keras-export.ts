// Keras export: a graph as a Python script that rebuilds it with the Keras functional API, in the
// lecture's style (`tf.keras.layers.Conv2D(…, kernel_regularizer=tf.keras.regularizers.l2(0.01))`):
// layer names kept, every attr that differs from Keras' default written out, initializers and
// regularizers included. Targets TensorFlow ≥ 2.16 (Keras 3 argument names, e.g. LeakyReLU negative_slope).
import type { Initializer, Regularizer } from '../weights/specs.ts';
import { formatCount } from '../format.ts';
import { kerasModel, type KerasArgument } from './keras-layers.ts';

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
  const name = graph && typeof graph === 'object' && typeof (graph as { name?: unknown }).name === 'string' ? (graph as { name: string }).name : 'model';
  const model = kerasModel(graph);
  const variables = new Map<string, string>();
  const usedVariables = new Set<string>();
  /** A Python identifier for a layer's output, unique in the script. */
  const variable = (layerName: string) => {
    let v = layerName.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(v) || PYTHON_KEYWORDS.has(v) || v === '') v = `x_${v}`;
    const base = v;
    for (let k = 1; usedVariables.has(v); k++) v = `${base}_${k}`;
    usedVariables.add(v);
    variables.set(layerName, v);
    return v;
  };

  const lines: string[] = [];
  for (const layer of model.layers) {
    const args = layer.inputs.map((i) => variables.get(i)!);
    const input = args.length === 1 ? args[0] : `[${args.join(', ')}]`;
    if (layer.className === 'InputLayer') {
      lines.push(`${variable(layer.name)} = tf.keras.Input(shape=${pyTuple(layer.args.get('shape')!.value as number[])}, name=${pyStr(layer.name)})`);
      continue;
    }
    const call = [...layer.args].map(([k, v]) => `${k}=${pyArgument(v)}`).concat(`name=${pyStr(layer.name)}`).join(', ');
    lines.push(`${variable(layer.name)} = tf.keras.layers.${layer.className}(${call})(${input})`);
  }

  const { params, left } = model;
  const list = (names: string[]) => (names.length === 1 ? variables.get(names[0])! : `[${names.map((n) => variables.get(n)!).join(', ')}]`);
  const layers = model.layers.map((l) => l.name);
  const script = [
    `# ${name}: a deepwire graph as a Keras functional model (written by \`deepwire export-keras\`).`,
    '# Layer names are the graph\'s; the weights start from the initializers named here, not from deepwire\'s values',
    '# (deepwire export-keras FILE model.json writes the model with its weights).',
    '# Needs TensorFlow 2.16 or newer (Keras 3). Run it to print the summary and check the parameter count.',
    ...(left ? [left === 1 ? '# 1 node of the graph feeds no output and is left out, as Keras would.' : `# ${left} nodes of the graph feed no output and are left out, as Keras would.`] : []),
    'import tensorflow as tf',
    '',
    ...lines,
    '',
    `model = tf.keras.Model(inputs=${list(model.inputs)}, outputs=${list(model.outputs)}, name=${pyStr(name)})`,
    '',
    `EXPECTED_PARAMS = {'total': ${params.total}, 'trainable': ${params.trainable}, 'non_trainable': ${params.nonTrainable}}`,
    '',
    "if __name__ == '__main__':",
    '    model.summary()',
    "    assert model.count_params() == EXPECTED_PARAMS['total'], (model.count_params(), EXPECTED_PARAMS)",
    '',
    `# Layers: ${layers.length}`,
    `# Total params: ${formatCount(params.total)}`,
    `# Trainable params: ${formatCount(params.trainable)}`,
    `# Non-trainable params: ${formatCount(params.nonTrainable)}`,
    '',
  ].join('\n');
  return { script, layers, params };
}

function pyArgument({ value, kind }: KerasArgument): string {
  return kind === 'initializer' ? pyInitializer(value as Initializer)
    : kind === 'regularizer' ? pyRegularizer(value as Regularizer)
    : kind === 'ints' ? pyTuple(value as number[])
    : kind === 'floats' ? `[${(value as number[]).map(py).join(', ')}]`
    : py(value);
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
