import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphNode } from '../graph/types.ts';
import { filled, tensor, type Tensor } from '../tensor.ts';
import { materializeWeights, runReference, type WeightStore } from './reference.ts';

const graph = (nodes: GraphNode[], outputs?: string[]) =>
  analyzeGraph({ format: 'deepwire-graph', version: 1, nodes, ...(outputs ? { outputs } : {}) });

// The lecture's Keras example: Dense(5, kernel_initializer='ones', kernel_regularizer=l1(0.01),
// activity_regularizer=l2(0.01)) on tf.ones((5, 5)) * 2 → losses 0.25 + 5 = 5.25.
const lecture = (batch: number) => {
  const report = graph([
    { id: 'x', op: 'Input', attrs: { shape: [5] } },
    { id: 'dense', op: 'Dense', inputs: ['x'], attrs: { units: 5, kernel_initializer: 'ones', kernel_regularizer: { l1: 0.01 }, activity_regularizer: { l2: 0.01 } } },
  ]);
  return runReference(report, { x: filled([batch, 5], 2) });
};

// The ONNX Runtime golden of conv2d.test.ts, as a one-node graph.
const convGraph = (extra: Record<string, unknown> = {}, weightRefs?: Record<string, string>) =>
  graph([
    { id: 'img', op: 'Input', attrs: { shape: [3, 3, 1] } },
    { id: 'conv', op: 'Conv2D', inputs: ['img'], attrs: { filters: 1, kernel_size: 2, ...extra }, weights: weightRefs },
  ]);
const image = (batch = 1) => tensor([batch, 3, 3, 1], Array.from({ length: 9 * batch }, (_, i) => 10 * ((i % 9) + 1)));

