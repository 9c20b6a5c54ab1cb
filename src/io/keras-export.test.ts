// Keras export: golden lines for the lecture's regularizer/initializer example, every op of the registry,
// and the zoo. TensorFlow is not installed here, so Python itself checks the scripts: py_compile, then
// its ast module lists each layer constructor with its name, which must be the graph's, in order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { OPS } from '../ops/index.ts';
import { NO_KERAS_LAYER } from './keras-layers.ts';
import { ZOO, zooModel } from '../models/zoo.ts';
import { exportKeras } from './keras-export.ts';

const dir = mkdtempSync(join(tmpdir(), 'deepwire-keras-'));

/** Layer constructors of each script, as Python's ast reads them: [callee, name=…, all keywords]. */
const LIST_LAYERS = `
import ast, json, sys
out = {}
for path in sys.argv[1:]:
    layers = out[path] = []
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            ctor = node.value.func if isinstance(node.value.func, ast.Call) else node.value
            callee = ast.unparse(ctor.func)
            if callee.startswith('tf.keras.layers.') or callee == 'tf.keras.Input':
                keywords = {k.arg: ast.literal_eval(k.value) if k.arg == 'name' else ast.unparse(k.value) for k in ctor.keywords}
                layers.append([callee, keywords.get('name'), keywords])
print(json.dumps(out))
`;

type Layers = [string, string, Record<string, string>][];

/** py_compile on every script (one process), then their layers; compile errors come back as `error`. */
function python(scripts: Record<string, string>): { error: string; layers: Record<string, Layers> } {
  const paths = Object.entries(scripts).map(([file, script]) => {
    const path = join(dir, file);
    writeFileSync(path, script);
    return path;
  });
  const compiled = spawnSync('python3', ['-m', 'py_compile', ...paths], { encoding: 'utf8' });
  if (compiled.status !== 0) return { error: compiled.stderr || `py_compile exited with ${compiled.status}`, layers: {} };
  const listed = spawnSync('python3', ['-c', LIST_LAYERS, ...paths], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (listed.status !== 0) throw new Error(listed.stderr);
  const byPath = JSON.parse(listed.stdout) as Record<string, Layers>;
  return { error: '', layers: Object.fromEntries(Object.keys(scripts).map((file, i) => [file, byPath[paths[i]]])) };
}

/** Each script run for real against the Keras stand-in (src/testing/keras-stand-in): what it built, by file. */
interface StandInRecord {
  name: string;
  inputs: string[];
  outputs: string[];
  layers: { class: string; name: string; kwargs: Record<string, string>; inbound: string[] }[];
}

const RUN_WITH_STAND_IN = `
import json, os, runpy, sys, tensorflow
out = {}
for path in sys.argv[1:]:
    tensorflow._layers.clear(); tensorflow._names.clear()
    os.environ['KERAS_STAND_IN_RECORD'] = path + '.record.json'
    try:
        runpy.run_path(path, run_name='exported')
        out[path] = json.load(open(path + '.record.json'))
    except Exception as e:
        out[path] = {'error': f'{type(e).__name__}: {e}'}
print(json.dumps(out))
`;

function runWithStandIn(scripts: Record<string, string>): Record<string, StandInRecord | { error: string }> {
  const paths = Object.entries(scripts).map(([file, script]) => {
    const path = join(dir, file);
    writeFileSync(path, script);
    return path;
  });
  const standIn = fileURLToPath(new URL('../testing/keras-stand-in', import.meta.url));
  const run = spawnSync('python3', ['-c', RUN_WITH_STAND_IN, ...paths], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, PYTHONPATH: standIn } });
  if (run.status !== 0) throw new Error(run.stderr);
  const byPath = JSON.parse(run.stdout) as Record<string, StandInRecord | { error: string }>;
  return Object.fromEntries(Object.keys(scripts).map((file, i) => [file, byPath[paths[i]]]));
}

