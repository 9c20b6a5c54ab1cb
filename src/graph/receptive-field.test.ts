import { describe, expect, it } from 'vitest';
import { zooModel } from '../models/zoo.ts';
import { OPS } from '../ops/index.ts';
import { runReference } from '../runtime/reference.ts';
import { BLOCKS } from '../testing/blocks.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { analyzeGraph } from './analyze.ts';
import { describeField, fieldRect, receptiveFields, type Pair, type ReceptiveField } from './receptive-field.ts';
import type { GraphNode } from './types.ts';

const graph = (shape: number[], nodes: GraphNode[]) =>
  ({ format: 'deepwire-graph', version: 1, nodes: [{ id: 'x', op: 'Input', attrs: { shape } }, ...nodes] });
const conv = (id: string, input: string, kernel_size: number | number[], extra: Record<string, unknown> = {}): GraphNode =>
  ({ id, op: 'Conv2D', inputs: [input], attrs: { filters: 2, kernel_size, ...extra } });

function fieldsOf(raw: unknown): Map<string, ReceptiveField> {
  const report = analyzeGraph(raw);
  expect(report.problems.concat(report.nodes.flatMap((n) => n.problems))).toEqual([]);
  return receptiveFields(report);
}
const win = (size: Pair, stride: Pair, start: Pair): ReceptiveField => ({ kind: 'window', input: 'x', size, stride, start });

