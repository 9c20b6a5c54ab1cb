// PyTorch export: a graph as a Python file defining an nn.Module — one attribute per layer named as the
// Keras layer, forward in graph order, deepwire's N×H×W×C turned into PyTorch's N×C×H×W once on the way
// in and back once on the way out — and its weights as an .npz (numpy) keyed by state_dict names.
// What each op becomes is its row of PYTORCH_OPS (pytorch-ops.ts). Run as a script, the file loads its
// weights, runs the module on an .npy and writes the output in deepwire's layout.
import type { GraphReport } from '../graph/analyze.ts';
import { OpError } from '../ops/op.ts';
import { ancestorsOf, materializeWeights, unstoredWeights, type WeightStore } from '../runtime/reference.ts';
import { formatShape, sizeOf, type Tensor } from '../tensor.ts';
import { writeNpz } from './npz.ts';
import { PYTHON_HELPERS, PYTORCH_OPS, pyStr, TorchExportError, type HelperName, type TorchNode, type TorchValue } from './pytorch-ops.ts';

export interface PytorchExportOptions {
  /** Initializer seed for the weights `weights` does not hold, as `deepwire run` uses them. */
  seed?: number;
  weights?: WeightStore;
  name?: string;
  /** Node ids the module returns (feature extraction, as run's --output); default the graph's outputs. Only what they need is exported. */
  outputs?: string[];
  /** The script's file name (its usage line says it) and the weights file's, which it looks for beside itself. */
  scriptFile: string;
  weightsFile: string;
}

export interface PytorchExport {
  script: string;
  /** The .npz: state_dict key → float32 array. */
  weights: Uint8Array;
  className: string;
  /** Layers with an attribute in the module. */
  layers: number;
  /** Parameters and buffers written to the weights file. */
  values: number;
  /** Weights initialised from the seed rather than taken from the store. */
  initialised: number;
}

/** Names Python or the generated file already uses. */
const RESERVED = new Set(('False None True and as assert async await break class continue def del elif else except finally for ' +
  'from global if import in is lambda nonlocal not or pass raise return try while with yield ' +
  'self torch nn F np sys Path WEIGHTS load_model main super print len float int tuple range x y ' +
  // nn.Module's own attributes, which a layer attribute must not hide
  'training forward eval train apply modules children parameters buffers state_dict type to cuda cpu half double ' +
  'zero_grad add_module register_buffer register_parameter named_modules named_parameters requires_grad_').split(' ')
  .concat(Object.keys(PYTHON_HELPERS)));

