import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS } from '../ops/index.ts';
import { analyzeGraph, kerasBaseName, MAX_NODES, parseGraphText, type GraphReport } from './analyze.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));

type RawNode = Record<string, unknown>;
const graph = (nodes: RawNode[], extra: Record<string, unknown> = {}) => ({ format: 'deepwire-graph', version: 1, nodes, ...extra });
const input = (shape = [28, 28, 3], id = 'x'): RawNode => ({ id, op: 'Input', attrs: { shape } });
const conv = (id: string, inputs: string[], attrs: Record<string, unknown> = { filters: 8 }): RawNode => ({ id, op: 'Conv2D', inputs, attrs });

/** The problems of a report as `node: message — hint` strings, the way they are asserted below. */
const lines = (r: GraphReport) => r.problems.map((p) => `${p.node ?? 'graph'}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`);

describe('analyzeGraph: the file', () => {
  it('turns a JSON syntax error into a problem, with a hint about the format', () => {
    const { graph: g, problems } = parseGraphText('{ "nodes": [ }');
    expect(g).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^not valid JSON: /);
    expect(problems[0].hint).toContain('deepwire-graph');
    expect(parseGraphText('{"a": 1}')).toEqual({ graph: { a: 1 }, problems: [] });
  });

  it.each([[null], [42], ['graph'], [[1, 2]]])('refuses %j: a graph is a JSON object', (raw) => {
    const r = analyzeGraph(raw);
    expect(r.ok).toBe(false);
    expect(lines(r)).toEqual(['graph: a graph file must be a JSON object — expected { "format": "deepwire-graph", "version": 1, "nodes": [...], "outputs": [...] }']);
  });

  it('names a wrong or missing format', () => {
    expect(lines(analyzeGraph(graph([input()], { format: 'keras' })))).toContain('graph: not a deepwire graph: format is "keras" — set "format": "deepwire-graph"');
    const { format: _, ...noFormat } = graph([input()]);
    expect(lines(analyzeGraph(noFormat))).toEqual(['graph: not a deepwire graph: format is missing — set "format": "deepwire-graph"']);
  });

  it('tells a file from a newer deepwire apart from a bad version', () => {
    expect(lines(analyzeGraph(graph([input()], { version: 2 })))).toEqual(['graph: unsupported graph version 2 — this file is from a newer deepwire: update deepwire']);
    expect(lines(analyzeGraph(graph([input()], { version: '1' })))).toEqual(['graph: unsupported graph version "1" — set "version": 1']);
    expect(lines(analyzeGraph(graph([input()], { version: undefined })))).toEqual(['graph: unsupported graph version (missing) — set "version": 1']);
  });

  it('needs "nodes" to be a list, of a sane length', () => {
    const r = analyzeGraph(graph({} as never));
    expect(r.problems.map((p) => p.message)).toEqual(['"nodes" must be a list of nodes']);
    expect(r.problems[0].hint).toContain('"op": "Input"');
    const huge = analyzeGraph(graph(new Array(MAX_NODES + 1).fill(null)));
    expect(huge.problems.map((p) => p.message)).toEqual([`${MAX_NODES + 1} nodes is more than deepwire handles (${MAX_NODES})`]);
  });

  it('needs "outputs" to name nodes, and at least one', () => {
    expect(lines(analyzeGraph(graph([input()], { outputs: ['y'] })))).toEqual(["graph: output 'y' is not a node of the graph — list existing node ids in \"outputs\""]);
    expect(lines(analyzeGraph(graph([input()], { outputs: [] })))).toEqual(['graph: the graph has no outputs — list the node ids to compute in "outputs"']);
    expect(lines(analyzeGraph(graph([input()], { outputs: 'x' })))).toEqual(['graph: "outputs" must be a list of node ids']);
  });

  it('defaults the outputs to the nodes nothing consumes', () => {
    const r = analyzeGraph(graph([input(), conv('a', ['x']), conv('b', ['x']), conv('c', ['a'])]));
    expect(r.ok).toBe(true);
    expect(r.outputs).toEqual(['b', 'c']);
  });

  it('needs an Input node', () => {
    const r = analyzeGraph(graph([{ id: 'd', op: 'Dropout', inputs: [] }]));
    expect(lines(r)).toContain('graph: the graph has no Input node — add an Input with the shape of your data, e.g. [224, 224, 3]');
  });
});