describe('receptiveFields: known networks', () => {
  it('gives every op of the registry a rule (its own `field`)', () => {
    expect(OPS.filter((op) => typeof op.field !== 'function').map((op) => op.type)).toEqual([]);
  });

  it('grows a VGG-style stack of 3×3 convs by 2 a layer: 3, 5, 7', () => {
    const f = fieldsOf(graph([16, 16, 3], [conv('c1', 'x', 3, { padding: 'same' }), conv('c2', 'c1', 3, { padding: 'same' }), conv('c3', 'c2', 3)]));
    expect(f.get('x')).toEqual(win([1, 1], [1, 1], [0, 0]));
    expect(f.get('c1')).toEqual(win([3, 3], [1, 1], [-1, -1]));
    expect(f.get('c2')).toEqual(win([5, 5], [1, 1], [-2, -2]));
    expect(f.get('c3')).toEqual(win([7, 7], [1, 1], [-2, -2])); // 'valid': no more padding
    expect(describeField(f.get('c3')!)).toBe('7×7 px, stride 1');
  });

  it("gives ResNet's stem (7×7/2 conv, 3×3/2 pool) a field of 11 at stride 4", () => {
    const f = fieldsOf(graph([224, 224, 3], [
      { id: 'pad', op: 'ZeroPadding2D', inputs: ['x'], attrs: { padding: 3 } },
      conv('conv1', 'pad', 7, { strides: 2 }),
      { id: 'pad1', op: 'ZeroPadding2D', inputs: ['conv1'], attrs: { padding: 1 } },
      { id: 'pool', op: 'MaxPool2D', inputs: ['pad1'], attrs: { pool_size: 3, strides: 2 } },
    ]));
    expect(f.get('conv1')).toEqual(win([7, 7], [2, 2], [-3, -3]));
    expect(f.get('pool')).toEqual(win([11, 11], [4, 4], [-5, -5]));
  });

  it("puts a strided 'same' conv's extra padding at the end, as Keras does", () => {
    // 8 in, stride 2, kernel 3: 4 out, total pad 1, all of it after → output 0 starts at row 0
    expect(fieldsOf(graph([8, 8, 1], [conv('c', 'x', 3, { strides: 2, padding: 'same' })])).get('c')).toEqual(win([3, 3], [2, 2], [0, 0]));
  });

  it('spreads a dilated kernel: 3×3 at dilation 2 spans 5, then 3×3 at dilation 4 spans 13', () => {
    const f = fieldsOf(graph([20, 20, 1], [conv('d2', 'x', 3, { dilation_rate: 2 }), conv('d4', 'd2', 3, { dilation_rate: 4, padding: 'same' })]));
    expect(f.get('d2')).toEqual(win([5, 5], [1, 1], [0, 0]));
    expect(f.get('d4')).toEqual(win([13, 13], [1, 1], [-4, -4]));
  });

  it('follows 1×n then n×1 kernels, explicit pads and crops per axis', () => {
    const f = fieldsOf(graph([12, 12, 1], [
      conv('a', 'x', [1, 7], { padding: [[0, 0], [3, 3]] }),
      conv('b', 'a', [5, 1], { strides: [2, 1] }),
      { id: 'crop', op: 'Cropping2D', inputs: ['b'], attrs: { cropping: [[1, 0], [2, 0]] } },
    ]));
    expect(f.get('a')).toEqual(win([1, 7], [1, 1], [0, -3]));
    expect(f.get('b')).toEqual(win([5, 7], [2, 1], [0, -3]));
    expect(f.get('crop')).toEqual(win([5, 7], [2, 1], [2, -1]));
    expect(describeField(f.get('b')!)).toBe('5×7 px, stride 2×1');
  });

  it('takes the union of the branches of an Inception module: 5×5 from the 5×5 branch', () => {
    const f = fieldsOf(BLOCKS['Inception v1 module (1×1 reductions, pool projection)']);
    expect(f.get('b1')).toEqual(win([1, 1], [1, 1], [0, 0]));
    expect(f.get('b2')).toEqual(win([3, 3], [1, 1], [-1, -1]));
    expect(f.get('b4')).toEqual(win([3, 3], [1, 1], [-1, -1]));
    expect(f.get('cat')).toEqual(win([5, 5], [1, 1], [-2, -2]));
  });

  it('says Dense after Flatten, and global pooling, see the whole input', () => {
    const f = fieldsOf(graph([8, 8, 3], [
      conv('c', 'x', 3),
      { id: 'flat', op: 'Flatten', inputs: ['c'] },
      { id: 'dense', op: 'Dense', inputs: ['flat'], attrs: { units: 4 } },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['c'] },
      { id: 'perPixel', op: 'Dense', inputs: ['c'], attrs: { units: 4 } },
    ]));
    expect(f.get('flat')).toMatchObject({ kind: 'whole', inputs: ['x'] });
    expect(f.get('dense')).toMatchObject({ kind: 'whole', inputs: ['x'] });
    expect(describeField(f.get('gap')!)).toBe('the whole input (global average pooling: each value is the mean of a whole map)');
    expect(f.get('perPixel')).toEqual(win([3, 3], [1, 1], [0, 0])); // Keras' Dense on H×W×C acts per pixel
    expect(fieldRect(f.get('gap')!, [0, 0], [8, 8])).toEqual({ top: 0, left: 0, bottom: 8, right: 8 });
  });

  it('says why where there is no field: different strides, two Inputs, a node with a problem', () => {
    const f = fieldsOf({
      ...graph([8, 8, 1], [
        { id: 'pool', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 2 } },
        conv('c', 'x', 5, { filters: 1 }),
        { id: 'add', op: 'Add', inputs: ['pool', 'c'] },
        { id: 'y', op: 'Input', attrs: { shape: [4, 4, 1] } },
        { id: 'add2', op: 'Add', inputs: ['pool', 'y'] },
      ]),
    });
    expect(describeField(f.get('add')!)).toBe('none: its operands step through the input at different strides (2×2 and 1×1)');
    expect(describeField(f.get('add2')!)).toBe("none: it mixes two Inputs, 'x' and 'y'");
    const broken = receptiveFields(analyzeGraph(graph([4, 4, 1], [conv('big', 'x', 9)])));
    expect(describeField(broken.get('big')!)).toBe('none: it has no output shape: fix its problem first');
  });

  it("measures from another node's maps with `from`: a conv's own window on its input", () => {
    const report = analyzeGraph(graph([16, 16, 3], [conv('c1', 'x', 3, { padding: 'same' }), conv('c2', 'c1', 5, { strides: 2 }), conv('side', 'x', 1)]));
    const f = receptiveFields(report, { from: 'c1' });
    expect(f.get('c2')).toEqual({ kind: 'window', input: 'c1', size: [5, 5], stride: [2, 2], start: [0, 0] });
    expect(f.get('side')).toEqual({ kind: 'independent' });
  });

  it("gives ResNet-50's last block (Keras) 483 px at stride 32, and VGG16's block5_pool 212", () => {
    const resnet = fieldsOf(zooModel('ResNet50'));
    expect(resnet.get('pool1_pool')).toMatchObject({ size: [11, 11], stride: [4, 4], start: [-5, -5] });
    expect(resnet.get('conv5_block3_out')).toMatchObject({ kind: 'window', size: [483, 483], stride: [32, 32], start: [-241, -241] });
    expect(resnet.get('predictions')).toMatchObject({ kind: 'whole' });
    const vgg = fieldsOf(zooModel('VGG16'));
    expect(vgg.get('block5_conv3')).toMatchObject({ size: [196, 196], stride: [16, 16], start: [-90, -90] });
    expect(vgg.get('block5_pool')).toMatchObject({ size: [212, 212], stride: [32, 32], start: [-90, -90] });
  });

  it('clips the rectangle of an output position to the image', () => {
    const field = win([11, 11], [4, 4], [-5, -5]);
    expect(fieldRect(field, [0, 0], [224, 224])).toEqual({ top: 0, left: 0, bottom: 6, right: 6 });
    expect(fieldRect(field, [10, 55], [224, 224])).toEqual({ top: 35, left: 215, bottom: 46, right: 224 });
    expect(fieldRect({ kind: 'none', reason: 'x' }, [0, 0], [4, 4])).toBeNull();
  });
});

