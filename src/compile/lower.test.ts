// The compiler without a device (as tinygrad's test_schedule counts kernels): what a graph lowers to —
// how many dispatches, of which kernels, what is fused, where concat branches write, when Winograd and
// split-K are chosen, how buffers are shared. The GPU suites check that these plans compute the right
// numbers; this suite pins their shape, so a change in fusion or kernel choice shows up here first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { BLOCKS, LAYER_NORM_CONCAT } from '../testing/blocks.ts';
import { singleOpGraph } from '../testing/compare.ts';
import { lowerGraph, type LowerOptions } from './lower.ts';
import { pixelView, type Plan } from './plan.ts';

function lower(graph: GraphFile, options: Partial<LowerOptions> = {}): Plan {
  const report = analyzeGraph(graph);
  expect(report.problems).toEqual([]);
  return lowerGraph(report, materializeWeights(report, 1), { batch: 1, keep: report.outputs, convKernel: 'gemm', ...options });
}

const dispatches = (plan: Plan) => plan.steps.map((s) => [s.node, ...s.fused].join('+'));
const kernels = (plan: Plan) => plan.steps.map((s) => s.kernel);
const example = (name: string) => JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')) as GraphFile;

describe('fusion and concat in place', () => {
  it('Inception 3a: 6 convs (the two reductions as one) and 1 pool, each writing its slice of the concat, no copy', () => {
    for (const options of [{ convKernel: 'gemm', splitK: false }, { convKernel: 'gemm64', splitK: false }, { convKernel: 'direct', subgroups: false }, { convKernel: 'direct', subgroups: true, winograd: false }] as const) {
      const plan = lower(example('inception-3a'), options);
      expect(kernels(plan).filter((k) => k === 'pool2d')).toHaveLength(1);
      expect(plan.steps).toHaveLength(6);
      expect(kernels(plan)).not.toContain('elementwise');
      const concat = plan.views.get('concat')!;
      // The four branches' outputs are channel slices 0–63, 64–191, 192–223, 224–255 of the concat's buffer.
      const slices = ['b1_1x1', 'b2_3x3', 'b3_5x5', 'b4_proj'].map((id) => plan.views.get(id)!);
      expect(slices.map((v) => v.alloc)).toEqual([concat.alloc, concat.alloc, concat.alloc, concat.alloc]);
      expect(slices.map((v) => v.offset - concat.offset)).toEqual([0, 64, 192, 224]);
      expect(slices.map((v) => pixelView(v)!.stride)).toEqual([256, 256, 256, 256]);
    }
  });

  it('a LayerNormalization writes its channel slice of a Concatenate in place (its kernel takes the row stride)', () => {
    const plan = lower(LAYER_NORM_CONCAT);
    const [ln, concat] = ['ln', 'cat'].map((id) => plan.views.get(id)!);
    expect([ln.alloc, ln.offset - concat.offset, pixelView(ln)!.stride]).toEqual([concat.alloc, 0, 10]);
    expect(kernels(plan)).toEqual(['conv2dGemm', 'conv2dGemm', 'layerNorm']);
  });

  it('sibling convs: 1×1 convs reading one tensor with one activation, read only by convs, are one conv', () => {
    const plan = lower(example('inception-3a'), { splitK: false });
    // The 3×3 and 5×5 branches' reductions (96 + 16 filters) side by side; the 1×1 branch writes its concat slice.
    expect(dispatches(plan)).toEqual(['b1_1x1', 'b2_reduce+b3_reduce', 'b4_pool', 'b2_3x3', 'b3_5x5', 'b4_proj']);
    const [b2, b3] = ['b2_reduce', 'b3_reduce'].map((id) => plan.views.get(id)!);
    expect([b3.alloc, b3.offset - b2.offset, pixelView(b2)!.stride, pixelView(b3)!.channels]).toEqual([b2.alloc, 96, 112, 16]);
    expect(plan.computedBy.get('b3_reduce')).toBe('b2_reduce');
    const reads = (id: string) => plan.steps.find((s) => s.node === id)!.params;
    expect([reads('b3_5x5').xOffset - reads('b2_3x3').xOffset, reads('b3_5x5').xStride]).toEqual([96, 112]);
    expect(reads('b2_reduce').OC).toBe(112);

    const siblings = (change: Record<string, unknown>, reader: GraphNode | null = null, outputs = ['ca', 'cb']): string[] => dispatches(lower({
      format: 'deepwire-graph', version: 1, outputs, nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 8, kernel_size: 1, activation: 'relu' } },
        { id: 'b', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 1, activation: 'relu', ...change } },
        { id: 'ca', op: 'Conv2D', inputs: ['a'], attrs: { filters: 4, kernel_size: 3 } },
        reader ?? { id: 'cb', op: 'Conv2D', inputs: ['b'], attrs: { filters: 4, kernel_size: 3 } },
      ] }, { keep: outputs.includes('b') ? ['b'] : [] }));
    expect(siblings({})).toEqual(['a+b', 'ca', 'cb']);
    // The first member in topological order emits the dispatch (here b: a's group ends at its BN, listed
    // after b); what the others computed, the input prologue among it, is computed by it.
    const behind = lower({ format: 'deepwire-graph', version: 1, outputs: ['ca', 'cb'], nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['x'], attrs: {} }, { id: 'r', op: 'ReLU', inputs: ['bn'], attrs: {} },
      { id: 'a', op: 'Conv2D', inputs: ['r'], attrs: { filters: 8, kernel_size: 1 } },
      { id: 'b', op: 'Conv2D', inputs: ['r'], attrs: { filters: 4, kernel_size: 1 } },
      { id: 'a_bn', op: 'BatchNormalization', inputs: ['a'], attrs: {} },
      { id: 'ca', op: 'Conv2D', inputs: ['a_bn'], attrs: { filters: 4, kernel_size: 3 } },
      { id: 'cb', op: 'Conv2D', inputs: ['b'], attrs: { filters: 4, kernel_size: 3 } },
    ] });
    expect(dispatches(behind)).toEqual(['b+bn+r+a+a_bn', 'cb', 'ca']);
    expect(['bn', 'r', 'a', 'a_bn'].map((id) => behind.computedBy.get(id))).toEqual(['b', 'b', 'b', 'b']);
    expect(behind.views.get('a_bn')!.offset - behind.views.get('b')!.offset).toBe(4);
    expect(siblings({ use_bias: false, kernel_initializer: { name: 'ones' } })).toEqual(['a+b', 'ca', 'cb']);
    for (const [name, change, reader, outputs] of [
      ['another activation', { activation: 'linear' }],
      ['another stride', { strides: 2 }],
      ['filters not in groups of 4', { filters: 6 }],
      ['read by a pool', {}, { id: 'cb', op: 'MaxPool2D', inputs: ['b'], attrs: { pool_size: 2 } }],
      ['an output (so kept)', {}, undefined, ['ca', 'cb', 'b']],
    ] as [string, Record<string, unknown>, GraphNode?, string[]?][]) expect(siblings(change, reader, outputs), name).toContain('b');
  });

  it('a ResNet bottleneck: BN, ReLU, the residual add and the last ReLU fold into four conv dispatches', () => {
    // The add joins the branch found first (the shortcut).
    expect(dispatches(lower(BLOCKS['ResNet bottleneck with a projection shortcut (stride 2)']))).toEqual([
      'c1+c1_bn+c1_r', 'c2+c2_bn+c2_r', 'c3+c3_bn', 'sc+sc_bn+add+out',
    ]);
  });

  it('a kept node stops fusion there and keeps its own tensor', () => {
    const plan = lower(BLOCKS['ResNet bottleneck with a projection shortcut (stride 2)'], { keep: ['out', 'c1_bn'] });
    expect(dispatches(plan)).toContain('c1+c1_bn');
    expect(plan.views.has('c1_bn')).toBe(true);
    expect(plan.views.has('c1_r')).toBe(true);
  });

  it('the ResNet stem: ZeroPadding2D folds into the 7×7 conv and both pools', () => {
    const plan = lower(BLOCKS['ResNet stem, ZeroPadding2D folded into the 7×7 conv and the pools']);
    expect(kernels(plan)).toEqual(['conv2dGemm', 'pool2d', 'pool2d']);
    expect(plan.computedBy.get('p1')).toBe('c1');
  });

  it('a DenseNet block appends every layer to one buffer; only the block\'s input is copied in', () => {
    const plan = lower(BLOCKS['DenseNet block (3 layers, growth 4) and transition']);
    expect(plan.steps.filter((s) => s.kernel === 'elementwise').map((s) => s.node)).toEqual(['cat0']);
    const cat = plan.views.get('cat2')!;
    for (const id of ['l0_c2', 'l1_c2', 'l2_c2']) expect(plan.views.get(id)!.alloc, id).toBe(cat.alloc);
  });

  it('DenseNet\'s pre-activation: BatchNormalization and the ReLU after it run in the 1×1 conv that reads them', () => {
    const block = BLOCKS['DenseNet block (3 layers, growth 4) and transition'];
    const plan = lower(block);
    expect(dispatches(plan).filter((d) => d.includes('_bn1'))).toEqual([
      'l0_c1+l0_bn1+l0_r1+l0_bn2+l0_r2', 'l1_c1+l1_bn1+l1_r1+l1_bn2+l1_r2', 'l2_c1+l2_bn1+l2_r1+l2_bn2+l2_r2',
    ]);
    expect(dispatches(plan)).toContain('t_c+t_bn+t_r');
    expect(plan.steps.filter((s) => s.kernel === 'affine')).toEqual([]);
    for (const id of ['l0_bn1', 'l0_r1', 't_bn', 't_r']) expect(plan.views.has(id), id).toBe(false); // never stored
    // The conv reads the concat the BatchNormalization read, with its scale and shift beside it.
    const c1 = plan.steps.find((s) => s.node === 'l1_c1')!;
    expect(c1.bindings.x).toEqual({ kind: 'view', view: plan.views.get('cat0') });
    expect(c1.bindings.inAffine.kind).toBe('constant');
    expect(c1.overrides).toMatchObject({ HAS_PROLOGUE: true, PRE_ACT: 1 });
    // Kept for inspection, the affine (or its activation) has a tensor, so a step, of its own.
    // (The ReLU after a kept BatchNormalization is an activation alone, and goes into the conv.)
    expect(dispatches(lower(block, { keep: ['t_c', 'l1_bn1'] }))).toEqual(expect.arrayContaining(['l1_bn1', 'l1_c1+l1_r1+l1_bn2+l1_r2']));
    expect(dispatches(lower(block, { keep: ['t_c', 'l1_r1'] }))).toEqual(expect.arrayContaining(['l1_bn1+l1_r1', 'l1_c1+l1_bn2+l1_r2']));
  });

  it('folds an affine into its consumers only when every one is a 1×1 conv reading it alone', () => {
    const base = (nodes: GraphNode[], outputs: string[]): GraphFile => ({ format: 'deepwire-graph', version: 1, nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['x'], attrs: {} },
      { id: 'r', op: 'ReLU', inputs: ['bn'], attrs: {} }, ...nodes], outputs });
    const c1 = (id: string, extra: Record<string, unknown> = {}): GraphNode => ({ id, op: 'Conv2D', inputs: ['r'], attrs: { filters: 4, kernel_size: 1, ...extra } });
    // ResNetV2's pre-activation feeds two 1×1 convs: both apply it.
    const two = dispatches(lower(base([c1('a'), c1('b'), { id: 'add', op: 'Concatenate', inputs: ['a', 'b'] }], ['add'])));
    expect(two).toEqual(expect.arrayContaining(['a+bn+r', 'b+bn+r']));
    expect(two.some((d) => d.startsWith('bn'))).toBe(false);
    // An activation alone before a separable conv (Xception) runs in its depthwise half's loads.
    const sep = lower({ format: 'deepwire-graph', version: 1, outputs: ['s'], nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } }, { id: 'r', op: 'ReLU', inputs: ['x'], attrs: {} },
      { id: 's', op: 'SeparableConv2D', inputs: ['r'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } }] });
    expect(dispatches(sep)).toEqual(['s', 's+r']);
    expect(sep.steps.map((s) => [s.kernel, !!s.overrides.HAS_PROLOGUE])).toEqual([['depthwiseConv2d', true], ['conv2dGemm', false]]);
    // A 3×3 conv, a grouped 1×1 conv, a pool beside the conv, or the ReLU as a graph output: the affine step stays.
    for (const [name, nodes, outputs] of [
      ['3×3', [c1('a', { kernel_size: 3, padding: 'same' })], ['a']],
      ['grouped', [c1('a', { groups: 2 })], ['a']],
      ['a pool beside', [c1('a'), { id: 'p', op: 'MaxPool2D', inputs: ['r'], attrs: { pool_size: 2 } }], ['a', 'p']],
      ['an output', [c1('a')], ['a', 'r']],
    ] as [string, GraphNode[], string[]][]) expect(dispatches(lower(base(nodes, outputs))), name).toContain('bn+r');
  });

  it('with fusePools, a stride-1 same-size pool runs in the 1×1 conv that alone reads it; otherwise it stays', () => {
    const graph = (pool: Record<string, unknown>, consumers: GraphNode[], outputs = consumers.map((c) => c.id), op = 'MaxPool2D'): GraphFile => ({
      format: 'deepwire-graph', version: 1, outputs, nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } },
        { id: 'p', op, inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same', ...pool } }, ...consumers],
    });
    const c1 = (id: string, extra: Record<string, unknown> = {}): GraphNode => ({ id, op: 'Conv2D', inputs: ['p'], attrs: { filters: 4, kernel_size: 1, ...extra } });
    // Inception 3a: its pool projection is one dispatch, reading the module's input, with the pool's overrides.
    const inception = lower(example('inception-3a'), { fusePools: true, convKernel: 'direct', subgroups: true, winograd: false });
    expect(dispatches(inception)).toContain('b4_proj+b4_pool');
    expect(kernels(inception)).not.toContain('pool2d');
    const proj = inception.steps.find((s) => s.node === 'b4_proj')!;
    expect(proj.overrides).toMatchObject({ POOL: 1, POOL_KH: 3, POOL_KW: 3, POOL_PAD_TOP: 1, POOL_PAD_LEFT: 1 });
    expect(proj.bindings.x).toEqual(inception.steps.find((s) => s.node === 'b1_1x1')!.bindings.x);
    // Without the option (the default) it stays a dispatch of its own.
    expect(kernels(lower(example('inception-3a')))).toContain('pool2d');
    // An average counting its pads, explicit pads; Keras' average; a 2×2 'same' pool (pads 0 before, 1 after).
    expect(lower(graph({ padding: [[1, 1], [1, 1]], count_include_pad: true }, [c1('a')], ['a'], 'AveragePool2D'), { fusePools: true }).steps[0].overrides).toMatchObject({ POOL: 3, POOL_PAD_TOP: 1 });
    expect(lower(graph({}, [c1('a')], ['a'], 'AveragePool2D'), { fusePools: true }).steps[0].overrides).toMatchObject({ POOL: 2 });
    expect(lower(graph({ pool_size: 2 }, [c1('a')]), { fusePools: true }).steps[0].overrides).toMatchObject({ POOL_KH: 2, POOL_PAD_TOP: 0 });
    // Not folded: a stride-2 pool, a 'valid' pool (smaller output), a 3×3 or strided or grouped conv
    // after it, two consumers, the pool as an output, a ZeroPadding2D folded into the pool.
    for (const [name, g] of [
      ['stride 2', graph({ strides: 2 }, [c1('a')])],
      ['valid', graph({ padding: 'valid' }, [c1('a')])],
      ['3×3 conv', graph({}, [c1('a', { kernel_size: 3, padding: 'same' })])],
      ['strided conv', graph({}, [c1('a', { strides: 2 })])],
      ['grouped conv', graph({}, [c1('a', { groups: 2 })])],
      ['two consumers', graph({}, [c1('a'), c1('b')])],
      ['an output', graph({}, [c1('a')], ['a', 'p'])],
      ['a padded conv', graph({}, [c1('a', { padding: [[1, 0], [0, 0]] })])],
    ] as [string, GraphFile][]) expect(kernels(lower(g, { fusePools: true })), name).toContain('pool2d');
    // The shader packs the window's bounds in 8 bits: a pool of 256 rows stays a dispatch.
    const wide = (size: number): GraphFile => ({ format: 'deepwire-graph', version: 1, outputs: ['a'], nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [256, 2, 4] } },
      { id: 'p', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: [size, 1], strides: 1, padding: 'same' } }, c1('a')] });
    expect(kernels(lower(wide(255), { fusePools: true }))).not.toContain('pool2d');
    expect(kernels(lower(wide(256), { fusePools: true }))).toContain('pool2d');
    const padded = lower({ format: 'deepwire-graph', version: 1, outputs: ['a'], nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [6, 6, 8] } }, { id: 'z', op: 'ZeroPadding2D', inputs: ['x'], attrs: { padding: 1 } },
      { id: 'p', op: 'MaxPool2D', inputs: ['z'], attrs: { pool_size: 3, strides: 1 } },
      { id: 'a', op: 'Conv2D', inputs: ['p'], attrs: { filters: 4, kernel_size: 1 } }] }, { fusePools: true });
    expect(dispatches(padded)).toEqual(['p', 'a']);
  });

  it('a plan with no dispatch: Flatten of the input is a view of it', () => {
    const plan = lower({ format: 'deepwire-graph', version: 1, nodes: [{ id: 'x', op: 'Input', attrs: { shape: [2, 3, 4] } }, { id: 'f', op: 'Flatten', inputs: ['x'] }], outputs: ['f'] });
    expect(plan.steps).toEqual([]);
    expect(plan.views.get('f')).toMatchObject({ alloc: plan.inputs.get('x')!.alloc, shape: [1, 24] });
  });
});

