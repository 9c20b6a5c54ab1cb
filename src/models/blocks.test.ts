// The lecture's blocks: parameter counts checked by hand (Keras counts BN's moving mean and variance as
// non-trainable parameters), output shapes, and ids/names that never collide with the graph's own.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { BLOCKS, blockDefaults, findBlock, type BlockParamValue } from './blocks.ts';

function graphWith(type: string, inputShape: number[], params: Record<string, BlockParamValue> = {}, extra: GraphNode[] = []) {
  const block = findBlock(type)!;
  const input: GraphNode = { id: 'x', op: 'Input', name: 'input_1', attrs: { shape: inputShape } };
  const taken = new Set([...extra, input].flatMap((n) => [n.id, n.name ?? '']));
  const built = block.build({ ...blockDefaults(block), ...params }, { input: 'x', inputShape, taken });
  const graph: GraphFile = { format: 'deepwire-graph', version: 1, nodes: [input, ...extra, ...built.nodes], outputs: [built.output] };
  const report = analyzeGraph(graph);
  return { built, report, out: report.byId.get(built.output)! };
}

describe('blocks', () => {
  it('Inception v1 3a with 1×1 reductions: 163,696 params, 28×28×256', () => {
    const { report, out } = graphWith('InceptionV1', [28, 28, 192]);
    expect(report.problems).toEqual([]);
    // 192·64+64 + (192·96+96 + 9·96·128+128) + (192·16+16 + 25·16·32+32) + (192·32+32)
    expect(report.totals.params).toBe(163_696);
    expect(out.shape).toEqual([28, 28, 256]);
  });

  it('naive Inception v1 keeps the input channels in its pool branch', () => {
    const { report, out } = graphWith('InceptionV1Naive', [28, 28, 192]);
    // 192·64+64 + 9·192·128+128 + 25·192·32+32 = 12,352 + 221,312 + 153,632
    expect(report.totals.params).toBe(387_296);
    expect(out.shape).toEqual([28, 28, 64 + 128 + 32 + 192]);
  });

  it('Inception v3 factorised 5×5 (Keras mixed0 widths): two 3×3 instead of one 5×5', () => {
    const { report, out } = graphWith('InceptionV3A', [35, 35, 192]);
    expect(report.problems).toEqual([]);
    // 192·64+64 + (192·48+48 + 9·48·64+64) + (192·64+64 + 9·64·96+96 + 9·96·96+96) + (192·32+32)
    expect(report.totals.params).toBe(12_352 + 9_264 + 27_712 + 12_352 + 55_392 + 83_040 + 6_176);
    expect(out.shape).toEqual([35, 35, 256]);
    expect(report.nodes.filter((n) => n.op === 'Conv2D').map((n) => n.attrs.kernel_size)).toContainEqual([3, 3]);
  });

  it('Inception v3 n×n as 1×n then n×1, n = 7', () => {
    const { report, out } = graphWith('InceptionV3B', [17, 17, 768], { n: 7, f1: 192, fr: 128, f: 192, fp: 192 });
    expect(report.problems).toEqual([]);
    const kernels = report.nodes.filter((n) => n.op === 'Conv2D').map((n) => (n.attrs.kernel_size as number[]).join('×'));
    expect(kernels.filter((k) => k === '1×7')).toHaveLength(3);
    expect(kernels.filter((k) => k === '7×1')).toHaveLength(3);
    expect(kernels).not.toContain('7×7');
    // 1×1: 768·192+192; single: 768·128+128, 7·128·128+128, 7·128·192+192;
    // double: 768·128+128, 7·128·128+128 (×3), 7·128·192+192; pool: 768·192+192
    const c = (k: number, i: number, o: number) => k * i * o + o;
    const want = c(1, 768, 192) + c(1, 768, 128) + c(7, 128, 128) + c(7, 128, 192)
      + c(1, 768, 128) + 3 * c(7, 128, 128) + c(7, 128, 192) + c(1, 768, 192);
    expect(report.totals.params).toBe(want);
    expect(out.shape).toEqual([17, 17, 768]);
  });

  it('ResNet-50 conv2_1 bottleneck with projection: 76,288 params (75,008 trainable)', () => {
    const { report, out } = graphWith('ResNetBottleneck', [56, 56, 64]);
    expect(report.problems).toEqual([]);
    // convs 4,096 + 36,864 + 16,384 + 16,384 (shortcut); BN 4·(64 + 64 + 256 + 256)
    expect(report.totals.params).toBe(76_288);
    expect(report.totals.trainable).toBe(75_008);
    expect(out.shape).toEqual([56, 56, 256]);
  });

  it('ResNet basic block, identity shortcut: 2·(9·64·64) + 2·4·64', () => {
    const { report, out } = graphWith('ResNetBasic', [56, 56, 64]);
    expect(report.problems).toEqual([]);
    expect(report.totals.params).toBe(74_240);
    expect(out.shape).toEqual([56, 56, 64]);
  });

  it('ResNet basic block with stride 2 needs the projection; identity reports the mismatch at the Add', () => {
    const ok = graphWith('ResNetBasic', [56, 56, 64], { filters: 128, strides: 2, shortcut: 'projection' });
    expect(ok.report.problems).toEqual([]);
    expect(ok.out.shape).toEqual([28, 28, 128]);
    const bad = graphWith('ResNetBasic', [56, 56, 64], { filters: 128, strides: 2, shortcut: 'identity' });
    const add = bad.report.nodes.find((n) => n.op === 'Add')!;
    expect(add.problems.length).toBe(1);
  });

  it('ResNeXt 32×4d: grouped conv and explicit paths have the same 65,024 params and shape', () => {
    const grouped = graphWith('ResNeXt', [56, 56, 64]);
    expect(grouped.report.problems).toEqual([]);
    // 64·128 + 9·4·128 (groups of 4) + 128·256 + 64·256 (shortcut); BN 4·(128 + 128 + 256 + 256)
    expect(grouped.report.totals.params).toBe(65_024);
    const conv2 = grouped.report.nodes.find((n) => n.name.endsWith('_conv2'))!;
    expect(conv2.attrs.groups).toBe(32);
    const paths = graphWith('ResNeXt', [56, 56, 64], { form: 'paths' });
    expect(paths.report.problems).toEqual([]);
    expect(paths.report.totals.params).toBe(65_024);
    expect(paths.out.shape).toEqual(grouped.out.shape);
  });

  it("ConvNeXt-T's stage-1 block on 56×56×96: 79,200 params (Keras' 79,296 less its LayerScale's 96), 56×56×96", () => {
    const { report, built } = graphWith('ConvNeXt', [56, 56, 96]);
    expect(report.problems).toEqual([]);
    // depthwise 7×7 + bias, LayerNormalization's gamma and beta, Dense 96 → 384 and back
    expect(report.totals.params).toBe(96 * 49 + 96 + 2 * 96 + (96 * 384 + 384) + (384 * 96 + 96));
    expect(report.byId.get(built.output)!.shape).toEqual([56, 56, 96]);
    expect(built.nodes.map((n) => n.op)).toEqual(['DepthwiseConv2D', 'LayerNormalization', 'Dense', 'Dense', 'Add']);
  });

  it('DenseNet-121 dense block 1 (6 layers, k = 32) on 56×56×64: 338,304 params, 256 channels', () => {
    const { report, out } = graphWith('DenseBlock', [56, 56, 64]);
    expect(report.problems).toEqual([]);
    // Σ over C = 64, 96, …, 224 (sum 864): BN 4C + 1×1 C·128 + BN 4·128 + 3×3 9·128·32
    expect(report.totals.params).toBe(4 * 864 + 128 * 864 + 6 * 512 + 6 * 36_864);
    expect(out.shape).toEqual([56, 56, 256]);
  });

  it('DenseNet transition halves the channels and the resolution', () => {
    const { report, out } = graphWith('DenseTransition', [56, 56, 256]);
    expect(report.problems).toEqual([]);
    expect(report.totals.params).toBe(4 * 256 + 256 * 128);
    expect(out.shape).toEqual([28, 28, 128]);
  });

  it('every block builds with its defaults on its default input, without problems', () => {
    for (const block of BLOCKS) {
      const { report } = graphWith(block.type, block.defaultInput);
      expect(report.problems, block.type).toEqual([]);
    }
  });

  it('ids and names never collide with nodes already in the graph, and are unique', () => {
    const first = graphWith('InceptionV1', [28, 28, 192]);
    const again = graphWith('InceptionV1', [28, 28, 192], {}, first.built.nodes);
    expect(again.report.problems).toEqual([]);
    const ids = again.report.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(again.built.nodes[0].name).toBe('inception_1_1x1');
    expect(first.built.nodes[0].name).toBe('inception_1x1');
  });
});