describe('runReference', () => {
  it("computes the lecture's regularization losses exactly: kernel 0.25, activity 5, total 5.25", () => {
    const run = lecture(5);
    expect(run.losses.kernel).toBeCloseTo(0.25, 10);
    expect(run.losses.activity).toBeCloseTo(5, 10);
    expect(run.losses.bias).toBe(0);
    expect(run.losses.total).toBeCloseTo(5.25, 10);
    const y = run.tensors.get('dense')!;
    expect(y.shape).toEqual([5, 5]);
    expect([...y.data]).toEqual(new Array(25).fill(10)); // 2·1 summed over 5 inputs
  });

  it('divides the activity penalty by the batch size, not by the element count', () => {
    expect(lecture(2).losses.activity).toBeCloseTo(5, 10);
    expect(lecture(1).losses.activity).toBeCloseTo(5, 10);
  });

  it('runs Conv2D on stored weights (the ONNX golden) and puts bias penalties in their own bucket', () => {
    const report = convGraph({ bias_initializer: { name: 'constant', value: 0.5 }, bias_regularizer: { l2: 0.1 }, kernel_regularizer: { l2: 1 } });
    const store: WeightStore = new Map([['conv/kernel', tensor([2, 2, 1, 1], [1, 2, 3, 4])]]);
    const run = runReference(report, { img: image() }, { weights: materializeWeights(report, 0, store) });
    expect([...run.tensors.get('conv')!.data]).toEqual([370.5, 470.5, 670.5, 770.5]);
    expect(run.losses.kernel).toBeCloseTo(1 + 4 + 9 + 16, 10);
    expect(run.losses.bias).toBeCloseTo(0.1 * 0.25, 10);
    expect(run.losses.activity).toBe(0);
  });

  it("leaves a frozen layer's weight penalties out, as Keras 3's model.losses (its trainable_weights), and keeps its activity penalty", () => {
    const report = graph([
      { id: 'x', op: 'Input', attrs: { shape: [5] } },
      { id: 'dense', op: 'Dense', inputs: ['x'], attrs: { units: 5, kernel_initializer: 'ones', kernel_regularizer: { l1: 0.01 }, activity_regularizer: { l2: 0.01 }, trainable: false } },
    ]);
    const run = runReference(report, { x: filled([5, 5], 2) });
    expect(run.losses.kernel).toBe(0);
    expect(run.losses.total).toBeCloseTo(5, 10);
  });

  it("reads a node's weights under its own reference key when it names one", () => {
    const report = convGraph({ use_bias: false }, { kernel: 'imported/conv_1/kernel:0' });
    const store: WeightStore = new Map([['imported/conv_1/kernel:0', tensor([2, 2, 1, 1], [1, 2, 3, 4])]]);
    const run = runReference(report, { img: image(2) }, { weights: materializeWeights(report, 0, store) });
    expect(run.tensors.get('conv')!.shape).toEqual([2, 2, 2, 1]);
    expect([...run.tensors.get('conv')!.data]).toEqual([370, 470, 670, 770, 370, 470, 670, 770]);
  });

  it('initialises from the seed: repeatable, seed-dependent, and unchanged when nodes are added', () => {
    const nodes: GraphNode[] = [
      { id: 'img', op: 'Input', attrs: { shape: [6, 6, 2] } },
      { id: 'conv1', op: 'Conv2D', inputs: ['img'], attrs: { filters: 3, padding: 'same' } },
    ];
    const feed = { img: tensor([1, 6, 6, 2], Array.from({ length: 72 }, (_, i) => Math.sin(i))) };
    const a = runReference(graph(nodes), feed, { seed: 3 }).tensors.get('conv1')!;
    expect(runReference(graph(nodes), feed, { seed: 3 }).tensors.get('conv1')!.data).toEqual(a.data);
    expect(runReference(graph(nodes), feed, { seed: 4 }).tensors.get('conv1')!.data).not.toEqual(a.data);
    expect(runReference(graph(nodes), feed).tensors.get('conv1')!.data).toEqual(runReference(graph(nodes), feed, { seed: 0 }).tensors.get('conv1')!.data);

    const bigger = graph([{ id: 'conv0', op: 'Conv2D', inputs: ['img'], attrs: { filters: 3 } }, ...nodes, { id: 'conv2', op: 'Conv2D', inputs: ['conv1'], attrs: { filters: 3 } }]);
    expect(materializeWeights(bigger, 3).get('conv1')).toEqual(materializeWeights(graph(nodes), 3).get('conv1'));
    expect(materializeWeights(bigger, 3).get('conv0')!.kernel.data).not.toEqual(materializeWeights(bigger, 3).get('conv1')!.kernel.data);
  });

  it('keeps a tensor alive until its last consumer (diamond) and returns only what was asked for', () => {
    const report = graph([
      { id: 'x', op: 'Input', attrs: { shape: [2] } },
      { id: 'a', op: 'Dense', inputs: ['x'], attrs: { units: 2, kernel_initializer: 'ones' } },
      { id: 'b', op: 'Dense', inputs: ['x'], attrs: { units: 2, kernel_initializer: { name: 'constant', value: 3 } } },
      { id: 'sum', op: 'Add', inputs: ['a', 'b', 'x'] },
    ]);
    const feed = { x: tensor([1, 2], [1, 2]) };
    const run = runReference(report, feed);
    expect([...run.tensors.keys()]).toEqual(['sum']);
    expect([...run.tensors.get('sum')!.data]).toEqual([3 + 9 + 1, 3 + 9 + 2]);
    const some = runReference(report, feed, { outputs: ['a', 'sum', 'x'] });
    expect([...some.tensors.keys()]).toEqual(['a', 'sum', 'x']);
    expect([...some.tensors.get('a')!.data]).toEqual([3, 3]);
    expect(some.tensors.get('x')).toBe(feed.x);
  });

  it('runs only the ancestors of the requested outputs: an unused Input needs no feed', () => {
    const report = graph([
      { id: 'x', op: 'Input', attrs: { shape: [2] } },
      { id: 'y', op: 'Input', attrs: { shape: [3] } },
      { id: 'dx', op: 'Dense', inputs: ['x'], attrs: { units: 1, kernel_initializer: 'ones', activity_regularizer: 'l1' } },
      { id: 'dy', op: 'Dense', inputs: ['y'], attrs: { units: 1, kernel_initializer: 'ones', kernel_regularizer: 'l1' } },
    ]);
    const run = runReference(report, { x: tensor([1, 2], [1, 2]) }, { outputs: ['dx'] });
    expect([...run.tensors.get('dx')!.data]).toEqual([3]);
    expect(run.losses).toEqual({ kernel: 0, bias: 0, activity: expect.closeTo(0.03, 12), total: expect.closeTo(0.03, 12) });
  });
});