describe('the conv kernel choice', () => {
  const conv3x3 = singleOpGraph('Conv2D', [[14, 14, 32]], { filters: 32, kernel_size: 3, padding: 'same' });
  it.each([
    [{ convKernel: 'gemm' }, ['conv2dGemm']],
    [{ convKernel: 'gemm64' }, ['conv2dGemm64']],
    [{ convKernel: 'direct', subgroups: false }, ['conv2dDirect']],
    [{ convKernel: 'direct', subgroups: true, winograd: false }, ['conv2dDirectQuad16']],
    [{ convKernel: 'direct', subgroups: true, winograd: false, quadPixels: 8 }, ['conv2dDirectQuad']],
    [{ convKernel: 'naive' }, ['conv2dNaive']],
  ] as const)('3×3 stride 1 with %o → %o', (options, want) => {
    expect(kernels(lower(conv3x3, options))).toEqual(want);
  });

  it('grouped and depthwise convs take their own kernels unless naive is forced', () => {
    const grouped = singleOpGraph('Conv2D', [[6, 6, 128]], { filters: 128, kernel_size: 3, groups: 32, padding: 'same' });
    const depthwise = singleOpGraph('DepthwiseConv2D', [[6, 6, 8]], { kernel_size: 3, padding: 'same' });
    for (const convKernel of ['gemm', 'gemm64', 'direct'] as const) {
      expect(kernels(lower(grouped, { convKernel }))).toEqual(['conv2dGrouped']);
      expect(kernels(lower(depthwise, { convKernel }))).toEqual(['depthwiseConv2d']);
    }
    expect(kernels(lower(grouped, { convKernel: 'naive' }))).toEqual(['conv2dNaive']);
    // Groups of fewer than 4 channels have no vec4 form: the naive kernel takes them.
    expect(kernels(lower(singleOpGraph('Conv2D', [[6, 6, 64]], { filters: 64, kernel_size: 3, groups: 32 }), { convKernel: 'gemm' }))).toEqual(['conv2dNaive']);
  });

  it('Winograd by default only where its bigger weights are affordable; never for stride 2 or C not a multiple of 4', () => {
    const options = { convKernel: 'direct', subgroups: true } as const;
    expect(kernels(lower(conv3x3, options))).toContain('winogradGemm'); // a lone conv: its growth is small beside its output
    expect(kernels(lower(singleOpGraph('Conv2D', [[14, 14, 32]], { filters: 32, kernel_size: 3, strides: 2, padding: 'same' }), { ...options, winograd: true }))).toEqual(['conv2dDirectQuad16']);
    expect(kernels(lower(singleOpGraph('Conv2D', [[14, 14, 6]], { filters: 32, kernel_size: 3, padding: 'same' }), { ...options, winograd: true }))).not.toContain('winogradGemm');
  });

  it('Winograd in chunks of tiles: each chunk is input, product, output; the scratch bounds the chunk', () => {
    const graph = singleOpGraph('Conv2D', [[20, 20, 16]], { filters: 16, kernel_size: 3, padding: 'same' });
    const chunks = (plan: Plan) => kernels(plan).length / 3;
    const triple = ['winogradInput', 'winogradGemm', 'winogradOutput'];
    // 10×10 tiles of 2×2 = 100 tiles, 32 a chunk: 4 chunks.
    const forced = lower(graph, { convKernel: 'direct', subgroups: true, winograd: true, winogradTile: 2, winogradTiles: 32 });
    expect(kernels(forced)).toEqual(Array.from({ length: 4 }, () => triple).flat());
    // By default a chunk's scratch (V and M: 16·4·(C/4 + OC/4) = 512 floats a tile) is about half the
    // output (3 200 floats: 6 tiles), in whole groups of 16 tiles: 16 a chunk, 7 chunks.
    const byBudget = lower(graph, { convKernel: 'direct', subgroups: true, winograd: true, winogradTile: 2 });
    expect(chunks(byBudget)).toBe(7);
    expect(kernels(byBudget)).toEqual(Array.from({ length: chunks(byBudget) }, () => triple).flat());
    // F(4×4, 3×3), the faster tile here: 5×5 = 25 tiles of 36·4·8 = 1 152 floats, 16 a chunk: 2 chunks.
    const f4 = lower(graph, { convKernel: 'direct', subgroups: true, winograd: true });
    expect(kernels(f4)).toEqual(Array.from({ length: 2 }, () => ['winograd4Input', 'winogradGemm', 'winograd4Output']).flat());
    // A device that cannot build F(4×4)'s transforms gets F(2×2).
    const noF4 = lower(graph, { convKernel: 'direct', subgroups: true, winograd: true, avoidKernels: new Set(['winograd4Output'] as const) });
    expect(kernels(noF4)).toEqual(Array.from({ length: 7 }, () => triple).flat());
  });
});