describe('analyzeGraph: nodes', () => {
  it('needs an id on every node and counts from 1 in the message', () => {
    const r = analyzeGraph(graph([input(), { op: 'Conv2D', inputs: ['x'] }, { id: '', op: 'Dense' }, 'conv' as unknown as RawNode]));
    expect(lines(r)).toEqual([
      'graph: node #2 needs a non-empty string "id" — give every node a unique id such as "conv1"',
      'graph: node #3 needs a non-empty string "id" — give every node a unique id such as "conv1"',
      'graph: node #4 needs a non-empty string "id" — give every node a unique id such as "conv1"',
    ]);
  });

  it('reports a node without an op, bad inputs, attrs and name', () => {
    const r = analyzeGraph(graph([input(), { id: 'a' }, { id: 'b', op: 'ReLU', inputs: 'x', attrs: [1], name: '' }]));
    expect(lines(r)).toEqual([
      'a: node \'a\' needs an "op" such as "Conv2D"',
      'b: node \'b\': "inputs" must be a list of node ids',
      'b: node \'b\': "attrs" must be an object',
      'b: node \'b\': "name" must be a non-empty string',
      'b: ReLU takes 1 input, got 0 — connect another tensor to it',
    ]);
  });

  it('reports a node without an op once: the nodes that read it do not also call it missing', () => {
    const r = analyzeGraph(graph([input(), { id: 'a', op: null as unknown as string, inputs: ['x'] }, { id: 'b', op: 'ReLU', inputs: ['a'] }, { id: 'c', op: 'ReLU', inputs: ['nope'] }]));
    expect(lines(r)).toEqual([
      'a: node \'a\' needs an "op" such as "Conv2D"',
      "c: input 'nope' of ReLU 're_lu_1' [c] does not exist — connect an existing node or remove the input",
    ]);
  });

  it('refuses duplicate ids and duplicate names', () => {
    const ids = analyzeGraph(graph([input(), conv('c', ['x']), conv('c', ['x'], { filters: 4 })]));
    expect(lines(ids)).toEqual(["c: two nodes have the id 'c' — ids must be unique: rename one"]);
    expect(ids.nodes).toHaveLength(2); // the second 'c' is left out, not merged
    const names = analyzeGraph(graph([input(), { ...conv('a', ['x']), name: 'stem' }, { ...conv('b', ['a']), name: 'stem' }]));
    expect(lines(names)).toEqual(["b: two nodes are named 'stem' — names must be unique: rename one"]);
  });

  it.each([
    ['Conv3D', "did you mean 'Conv2D'?"],
    ['Convv2D', "did you mean 'Conv2D'?"],
    ['MaxPooling3D', "did you mean 'MaxPooling2D'?"],
    ['Concatenat', "did you mean 'Concatenate'?"],
  ])('guesses what the unknown op %s meant', (op, hint) => {
    const r = analyzeGraph(graph([input(), { id: 'y', op, inputs: ['x'] }]));
    expect(lines(r)).toEqual([`y: unknown op '${op}' — ${hint}`]);
    expect(r.byId.get('y')!.op).toBe(op);
  });

  it('lists the known ops when nothing is close, and finds ops case-insensitively', () => {
    const r = analyzeGraph(graph([input(), { id: 'y', op: 'TransformerBlock', inputs: ['x'] }]));
    expect(r.problems[0].hint).toMatch(/^known ops: Input, Conv2D, /);
    const lower = analyzeGraph(graph([input(), { id: 'y', op: 'conv2d', inputs: ['x'], attrs: { filters: 4 } }, { id: 'p', op: 'maxpooling2d', inputs: ['y'] }]));
    expect(lower.ok).toBe(true);
    expect(lower.nodes.map((n) => n.op)).toEqual(['Input', 'Conv2D', 'MaxPool2D']);
  });

  it('reports an unknown attr with a guess, or the list of known ones', () => {
    const r = analyzeGraph(graph([input(), conv('c', ['x'], { filter: 8 }), { id: 'd', op: 'Dropout', inputs: ['c'], attrs: { rat: 0.5 } }, { id: 'f', op: 'Flatten', inputs: ['d'], attrs: { zzz: 1 } }]));
    expect(lines(r)).toEqual([
      "c: Conv2D has no attribute 'filter' — did you mean 'filters'?",
      "d: Dropout has no attribute 'rat' — did you mean 'rate'?",
      expect.stringMatching(/^f: Flatten has no attribute 'zzz' — known attributes: /),
    ]);
  });

  it('keeps Keras bookkeeping keys (name, trainable, dtype) in attrs without complaint', () => {
    expect(analyzeGraph(graph([input(), conv('c', ['x'], { filters: 8, name: 'c', trainable: true, dtype: 'float32' })])).ok).toBe(true);
  });

  it('keeps trainable (Keras layer.trainable: false freezes the node while training) and checks it is a boolean', () => {
    const frozen = analyzeGraph(graph([input(), conv('c', ['x'], { filters: 8, trainable: false })]));
    expect(frozen.byId.get('c')!.attrs.trainable).toBe(false);
    // Its weights are non-trainable params, as Keras' summary counts a frozen layer's.
    expect(frozen.byId.get('c')!.params.trainable).toBe(0);
    expect(frozen.totals.nonTrainable).toBe(frozen.byId.get('c')!.params.nonTrainable);
    expect(frozen.totals.nonTrainable).toBeGreaterThan(0);
    expect(analyzeGraph(graph([input(), conv('c', ['x'], { filters: 8 })])).byId.get('c')!.attrs).not.toHaveProperty('trainable');
    expect(lines(analyzeGraph(graph([input(), conv('c', ['x'], { filters: 8, trainable: 'no' })])))).toEqual(['c: Conv2D trainable must be true or false, got "no"']);
  });

  it.each([
    [{ filters: '64' }, 'Conv2D filters must be a whole number, got "64"'],
    [{ filters: 2.5 }, 'Conv2D filters must be a whole number, got 2.5'],
    [{ filters: 0 }, 'Conv2D filters must be between 1 and 16777216, got 0'],
    [{ kernel_size: [3, 3, 3] }, 'Conv2D kernel_size must be a whole number or a pair [a, b], got [3,3,3]'],
    [{ strides: 0 }, 'Conv2D strides must be between 1 and 16777216, got 0'],
    [{ padding: 'full' }, "Conv2D padding must be 'same', 'valid' or explicit [[top, bottom], [left, right]]; expected non-negative whole numbers as n, [h, w] or [[top, bottom], [left, right]], got \"full\""],
    [{ activation: 'gelu2' }, 'Conv2D activation must be one of'],
    [{ use_bias: 'yes' }, 'Conv2D use_bias must be true or false, got "yes"'],
    [{ kernel_initializer: 'glorot' }, "Conv2D kernel_initializer unknown initializer 'glorot'"],
    [{ kernel_regularizer: { l2: -1 } }, 'Conv2D kernel_regularizer regularizer factors l1 and l2 must be non-negative numbers'],
    // Never a penalty silently left out: a regularizer deepwire does not compute is refused by name.
    [{ kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: { factor: 0.01, mode: 'rows' } } }, 'Conv2D kernel_regularizer regularizer OrthogonalRegularizer is not one deepwire computes'],
    [{ kernel_regularizer: { L2: 0.01 } }, `Conv2D kernel_regularizer regularizer {"L2":0.01} has 'L2': deepwire's regularizers take only l1 and l2`],
  ])('reports the bad attr %j', (attrs, message) => {
    const r = analyzeGraph(graph([input(), conv('c', ['x'], { filters: 8, ...attrs })]));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ node: 'c' });
    expect(r.problems[0].message.startsWith(message)).toBe(true);
    expect(r.byId.get('c')!.shape).toBeNull(); // no shape is inferred from a node with a bad attr
  });

  it('counts inputs against the arity, with a hint in each direction', () => {
    const r = analyzeGraph(graph([input(), input([28, 28, 3], 'x2'), conv('c', ['x', 'x2']), { id: 'a', op: 'Add', inputs: ['c'] }, { id: 'i', op: 'Input', inputs: ['x'], attrs: { shape: [3] } }]));
    expect(lines(r)).toEqual([
      'c: Conv2D takes 1 input, got 2 — disconnect the extra inputs',
      'a: Add takes at least 2 inputs, got 1 — connect another tensor to it',
      'i: Input takes 0 inputs, got 1 — disconnect the extra inputs',
    ]);
  });

  it('reports an input that names no node', () => {
    const r = analyzeGraph(graph([input(), conv('c', ['x']), conv('d', ['cc'])]));
    expect(lines(r)).toEqual(["d: input 'cc' of Conv2D 'conv2d_1' [d] does not exist — connect an existing node or remove the input"]);
  });

  it('spells a cycle out in the direction data flows, once per node on it', () => {
    const r = analyzeGraph(example('broken-cycle'));
    expect(lines(r)).toEqual([
      "add: 'add' is part of a cycle: add → conv2d → conv2d_1 → add — a network flows one way: remove one of these connections",
      "conv_a: 'conv2d' [conv_a] is part of a cycle: conv2d → conv2d_1 → add → conv2d — a network flows one way: remove one of these connections",
      "conv_b: 'conv2d_1' [conv_b] is part of a cycle: conv2d_1 → add → conv2d → conv2d_1 — a network flows one way: remove one of these connections",
    ]);
    expect(r.order).toEqual(['input']);
  });

  it('reports a node that feeds itself, and only the cycle, not what hangs below it', () => {
    const r = analyzeGraph(graph([input(), { id: 'a', op: 'Add', inputs: ['x', 'a'] }, conv('below', ['a'])]));
    expect(lines(r)).toEqual(["a: 'add' [a] is part of a cycle: add → add — a network flows one way: remove one of these connections"]);
  });
});