/** Writes the module and its weights; throws an OpError naming a node that has no PyTorch form. */
export function exportPytorch(report: GraphReport, options: PytorchExportOptions): PytorchExport {
  if (!report.ok) throw new OpError(`cannot export a graph with problems: ${report.problems[0].message}`, "fix them first ('deepwire validate' lists them all)");
  const seed = options.seed ?? 0;
  const weights = materializeWeights(report, seed, options.weights);
  const initialised = unstoredWeights(report, options.weights).length;
  const name = options.name ?? 'model';
  const className = pascalCase(name);

  const outputIds = options.outputs ?? report.outputs;
  const needed = ancestorsOf(report, outputIds);
  const nodes = report.order.map((id) => report.byId.get(id)!).filter((r) => needed.has(r.id));
  const used = new Set<string>([...RESERVED, className]);
  const identifier = (layerName: string) => {
    let v = layerName.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(v) || v === '') v = `layer_${v}`;
    const base = v;
    for (let k = 1; used.has(v); k++) v = `${base}_${k}`;
    used.add(v);
    return v;
  };

  const values = new Map<string, TorchValue>();
  const helpers = new Set<HelperName>();
  const init: string[] = [];
  const forward: string[] = [];
  const state = new Map<string, Tensor>();
  const inputs = nodes.filter((r) => r.op === 'Input');
  const args: string[] = [];
  for (const r of inputs) {
    const v = identifier(r.name);
    args.push(v);
    values.set(r.id, { name: v, shape: r.shape! });
    if (r.shape!.length === 3) {
      helpers.add('nhwc_to_nchw');
      forward.push(`${v} = nhwc_to_nchw(${v})`);
    }
  }
  let layers = 0;
  for (const r of nodes) {
    if (r.op === 'Input') continue;
    const emit = PYTORCH_OPS[r.op];
    if (!emit) throw new OpError(`${r.name} (${r.op}): has no PyTorch export`, 'every op of deepwire should have one (a row of src/io/pytorch-ops.ts): please report it; meanwhile remove or replace the node');
    const variable = identifier(r.name);
    let declared: string | undefined;
    const node: TorchNode = {
      node: r,
      attrs: r.attrs as Record<string, any>,
      inputs: r.inputs.map((id) => values.get(id)!),
      shape: r.shape!,
      weights: weights.get(r.id) ?? {},
      layer(constructor, layerState = {}) {
        if (declared) throw new Error(`${r.name}: one layer per node`);
        declared = `self.${variable}`;
        init.push(`${declared} = ${constructor}`);
        for (const [key, t] of Object.entries(layerState)) state.set(`${variable}.${key}`, t);
        layers++;
        return declared;
      },
      helper(helper) {
        helpers.add(helper);
        return helper;
      },
    };
    let expr: string;
    try {
      expr = emit(node);
    } catch (e) {
      if (e instanceof TorchExportError) throw new OpError(`${r.name} (${r.op}): ${e.message}`, 'remove or replace the node to export the graph');
      throw e;
    }
    const identity = node.inputs.find((v) => v.name === expr);
    forward.push(identity ? `${variable} = ${expr}  # ${r.op}: the identity at inference` : `${variable} = ${expr}`);
    values.set(r.id, { name: variable, shape: r.shape! });
  }
  const outputs = outputIds.map((id) => {
    const v = values.get(id)!;
    if (v.shape.length !== 3) return v.name;
    helpers.add('nchw_to_nhwc');
    return `nchw_to_nhwc(${v.name})`;
  });
  forward.push(`return ${outputs.join(', ')}`);

  const shapeOf = (shape: readonly number[]) => `N×${formatShape(shape)}`;
  const inputShapes = inputs.map((r) => `${r.name} ${shapeOf(r.shape!)}`).join(', ');
  const outputShapes = outputIds.map((id) => `${report.byId.get(id)!.name} ${shapeOf(report.byId.get(id)!.shape!)}`).join(', ');
  const params = [...state.values()].reduce((s, t) => s + sizeOf(t.shape), 0);
  const usage = `python3 ${options.scriptFile} ${inputs.length === 1 ? 'IN.npy' : inputs.map((r) => `${identifierHint(r.name)}.npy`).join(' ')} ` +
    `${outputIds.length === 1 ? 'OUT.npy' : outputIds.map((id) => `${identifierHint(report.byId.get(id)!.name)}.npy`).join(' ')}`;
  const left = report.nodes.length - nodes.length;
  const helperOrder = (Object.keys(PYTHON_HELPERS) as HelperName[]).filter((h) => helpers.has(h));

  const script = [
    `"""${name}: a deepwire graph as a PyTorch module (written by \`deepwire export-pytorch\`).`,
    '',
    `Inputs: ${inputShapes}; outputs: ${outputShapes} — channels-last, as deepwire and Keras`,
    'take and give them; inside, images are N×C×H×W as PyTorch wants them. Layers are named as the',
    'graph\'s (Keras\') layers; the module is for inference (call .eval(): Dropout is the identity and',
    'BatchNorm uses its moving statistics, as in Keras; the augmentation layers are the identity or',
    'their center crop).',
    `Weights: ${options.weightsFile} beside this file, numpy arrays keyed by state_dict name.`,
    ...(left ? [`${left === 1 ? '1 node' : `${left} nodes`} of the graph feed no output and are left out.`] : []),
    '',
    `Run as a script, it checks itself on data: ${usage}`,
    'reads each input (with or without the batch axis), runs the module and writes each output.',
    '"""',
    'import sys',
    'from pathlib import Path',
    '',
    'import numpy as np',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `WEIGHTS = Path(__file__).with_name(${pyStr(options.weightsFile)})`,
    '',
    '',
    ...helperOrder.flatMap((h) => [PYTHON_HELPERS[h].replace(/^\n/, ''), '', '']),
    `class ${className}(nn.Module):`,
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init.map((l) => `        ${l}`) : ['        pass']),
    '',
    `    def forward(self, ${args.join(', ')}):`,
    ...forward.map((l) => `        ${l}`),
    '',
    '',
    'def load_model(weights=WEIGHTS):',
    `    """${className} with the exported weights, in inference mode."""`,
    `    model = ${className}()`,
    '    with np.load(weights) as arrays:',
    '        state = {key: torch.from_numpy(arrays[key]) for key in arrays.files}',
    '    missing, unexpected = model.load_state_dict(state, strict=False)',
    "    missing = [key for key in missing if not key.endswith('num_batches_tracked')]",
    "    if missing or unexpected:",
    "        raise ValueError(f'{weights} does not fit the module: missing {missing}, unexpected {unexpected}')",
    '    return model.eval()',
    '',
    '',
    'def main(paths):',
    `    input_shapes = [${inputs.map((r) => pyShape(r.shape!)).join(', ')}]`,
    `    if len(paths) != ${inputs.length + outputIds.length}:`,
    `        sys.exit(f'usage: ${usage.replace(options.scriptFile, '{sys.argv[0]}')}')`,
    '    inputs = []',
    `    for path, shape in zip(paths[:${inputs.length}], input_shapes):`,
    '        array = np.load(path).astype(np.float32)',
    '        if array.shape == shape:',
    '            array = array[None]  # one item: add the batch axis',
    '        if array.shape[1:] != shape:',
    "            sys.exit(f'{path}: shape {array.shape}, the model takes N×{shape}')",
    '        inputs.append(torch.from_numpy(array))',
    '    with torch.no_grad():',
    '        outputs = load_model()(*inputs)',
    ...(outputIds.length === 1 ? ['    outputs = (outputs,)'] : []),
    `    for path, output in zip(paths[${inputs.length}:], outputs):`,
    '        np.save(path, output.numpy())',
    "        print(f'{path}: {\"×\".join(map(str, output.shape))}')",
    '',
    '',
    "if __name__ == '__main__':",
    '    main(sys.argv[1:])',
    '',
  ].join('\n');
  return { script, weights: writeNpz(state), className, layers, values: params, initialised };
}

/**
 * A Python class name from the graph's name: `resnet50` → `Resnet50`, `inception_3a` → `Inception3a`,
 * `mobilenetv2_1.00_224` → `Mobilenetv2_1_00_224` (numbers stay apart).
 */
function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  // An underscore only between two numbers: `1.00` stays `1_00`, `inception_3a` becomes `Inception3a`.
  let s = words.map((w, i) => (/^[0-9]/.test(w) ? `${/[0-9]$/.test(words[i - 1] ?? '') ? '_' : ''}${w}` : w[0].toUpperCase() + w.slice(1))).join('');
  if (!s || /^[0-9]/.test(s)) s = `Model${s}`;
  return RESERVED.has(s) ? `${s}Model` : s;
}

const identifierHint = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

const pyShape = (shape: readonly number[]) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