describe('split-K on the GEMM', () => {
  // ResNet-50's late 3×3: 7×7×512 → 512 is 2×16 = 32 tiles of 32×32, K = 4608.
  const late = singleOpGraph('Conv2D', [[7, 7, 512]], { filters: 512, kernel_size: 3, padding: 'same' });

  it('splits K when a conv has too few tiles to fill a big GPU, and the reduce step applies the epilogue', () => {
    const plan = lower(late);
    expect(kernels(plan)).toEqual(['conv2dGemm', 'conv2dSplitKReduce']);
    expect(plan.steps[0]).toMatchObject({ overrides: { SPLIT_K: true }, params: { splits: 8 }, workgroups: 32 * 8 }); // 256 workgroups / 32 tiles
    expect(plan.steps[1].params.splits).toBe(8);
  });

  it('at least 256 of K per split; never when turned off or when the conv already has enough tiles', () => {
    expect(lower(singleOpGraph('Conv2D', [[7, 7, 64]], { filters: 64, kernel_size: 1 })).steps).toHaveLength(1); // K = 64
    expect(lower(late, { splitK: false }).steps).toHaveLength(1);
    expect(lower(singleOpGraph('Conv2D', [[56, 56, 64]], { filters: 64, kernel_size: 3, padding: 'same' })).steps).toHaveLength(1); // 196 × 2 tiles
    expect(lower(late, { splitK: 3 }).steps[0].params.splits).toBe(3);
    // K = 4608 in 16-aligned chunks of 1536: not a multiple of 16 would round up the chunk, not the count.
    expect(lower(late, { splitK: 5 }).steps[0].params).toMatchObject({ splits: 5, kChunk: 928 });
  });

  it('counts conv2d-gemm64\'s tiles as 64×64: the late conv has 8, so it splits 18 ways (256 of K each)', () => {
    const plan = lower(late, { convKernel: 'gemm64' });
    expect(kernels(plan)).toEqual(['conv2dGemm64', 'conv2dSplitKReduce']);
    expect(plan.steps[0]).toMatchObject({ overrides: { SPLIT_K: true, VEC_X: true }, params: { splits: 18, kChunk: 256 }, workgroups: 8 * 18 });
    // The reduction applies the epilogue; the vec4 input loads are the GEMM's alone.
    expect(plan.steps[1].overrides).not.toHaveProperty('VEC_X');
    // An RGB stem's 3 channels load one at a time.
    const stem = lower(singleOpGraph('Conv2D', [[32, 32, 3]], { filters: 16, kernel_size: 7, strides: 2, padding: 'same' }), { convKernel: 'gemm64' });
    expect(stem.steps.map((s) => [s.kernel, s.overrides.VEC_X])).toEqual([['conv2dGemm64', false]]);
  });
});