// Brute force: change one input pixel, run the CPU reference, and see which outputs of every node move.
/** mulberry32: a small seeded generator, so a failing graph can be rebuilt from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A small random graph of the window ops and merges: a chain with branches that join again. */
function randomGraph(seed: number, convsOnly = false) {
  const rnd = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const size = (convsOnly ? 20 : 10) + Math.floor(rnd() * 8);
  const nodes: GraphNode[] = [];
  let last = 'x', n = 0;
  const kernel = () => [1 + Math.floor(rnd() * 3), 1 + Math.floor(rnd() * 3)];
  const padding = () => pick<unknown>(['same', 'valid', [[Math.floor(rnd() * 2), Math.floor(rnd() * 3)], [Math.floor(rnd() * 3), Math.floor(rnd() * 2)]]]);
  const candidates: (() => GraphNode[])[] = [
    () => {
      const strided = rnd() < 0.4;
      return [conv(`n${++n}`, last, kernel(), { strides: strided ? [2, 1 + Math.floor(rnd() * 2)] : 1, dilation_rate: strided ? 1 : pick([1, 2]), padding: padding() })];
    },
    () => [{ id: `n${++n}`, op: 'DepthwiseConv2D', inputs: [last], attrs: { kernel_size: kernel(), padding: pick(['same', 'valid']), strides: pick([1, 2]) } }],
  ];
  if (!convsOnly)
    candidates.push(
      () => [{ id: `n${++n}`, op: pick(['MaxPool2D', 'AveragePool2D']), inputs: [last], attrs: { pool_size: pick([2, 3]), strides: pick([1, 2]), padding: pick(['same', 'valid']) } }],
      () => [rnd() < 0.5
        ? { id: `n${++n}`, op: 'ZeroPadding2D', inputs: [last], attrs: { padding: [[1, 0], [0, 2]] } }
        : { id: `n${++n}`, op: 'Cropping2D', inputs: [last], attrs: { cropping: [[1, 0], [0, 1]] } }],
      () => {
        const a = `n${++n}`, b = `n${++n}`, m = `n${++n}`;
        return [
          conv(a, last, kernel(), { padding: 'same' }),
          { id: `${b}p`, op: 'MaxPool2D', inputs: [last], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
          conv(b, `${b}p`, [1, 3], { padding: 'same', dilation_rate: pick([1, 2]) }),
          { id: m, op: pick(['Add', 'Concatenate', 'Maximum', 'Multiply']), inputs: [a, b] },
        ];
      },
    );
  const layers = 3 + Math.floor(rnd() * 3);
  for (let i = 0; i < layers; i++) {
    const added = pick(candidates)();
    const trial = graph([size, size, 2], [...nodes, ...added]);
    if (!analyzeGraph(trial).ok) continue; // too small for that window: leave it out
    nodes.push(...added);
    last = added[added.length - 1].id;
  }
  return graph([size, size, 2], nodes);
}

function changedPositions(a: Tensor, b: Tensor): [number, number][] {
  const [, H, W, C] = a.shape;
  const out: [number, number][] = [];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        const i = (y * W + x) * C + c;
        if (a.data[i] !== b.data[i]) { out.push([y, x]); break; }
      }
  return out;
}