describe('analyzeGraph: shapes, names, counts', () => {
  it('reports Add of 28×28×64 and 28×28×128 with the projection hint, once', () => {
    const r = analyzeGraph(example('broken-add'));
    expect(lines(r)).toEqual(['add: Add needs equal shapes: 28×28×64 vs 28×28×128 — insert a 1×1 Conv2D projection']);
    // a node below the broken Add is not blamed for it
    const below = example('broken-add');
    below.nodes.push(conv('after', ['add']));
    below.outputs = ['after'];
    expect(analyzeGraph(below).problems).toHaveLength(1);
  });

  it('refuses a tensor too big for any device, and a window larger than its input', () => {
    const big = analyzeGraph(graph([input([100_000, 100_000, 3])]));
    expect(lines(big)).toEqual(['x: Input output 100000×100000×3 has 3.00e+10 elements, more than any device holds — use a smaller input or fewer filters']);
    const small = analyzeGraph(graph([input([2, 2, 3]), conv('c', ['x'], { filters: 4, kernel_size: 3 })]));
    expect(small.problems).toHaveLength(1);
    expect(small.problems[0].node).toBe('c');
    expect(small.problems[0].message).toMatch(/^Conv2D window 3×3 does not fit the 2×2 input/);
  });

  it('names nodes the Keras way: input_1, conv2d, conv2d_1, skipping names already taken', () => {
    const r = analyzeGraph(graph([
      { id: 'in', op: 'Input', attrs: { shape: [8, 8, 3] } },
      conv('a', ['in']), conv('b', ['a']),
      { ...conv('c', ['b']), name: 'conv2d_2' },
      conv('d', ['c']),
      { id: 'bn', op: 'BatchNormalization', inputs: ['d'] },
      { id: 'r', op: 'ReLU', inputs: ['bn'] },
      { id: 'in2', op: 'InputLayer', attrs: { shape: [3] } },
    ]));
    expect(r.nodes.map((n) => n.name)).toEqual(['input_1', 'conv2d', 'conv2d_1', 'conv2d_2', 'conv2d_3', 'batch_normalization', 're_lu', 'input_2']);
  });

  it.each([
    ['Conv2D', 'conv2d'], ['BatchNormalization', 'batch_normalization'], ['ReLU', 're_lu'],
    ['DepthwiseConv2D', 'depthwise_conv2d'], ['GlobalAveragePool2D', 'global_average_pooling2d'], ['MaxPool2D', 'max_pooling2d'], ['Dense', 'dense'],
  ])('kerasBaseName(%s) = %s', (type, name) => {
    expect(kerasBaseName(type)).toBe(name);
  });

  it('counts the Inception 3a module: 163,696 params and its FLOPs by hand', () => {
    const r = analyzeGraph(example('inception-3a'));
    expect(r.ok).toBe(true);
    expect(r.byId.get('concat')!.shape).toEqual([28, 28, 256]);
    expect(r.totals).toMatchObject({ params: 163_696, trainable: 163_696, nonTrainable: 0 });
    // per conv: 2·(28·28·OC·KH·KW·C) + 28·28·OC for the bias + 28·28·OC for the ReLU (as a ReLU layer
    // counts it, so a Conv2D + ReLU pair imported from ONNX counts the same); 1 MAC = 2 FLOPs
    const convFlops = (kk: number, c: number, oc: number) => 2 * 784 * oc * kk * c + 784 * oc + 784 * oc;
    expect(r.byId.get('b2_3x3')!.flops).toBe(convFlops(9, 96, 128));
    const convs = convFlops(1, 192, 64) + convFlops(1, 192, 96) + convFlops(9, 96, 128) + convFlops(1, 192, 16) + convFlops(25, 16, 32) + convFlops(1, 192, 32);
    expect(convs).toBe(256_386_816 + 784 * (64 + 96 + 128 + 16 + 32 + 32));
    const pool = 784 * 192 * 9; // a 3×3 max over every output element
    expect(r.byId.get('b4_pool')!.flops).toBe(pool);
    expect(r.totals.flops).toBe(convs + pool);
  });

  it('counts the ResNet bottleneck: moving statistics are non-trainable', () => {
    const r = analyzeGraph(example('resnet-bottleneck'));
    expect(r.ok).toBe(true);
    expect(r.byId.get('out')!.shape).toEqual([28, 28, 512]);
    // convs: 256·128+128, 9·128·128+128, 128·512+512, shortcut 256·512+512; BN: 4 per channel
    const convs = 32_896 + 147_584 + 66_048 + 131_584;
    const bn = 4 * (128 + 128 + 512 + 512);
    expect(r.totals).toMatchObject({ params: convs + bn, trainable: convs + bn / 2, nonTrainable: bn / 2 });
  });
});