describe('memory', () => {
  const chain = (n: number): GraphFile => ({
    format: 'deepwire-graph', version: 1,
    nodes: [{ id: 'x', op: 'Input', attrs: { shape: [8, 8, 4] } },
      ...Array.from({ length: n }, (_, i) => ({ id: `c${i}`, op: 'Conv2D', inputs: [i ? `c${i - 1}` : 'x'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } }))],
    outputs: [`c${n - 1}`],
  });

  it('a chain of ten convs lives in two buffers taking turns (the input\'s among them once read)', () => {
    const plan = lower(chain(10));
    expect(plan.allocations).toHaveLength(11);
    expect(plan.physicalFloats).toHaveLength(2);
  });

  it('a kept tensor is never overwritten: it has a buffer of its own', () => {
    const plan = lower(chain(10), { keep: ['c9', 'c3'] });
    const c3 = plan.physical[plan.views.get('c3')!.alloc];
    const later = ['c4', 'c5', 'c6', 'c7', 'c8', 'c9'].map((id) => plan.physical[plan.views.get(id)!.alloc]);
    expect(later).not.toContain(c3);
  });
});

describe('the lowering table (ops/index.ts)', () => {
  it('lowers every op of the registry: the conv family as fused groups, the rest by their row', async () => {
    const { OPS } = await import('../ops/index.ts');
    const { LOWERINGS } = await import('./ops/index.ts');
    const missing = OPS.filter((o) => o.type !== 'Input' && !o.gpu?.conv && !LOWERINGS[o.type]).map((o) => o.type);
    expect(missing).toEqual([]);
    expect(Object.keys(LOWERINGS).filter((type) => !OPS.some((o) => o.type === type))).toEqual([]);
  });
});