/** The record says what the graph says: one layer per node, in order, each called on its inputs' layers. */
function expectWiredAsGraph(record: StandInRecord | { error: string }, g: GraphFile): void {
  expect('error' in record ? record.error : '').toBe('');
  const r = record as StandInRecord;
  const report = analyzeGraph(g);
  const nameOf = (id: string) => report.byId.get(id)!.name;
  expect(r.layers.map((l) => [l.name, l.inbound])).toEqual(report.order.map((id) => [nameOf(id), report.byId.get(id)!.inputs.map(nameOf)]));
  expect(r.inputs).toEqual(report.nodes.filter((n) => n.op === 'Input').map((n) => n.name));
  expect(r.outputs).toEqual(report.outputs.map(nameOf));
}

/** One script through python(). */
function python1(script: string, file: string): { error: string; layers: Layers } {
  const { error, layers } = python({ [file]: script });
  return { error, layers: layers[file] ?? [] };
}

const graph = (nodes: GraphNode[], outputs: string[], name = 'test'): GraphFile => ({ format: 'deepwire-graph', version: 1, name, nodes, outputs });

describe('exportKeras', () => {
  it("writes the lecture's Dense with an initializer and both regularizers as Keras would", () => {
    const { script, params } = exportKeras(graph([
      { id: 'x', op: 'Input', attrs: { shape: [5] } },
      { id: 'd', op: 'Dense', name: 'dense', inputs: ['x'], attrs: {
        units: 5, kernel_initializer: 'ones', kernel_regularizer: { l1: 0.01 }, activity_regularizer: { l2: 0.01 } } },
      { id: 'c', op: 'Conv2D', name: 'conv', inputs: ['img'], attrs: {
        filters: 8, kernel_size: [1, 7], padding: 'same', groups: 2, kernel_initializer: { name: 'random_uniform', minval: -0.1, maxval: 0.1, seed: 3 },
        bias_regularizer: { l1: 0.001, l2: 0.002 }, activation: 'relu' } },
      { id: 'img', op: 'Input', attrs: { shape: [9, 9, 4] } },
    ], ['d', 'c'], 'lecture'));
    const lines = script.split('\n');
    expect(lines).toContain("input_1 = tf.keras.Input(shape=(5,), name='input_1')");
    expect(lines).toContain("dense = tf.keras.layers.Dense(units=5, kernel_initializer='ones', kernel_regularizer=tf.keras.regularizers.l1(0.01), activity_regularizer=tf.keras.regularizers.l2(0.01), name='dense')(input_1)");
    expect(lines).toContain("conv = tf.keras.layers.Conv2D(filters=8, kernel_size=(1, 7), padding='same', groups=2, activation='relu', kernel_initializer=tf.keras.initializers.RandomUniform(minval=-0.1, maxval=0.1, seed=3), bias_regularizer=tf.keras.regularizers.l1_l2(l1=0.001, l2=0.002), name='conv')(input_2)");
    expect(lines).toContain("model = tf.keras.Model(inputs=[input_1, input_2], outputs=[dense, conv], name='lecture')");
    expect(params).toEqual({ total: 30 + 2 * 7 * 8 + 8, trainable: 30 + 120, nonTrainable: 0 });
    expect(python1(script, 'lecture.py').error).toBe('');
  });

  it('writes a frozen layer with trainable=False and counts its weights as non-trainable, as Keras\' summary does', () => {
    const { script, params } = exportKeras(graph([
      { id: 'x', op: 'Input', attrs: { shape: [5] } },
      { id: 'backbone', op: 'Dense', inputs: ['x'], attrs: { units: 4, trainable: false } },
      { id: 'head', op: 'Dense', inputs: ['backbone'], attrs: { units: 2 } },
    ], ['head'], 'frozen'));
    expect(script.split('\n')).toContain("dense = tf.keras.layers.Dense(units=4, trainable=False, name='dense')(input_1)");
    expect(params).toEqual({ total: 24 + 10, trainable: 10, nonTrainable: 24 });
    expect(python1(script, 'frozen.py').error).toBe('');
  });

  it('handles every op of the registry, and Python reads back each layer under its name', () => {
    const nodes: GraphNode[] = [
      { id: 'x', op: 'Input', attrs: { shape: [12, 12, 4] } },
      { id: 'flip', op: 'RandomFlip', inputs: ['x'], attrs: { mode: 'horizontal' } },
      { id: 'shift', op: 'RandomTranslation', inputs: ['flip'], attrs: { height_factor: 0.1, width_factor: [-0.2, 0.1], fill_mode: 'constant' } },
      { id: 'rcrop', op: 'RandomCrop', inputs: ['shift'], attrs: { height: 12, width: 12 } },
      { id: 'conv', op: 'Conv2D', inputs: ['rcrop'], attrs: { filters: 4, kernel_size: 3, padding: 'same', dilation_rate: 2 } },
      { id: 'dw', op: 'DepthwiseConv2D', inputs: ['conv'], attrs: { kernel_size: 3, padding: 'same', depth_multiplier: 2 } },
      { id: 'sep', op: 'SeparableConv2D', inputs: ['dw'], attrs: { filters: 4, kernel_size: 3, padding: 'same', pointwise_regularizer: 'l2' } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['sep'], attrs: { epsilon: 1.001e-5, center: false } },
      { id: 'norm', op: 'Normalization', inputs: ['bn'], attrs: { mean: [0.5, 0, 0.25, 1], variance: [1, 2, 3, 4] } },
      { id: 'adapted', op: 'Normalization', inputs: ['norm'] },
      { id: 'resc', op: 'Rescaling', inputs: ['adapted'], attrs: { scale: 1 / 127.5, offset: -1 } },
      { id: 'act', op: 'Activation', inputs: ['resc'], attrs: { activation: 'swish' } },
      { id: 'relu', op: 'ReLU', inputs: ['act'], attrs: { max_value: 6 } },
      { id: 'leaky', op: 'LeakyReLU', inputs: ['relu'], attrs: { negative_slope: 0.1 } },
      { id: 'max', op: 'MaxPool2D', inputs: ['leaky'], attrs: { pool_size: 2 } },
      { id: 'avg', op: 'AveragePool2D', inputs: ['leaky'], attrs: { pool_size: 3, strides: 2, padding: 'same' } },
      { id: 'add', op: 'Add', inputs: ['max', 'avg'] },
      { id: 'sub', op: 'Subtract', inputs: ['max', 'avg'] },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['sub'], attrs: { keepdims: true } },
      { id: 'mul', op: 'Multiply', inputs: ['add', 'gap'] },
      { id: 'mean', op: 'Average', inputs: ['mul', 'add'] },
      { id: 'maximum', op: 'Maximum', inputs: ['mean', 'add'] },
      { id: 'minimum', op: 'Minimum', inputs: ['maximum', 'sub'] },
      { id: 'cat', op: 'Concatenate', inputs: ['minimum', 'add'], attrs: { axis: 2 } },
      { id: 'soft', op: 'Softmax', inputs: ['cat'], attrs: { axis: 2 } },
      { id: 'pad', op: 'ZeroPadding2D', inputs: ['cat'], attrs: { padding: [[1, 0], [2, 1]] } },
      { id: 'crop', op: 'Cropping2D', inputs: ['pad'], attrs: { cropping: 1 } },
      { id: 'gmp', op: 'GlobalMaxPool2D', inputs: ['crop'] },
      { id: 'flat', op: 'Flatten', inputs: ['crop'] },
      { id: 'drop', op: 'Dropout', inputs: ['flat'], attrs: { rate: 0.5 } },
      { id: 'dense', op: 'Dense', inputs: ['drop'], attrs: { units: 4 } },
      { id: 'ln', op: 'LayerNormalization', inputs: ['dense'], attrs: { epsilon: 1e-6, center: false } },
      { id: 'dot', op: 'Dot', inputs: ['ln', 'gmp'], attrs: { axes: 1, normalize: true } },
      { id: 'reshape', op: 'Reshape', inputs: ['dot'], attrs: { target_shape: [1, 1] } },
    ];
    // deepwire's own ops (ONNX's Div of two tensors, …) are refused, with what to do in Keras: keras-layers.test.ts.
    expect(OPS.map((o) => o.type).filter((t) => !nodes.some((n) => n.op === t))).toEqual(Object.keys(NO_KERAS_LAYER));
    const g = graph(nodes, ['reshape', 'soft'], 'every_op');
    const report = analyzeGraph(g);
    expect(report.problems).toEqual([]);
    const { script, layers } = exportKeras(g);
    const read = python1(script, 'every_op.py');
    expect(read.error).toBe('');
    expect(read.layers.map(([, name]) => name)).toEqual(layers);
    const byName = new Map(read.layers.map(([callee, name, kw]) => [name, { callee, kw }]));
    const at = (id: string) => byName.get(report.byId.get(id)!.name)!;
    expect(at('max').callee).toBe('tf.keras.layers.MaxPooling2D');
    expect(at('gap')).toEqual({ callee: 'tf.keras.layers.GlobalAveragePooling2D', kw: { keepdims: 'True', name: 'global_average_pooling2d' } });
    expect(at('norm').kw).toMatchObject({ mean: '[0.5, 0, 0.25, 1]', variance: '[1, 2, 3, 4]' });
    // Keras takes a factor as one number or a pair
    expect(at('shift').kw).toMatchObject({ height_factor: '0.1', width_factor: '[-0.2, 0.1]', fill_mode: "'constant'" });
    expect(at('rcrop').kw).toMatchObject({ height: '12', width: '12' });
    expect(at('flip').kw).toMatchObject({ mode: "'horizontal'" });
    expect(at('adapted').kw).toEqual({ name: 'normalization_1' });
    expect(at('pad').kw.padding).toBe('((1, 0), (2, 1))');
    expect(at('reshape').kw.target_shape).toBe('(1, 1)');
    expect(at('relu').kw).toEqual({ max_value: '6', name: 're_lu' });
    expect(at('sep').kw.pointwise_regularizer).toBe('tf.keras.regularizers.l2(0.01)');
    expect(at('dot').kw).toMatchObject({ axes: '1', normalize: 'True' });
    // Run for real against the stand-in: only Keras' layer classes, each wired to its inputs.
    expectWiredAsGraph(runWithStandIn({ 'every_op_run.py': script })['every_op_run.py'], g);
  });

  it('the stand-in catches what a run in Keras would: a class Keras lacks, a miswired layer', () => {
    const { script } = exportKeras(graph([
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
      { id: 'a', op: 'Conv2D', name: 'a', inputs: ['x'], attrs: { filters: 2, kernel_size: 1 } },
      { id: 'b', op: 'Conv2D', name: 'b', inputs: ['a'], attrs: { filters: 2, kernel_size: 1 } },
    ], ['b']));
    const runs = runWithStandIn({ 'unknown.py': script.replace('layers.Conv2D(', 'layers.Conv2d('), 'miswired.py': script.replace("name='b')(a)", "name='b')(input_1)") });
    expect(runs['unknown.py']).toEqual({ error: "AttributeError: module 'keras.layers' has no attribute 'Conv2d'" });
    expect(() => expectWiredAsGraph(runs['miswired.py'], graph([
      { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
      { id: 'a', op: 'Conv2D', name: 'a', inputs: ['x'], attrs: { filters: 2, kernel_size: 1 } },
      { id: 'b', op: 'Conv2D', name: 'b', inputs: ['a'], attrs: { filters: 2, kernel_size: 1 } },
    ], ['b']))).toThrow();
  });

  it('puts a ZeroPadding2D before a conv with explicit pads (Keras has only same and valid)', () => {
    const { script, layers } = exportKeras(graph([
      { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
      { id: 'c', op: 'Conv2D', name: 'conv1', inputs: ['x'], attrs: { filters: 2, kernel_size: 3, padding: [[1, 2], [0, 1]] } },
    ], ['c']));
    expect(layers).toEqual(['input_1', 'conv1_pad', 'conv1']);
    expect(script).toContain("conv1_pad = tf.keras.layers.ZeroPadding2D(padding=((1, 2), (0, 1)), name='conv1_pad')(input_1)");
    expect(script).toContain("conv1 = tf.keras.layers.Conv2D(filters=2, kernel_size=(3, 3), padding='valid', name='conv1')(conv1_pad)");
  });

  it('turns any layer name into a Python variable, and keeps the name itself', () => {
    const { script } = exportKeras(graph([
      { id: 'x', op: 'Input', name: 'my input', attrs: { shape: [4] } },
      { id: 'a', op: 'Dense', name: '1st-dense', inputs: ['x'], attrs: { units: 2 } },
      { id: 'b', op: 'Dense', name: 'lambda', inputs: ['a'], attrs: { units: 2 } },
      { id: 'c', op: 'Dense', name: "it's", inputs: ['b'], attrs: { units: 2 } },
      { id: 'd', op: 'Dense', name: 'it_s', inputs: ['c'], attrs: { units: 2 } },
    ], ['d']));
    const read = python1(script, 'names.py');
    expect(read.error).toBe('');
    expect(read.layers.map(([, name]) => name)).toEqual(['my input', '1st-dense', 'lambda', "it's", 'it_s']);
    expect(script).toContain('x_lambda = tf.keras.layers.Dense(units=2, name=\'lambda\')(x_1st_dense)');
    expect(script).toContain('it_s_1 = tf.keras.layers.Dense(units=2, name=\'it_s\')(it_s)');
  });

  it('leaves out nodes that feed no output, and says so', () => {
    const { script, layers } = exportKeras(graph([
      { id: 'x', op: 'Input', attrs: { shape: [4] } },
      { id: 'a', op: 'Dense', inputs: ['x'], attrs: { units: 2 } },
      { id: 'unused', op: 'Dense', inputs: ['x'], attrs: { units: 3 } },
    ], ['a']));
    expect(layers).toEqual(['input_1', 'dense']);
    expect(script).toContain('# 1 node of the graph feeds no output and is left out, as Keras would.');
  });

  it('refuses what Keras cannot express, and graphs with problems', () => {
    const pool = (attrs: Record<string, unknown>) => graph([
      { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
      { id: 'p', op: 'MaxPool2D', name: 'pool', inputs: ['x'], attrs },
    ], ['p']);
    expect(() => exportKeras(pool({ ceil_mode: true }))).toThrow('pool (MaxPool2D): ceil_mode=true has no Keras equivalent');
    expect(() => exportKeras(pool({ pool_size: 3, padding: [[1, 1], [1, 1]] }))).toThrow('pool (MaxPool2D): explicit padding [[1,1],[1,1]] has no Keras equivalent for pooling');
    expect(() => exportKeras(graph([{ id: 'x', op: 'Input', attrs: { shape: [4] } }, { id: 'a', op: 'Dense', inputs: ['nowhere'] }], ['a'])))
      .toThrow("cannot export a graph with problems: input 'nowhere' of Dense 'dense' [a] does not exist");
  });
});

describe('exportKeras on the zoo', () => {
  // All 26 compile; the layer names, their count and the totals written in the script are the graph's.
  const exported = ZOO.map((e) => ({ name: e.name, graph: zooModel(e.name) })).map((m) => ({ ...m, ...exportKeras(m.graph) }));
  const read = python(Object.fromEntries(exported.map((m) => [`${m.name}.py`, m.script])));

  it('every script compiles (python3 -m py_compile)', () => {
    expect(read.error).toBe('');
  });

  it('every script runs against the Keras stand-in and builds the graph, layer by layer and wire by wire', () => {
    const records = runWithStandIn(Object.fromEntries(exported.map((m) => [`${m.name}_run.py`, m.script])));
    for (const m of exported) expectWiredAsGraph(records[`${m.name}_run.py`], m.graph);
  });

  for (const { name, graph, script, layers, params } of exported)
    it(name, () => {
      const report = analyzeGraph(graph);
      expect(read.layers[`${name}.py`].map(([, layer]) => layer)).toEqual(report.order.map((id) => report.byId.get(id)!.name));
      expect(layers.length).toBe(report.nodes.length);
      const comment = (label: string) => Number(script.match(new RegExp(`^# ${label}: ([\\d,]+)$`, 'm'))![1].replaceAll(',', ''));
      expect([comment('Layers'), comment('Total params'), comment('Trainable params'), comment('Non-trainable params')])
        .toEqual([report.nodes.length, report.totals.params, report.totals.trainable, report.totals.nonTrainable]);
      expect(params.total).toBe(report.totals.params);
      expect(script).toContain(`EXPECTED_PARAMS = {'total': ${report.totals.params}, 'trainable': ${report.totals.trainable}, 'non_trainable': ${report.totals.nonTrainable}}`);
    });
});