function runWithPixel(raw: unknown, base: Tensor, [py, px]: [number, number], delta: number) {
  const report = analyzeGraph(raw);
  const x = tensor(base.shape, base.data);
  const [, , W, C] = x.shape;
  for (let c = 0; c < C; c++) x.data[(py * W + px) * C + c] += delta;
  return runReference(report, { x }, { outputs: report.order });
}

const contains = (f: Extract<ReceptiveField, { kind: 'window' }>, [y, x]: [number, number], [py, px]: [number, number]) =>
  py >= f.start[0] + y * f.stride[0] && py < f.start[0] + y * f.stride[0] + f.size[0] &&
  px >= f.start[1] + x * f.stride[1] && px < f.start[1] + x * f.stride[1] + f.size[1];

describe('receptiveFields against the reference: one changed pixel', () => {
  it.each(Array.from({ length: 24 }, (_, k) => k + 1))('random graph %i: every output that moves has the pixel in its field', (seed) => {
    const raw = randomGraph(seed);
    const report = analyzeGraph(raw);
    const fields = receptiveFields(report);
    const [H, W] = report.byId.get('x')!.shape!;
    const rnd = random(seed * 7919);
    const base = tensor([1, H, W, 2], Array.from({ length: H * W * 2 }, () => rnd() * 2 - 1));
    const before = runReference(report, { x: base }, { outputs: report.order }).tensors;
    const pixels: [number, number][] = [[0, 0], [H - 1, W - 1], [0, W - 1], ...Array.from({ length: 3 }, (): [number, number] => [Math.floor(rnd() * H), Math.floor(rnd() * W)])];
    let moved = 0;
    for (const pixel of pixels) {
      const after = runWithPixel(raw, base, pixel, 3).tensors;
      for (const id of report.order) {
        const field = fields.get(id)!;
        expect(field.kind, `${id}: ${describeField(field)}`).toBe('window');
        if (field.kind !== 'window') continue;
        for (const at of changedPositions(before.get(id)!, after.get(id)!)) {
          moved++;
          expect(contains(field, at, pixel), `${id} output ${at} moved when pixel ${pixel} changed; field ${JSON.stringify(field)}`).toBe(true);
        }
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it.each([101, 102, 103, 104, 105, 106])('conv stack %i: the corners of a field inside the image move its output', (seed) => {
    const raw = randomGraph(seed, true);
    const report = analyzeGraph(raw);
    const last = report.order[report.order.length - 1];
    const field = receptiveFields(report).get(last)!;
    if (field.kind !== 'window') throw new Error(`no window for ${last}`);
    const [H, W] = report.byId.get('x')!.shape!;
    const [OH, OW] = report.byId.get(last)!.shape!;
    const inside: [number, number][] = [];
    for (let y = 0; y < OH; y++)
      for (let x = 0; x < OW; x++) {
        const r = fieldRect(field, [y, x], [H, W])!;
        if (r.bottom - r.top === field.size[0] && r.right - r.left === field.size[1]) inside.push([y, x]);
      }
    expect(inside.length, `${last}: ${describeField(field)} on ${H}×${W}`).toBeGreaterThan(0);
    const base = tensor([1, H, W, 2], Array.from({ length: H * W * 2 }, (_, i) => Math.sin(i)));
    const before = runReference(report, { x: base }, { outputs: [last] }).tensors.get(last)!;
    const C = before.shape[3];
    for (const at of [inside[0], inside[inside.length - 1]]) {
      const r = fieldRect(field, at, [H, W])!;
      for (const corner of [[r.top, r.left], [r.top, r.right - 1], [r.bottom - 1, r.left], [r.bottom - 1, r.right - 1]] as [number, number][]) {
        const after = runWithPixel(raw, base, corner, 10).tensors.get(last)!;
        const i = (at[0] * OW + at[1]) * C;
        const changed = Array.from({ length: C }, (_, c) => after.data[i + c] !== before.data[i + c]).some(Boolean);
        expect(changed, `${last} output ${at} did not move when the corner ${corner} of its field changed`).toBe(true);
      }
    }
  });
});