describe('runReference refuses, saying what to do', () => {
  const dense = graph([
    { id: 'x', op: 'Input', attrs: { shape: [4, 3] } },
    { id: 'd', op: 'Dense', inputs: ['x'], attrs: { units: 2 } },
  ]);

  it('a graph with problems, quoting them', () => {
    const bad = graph([{ id: 'x', op: 'Input', attrs: { shape: [4] } }, { id: 'c', op: 'Conv2D', inputs: ['x'] }]);
    expect(() => runReference(bad, { x: filled([1, 4], 0) })).toThrow(/^cannot run a graph with problems: Conv2D/);
  });

  it('a missing feed, a feed of the wrong shape or size, an unknown feed, unequal batches', () => {
    expect(() => runReference(dense, {})).toThrow("Input 'x' has no feed: it needs a tensor of shape N×4×3 (batch first)");
    expect(() => runReference(dense, { x: filled([4, 3], 0) })).toThrow("Input 'x' expects N×4×3 (batch first), the feed has shape 4×3");
    expect(() => runReference(dense, { x: filled([2, 4, 2], 0) })).toThrow("Input 'x' expects N×4×3 (batch first), the feed has shape 2×4×2");
    expect(() => runReference(dense, { x: { shape: [1, 4, 3], data: new Float32Array(5) } })).toThrow("the feed of Input 'x' holds 5 values, its shape 1×4×3 needs 12");
    expect(() => runReference(dense, { x: filled([1, 4, 3], 0), d: filled([1, 4, 2], 0) })).toThrow("feed 'd' is not an Input node of the graph");
    const two = graph([
      { id: 'a', op: 'Input', attrs: { shape: [2] } },
      { id: 'b', op: 'Input', attrs: { shape: [2] } },
      { id: 's', op: 'Add', inputs: ['a', 'b'] },
    ]);
    expect(() => runReference(two, { a: filled([2, 2], 0), b: filled([3, 2], 0) })).toThrow("Input 'b' is fed a batch of 3, Input 'a' a batch of 2");
  });

  it('an output that is not a node', () => {
    expect(() => runReference(dense, { x: filled([1, 4, 3], 0) }, { outputs: ['nope'] })).toThrow("output 'nope' is not a node of the graph");
  });

  it('a stored weight of the wrong shape, naming node, weight and both shapes', () => {
    const store: WeightStore = new Map<string, Tensor>([['d/kernel', filled([2, 3], 0)]]);
    expect(() => materializeWeights(dense, 0, store)).toThrow("Dense 'd': weight 'kernel' has shape 2×3, expected 3×2");
    const given = new Map([['d', { kernel: filled([3, 3], 0), bias: filled([2], 0) }]]);
    expect(() => runReference(dense, { x: filled([1, 4, 3], 0) }, { weights: given })).toThrow("Dense 'd': weight 'kernel' has shape 3×3, expected 3×2");
  });

  it('a weight reference missing from the store, and weights missing from those given', () => {
    const report = convGraph({}, { kernel: 'k0' });
    expect(() => materializeWeights(report, 0, new Map())).toThrow("Conv2D 'conv': weight 'kernel' refers to 'k0', which is not in the weight store");
    expect(() => materializeWeights(report, 0)).toThrow(/refers to 'k0'/);
    expect(() => runReference(dense, { x: filled([1, 4, 3], 0) }, { weights: new Map() })).toThrow("Dense 'd': weight 'kernel' is missing from the weights given");
  });
});
