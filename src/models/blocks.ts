// The lecture's building blocks as graph-node builders: Inception v1/v3, ResNet, ResNeXt, DenseNet, and
// ConvNeXt's (the lecture's ideas — depthwise convs, inverted bottlenecks, residuals — as of 2022).
// Each returns ordinary nodes (unique ids, Keras-like names) wired to one given input; the editor
// inserts them as one step and they stay editable. References in each builder's doc comment.
import type { Attrs, GraphNode, Shape } from '../graph/types.ts';

export type BlockParamValue = number | string | boolean;

export interface BlockParam {
  key: string;
  label: string;
  default: BlockParamValue;
  /** A select instead of a number box. */
  options?: readonly string[];
  min?: number;
}

export interface BlockBuild {
  nodes: GraphNode[];
  /** Id of the node whose output is the block's output. */
  output: string;
  /** The block's unique prefix (`inception`, `resnet_1`): the name of the group the editor records. */
  name: string;
}

export interface BlockContext {
  /** Id of the node the block reads from. */
  input: string;
  /** Its output shape (H×W×C without the batch): some blocks size themselves from C. */
  inputShape: Shape;
  /** Ids and names already in the graph: new ones avoid them. */
  taken: ReadonlySet<string>;
}

export interface BlockDef {
  type: string;
  title: string;
  summary: string;
  params: BlockParam[];
  /** A sensible input when the block is inserted with nothing to attach it to. */
  defaultInput: number[];
  /** Defaults that fit the input it attaches to (e.g. an identity shortcut's filters = its channels). */
  fitTo?(inputShape: number[]): Partial<Record<string, BlockParamValue>>;
  build(params: Record<string, BlockParamValue>, ctx: BlockContext): BlockBuild;
}

/** Adds nodes under one unique prefix: ids `${prefix}/${local}`, names `${prefix}_${local}`. */
class Builder {
  readonly nodes: GraphNode[] = [];
  readonly prefix: string;

  constructor(base: string, private readonly ctx: BlockContext) {
    let prefix = base;
    for (let k = 1; [...ctx.taken].some((t) => t === prefix || t.startsWith(`${prefix}/`) || t.startsWith(`${prefix}_`)); k++) prefix = `${base}_${k}`;
    this.prefix = prefix;
  }

  get input(): string {
    return this.ctx.input;
  }

  add(local: string, op: string, inputs: string[], attrs: Attrs = {}): string {
    const id = `${this.prefix}/${local}`;
    this.nodes.push({ id, op, name: `${this.prefix}_${local}`, inputs, attrs });
    return id;
  }

  conv(local: string, input: string, filters: number, kernel: number | [number, number], extra: Attrs = {}): string {
    return this.add(local, 'Conv2D', [input], { filters, kernel_size: kernel, padding: 'same', activation: 'relu', ...extra });
  }

  /** Conv (no bias: the BN's beta replaces it) → BatchNormalization, then ReLU unless `relu` is false. */
  convBn(local: string, input: string, filters: number, kernel: number | [number, number], { strides = 1, groups = 1, relu = true } = {}): string {
    const c = this.add(local, 'Conv2D', [input], { filters, kernel_size: kernel, strides, padding: 'same', groups, use_bias: false });
    const bn = this.add(`${local}_bn`, 'BatchNormalization', [c]);
    return relu ? this.add(`${local}_relu`, 'ReLU', [bn]) : bn;
  }

  done(output: string): BlockBuild {
    return { nodes: this.nodes, output, name: this.prefix };
  }
}

const num = (p: Record<string, BlockParamValue>, key: string) => Number(p[key]);
const channels = (shape: Shape) => shape[shape.length - 1] ?? 0;

/** Szegedy et al. 2014, Going Deeper with Convolutions, Fig. 2(a): 1×1, 3×3, 5×5 and pooling side by side. */
const inceptionV1Naive: BlockDef = {
  type: 'InceptionV1Naive',
  title: 'Inception v1 (naive)',
  summary: '1×1, 3×3, 5×5 convolutions and a 3×3 max pool, concatenated',
  params: [
    { key: 'f1', label: '1×1 filters', default: 64, min: 1 },
    { key: 'f3', label: '3×3 filters', default: 128, min: 1 },
    { key: 'f5', label: '5×5 filters', default: 32, min: 1 },
  ],
  defaultInput: [28, 28, 192],
  build(p, ctx) {
    const b = new Builder('inception', ctx);
    const x = b.input;
    const outs = [
      b.conv('1x1', x, num(p, 'f1'), 1),
      b.conv('3x3', x, num(p, 'f3'), 3),
      b.conv('5x5', x, num(p, 'f5'), 5),
      b.add('pool', 'MaxPool2D', [x], { pool_size: 3, strides: 1, padding: 'same' }),
    ];
    return b.done(b.add('output', 'Concatenate', outs, { axis: -1 }));
  },
};

/** Szegedy et al. 2014, Fig. 2(b): 1×1 reductions before the 3×3 and 5×5, a projection after the pool (GoogLeNet 3a defaults). */
const inceptionV1: BlockDef = {
  type: 'InceptionV1',
  title: 'Inception v1 (1×1 reductions)',
  summary: 'GoogLeNet module: 1×1 | 1×1→3×3 | 1×1→5×5 | pool→1×1, concatenated',
  params: [
    { key: 'f1', label: '#1×1', default: 64, min: 1 },
    { key: 'f3r', label: '#3×3 reduce', default: 96, min: 1 },
    { key: 'f3', label: '#3×3', default: 128, min: 1 },
    { key: 'f5r', label: '#5×5 reduce', default: 16, min: 1 },
    { key: 'f5', label: '#5×5', default: 32, min: 1 },
    { key: 'fp', label: 'pool proj', default: 32, min: 1 },
  ],
  defaultInput: [28, 28, 192],
  build(p, ctx) {
    const b = new Builder('inception', ctx);
    const x = b.input;
    const outs = [
      b.conv('1x1', x, num(p, 'f1'), 1),
      b.conv('3x3', b.conv('3x3_reduce', x, num(p, 'f3r'), 1), num(p, 'f3'), 3),
      b.conv('5x5', b.conv('5x5_reduce', x, num(p, 'f5r'), 1), num(p, 'f5'), 5),
      b.conv('pool_proj', b.add('pool', 'MaxPool2D', [x], { pool_size: 3, strides: 1, padding: 'same' }), num(p, 'fp'), 1),
    ];
    return b.done(b.add('output', 'Concatenate', outs, { axis: -1 }));
  },
};

/** Szegedy et al. 2015, Rethinking the Inception Architecture, Fig. 5: each 5×5 becomes two stacked 3×3. */
const inceptionV3A: BlockDef = {
  type: 'InceptionV3A',
  title: 'Inception v3 (5×5 as two 3×3)',
  summary: '1×1 | 1×1→3×3 | 1×1→3×3→3×3 | avg pool→1×1, concatenated',
  params: [
    { key: 'f1', label: '#1×1', default: 64, min: 1 },
    { key: 'f3r', label: '#3×3 reduce', default: 48, min: 1 },
    { key: 'f3', label: '#3×3', default: 64, min: 1 },
    { key: 'fdr', label: '#double 3×3 reduce', default: 64, min: 1 },
    { key: 'fd', label: '#double 3×3', default: 96, min: 1 },
    { key: 'fp', label: 'pool proj', default: 32, min: 1 },
  ],
  defaultInput: [35, 35, 192],
  build(p, ctx) {
    const b = new Builder('inception_v3a', ctx);
    const x = b.input;
    const d1 = b.conv('3x3dbl_1', b.conv('3x3dbl_reduce', x, num(p, 'fdr'), 1), num(p, 'fd'), 3);
    const outs = [
      b.conv('1x1', x, num(p, 'f1'), 1),
      b.conv('3x3', b.conv('3x3_reduce', x, num(p, 'f3r'), 1), num(p, 'f3'), 3),
      b.conv('3x3dbl_2', d1, num(p, 'fd'), 3),
      b.conv('pool_proj', b.add('pool', 'AveragePool2D', [x], { pool_size: 3, strides: 1, padding: 'same' }), num(p, 'fp'), 1),
    ];
    return b.done(b.add('output', 'Concatenate', outs, { axis: -1 }));
  },
};

/** Szegedy et al. 2015, Fig. 6: each n×n becomes 1×n then n×1 (n = 7 in Inception-v3's 17×17 modules). */
const inceptionV3B: BlockDef = {
  type: 'InceptionV3B',
  title: 'Inception v3 (n×n as 1×n, n×1)',
  summary: '1×1 | 1×1→1×n→n×1 | 1×1→(1×n→n×1)×2 | avg pool→1×1, concatenated',
  params: [
    { key: 'n', label: 'n', default: 7, min: 1 },
    { key: 'f1', label: '#1×1', default: 192, min: 1 },
    { key: 'fr', label: '#n×n reduce', default: 128, min: 1 },
    { key: 'f', label: '#n×n', default: 192, min: 1 },
    { key: 'fp', label: 'pool proj', default: 192, min: 1 },
  ],
  defaultInput: [17, 17, 768],
  build(p, ctx) {
    const b = new Builder('inception_v3b', ctx);
    const x = b.input;
    const n = num(p, 'n'), fr = num(p, 'fr'), f = num(p, 'f');
    const single = b.conv('nxn_n1', b.conv('nxn_1n', b.conv('nxn_reduce', x, fr, 1), fr, [1, n]), f, [n, 1]);
    let dbl = b.conv('dbl_reduce', x, fr, 1);
    dbl = b.conv('dbl_n1_a', b.conv('dbl_1n_a', dbl, fr, [1, n]), fr, [n, 1]);
    dbl = b.conv('dbl_n1_b', b.conv('dbl_1n_b', dbl, fr, [1, n]), f, [n, 1]);
    const outs = [
      b.conv('1x1', x, num(p, 'f1'), 1),
      single,
      dbl,
      b.conv('pool_proj', b.add('pool', 'AveragePool2D', [x], { pool_size: 3, strides: 1, padding: 'same' }), num(p, 'fp'), 1),
    ];
    return b.done(b.add('output', 'Concatenate', outs, { axis: -1 }));
  },
};

const SHORTCUTS = ['projection', 'identity'] as const;

/** The residual sum: identity (shapes must already match) or a strided 1×1 projection with BN. */
function shortcut(b: Builder, mode: BlockParamValue, filters: number, strides: number): string {
  return mode === 'identity' ? b.input : b.convBn('shortcut', b.input, filters, 1, { strides, relu: false });
}

/** He et al. 2015, Deep Residual Learning, Fig. 5 left: two 3×3 convolutions (ResNet-18/34). */
const resnetBasic: BlockDef = {
  type: 'ResNetBasic',
  title: 'ResNet basic block',
  summary: '3×3 → 3×3 plus a shortcut, then ReLU (ResNet-18/34)',
  params: [
    { key: 'filters', label: 'filters', default: 64, min: 1 },
    { key: 'strides', label: 'strides', default: 1, min: 1 },
    { key: 'shortcut', label: 'shortcut', default: 'identity', options: SHORTCUTS },
  ],
  defaultInput: [56, 56, 64],
  // The identity shortcut adds the input to the block's output: as many filters as the input has channels.
  fitTo: (shape) => ({ filters: shape[shape.length - 1] }),
  build(p, ctx) {
    const b = new Builder('res_basic', ctx);
    const f = num(p, 'filters'), s = num(p, 'strides');
    const y = b.convBn('conv2', b.convBn('conv1', b.input, f, 3, { strides: s }), f, 3, { relu: false });
    const sum = b.add('add', 'Add', [shortcut(b, p.shortcut, f, s), y]);
    return b.done(b.add('out', 'ReLU', [sum]));
  },
};

/** He et al. 2015, Fig. 5 right: 1×1 reduce → 3×3 → 1×1 expand (×4), as in ResNet-50/101/152. */
const resnetBottleneck: BlockDef = {
  type: 'ResNetBottleneck',
  title: 'ResNet bottleneck block',
  summary: '1×1 → 3×3 → 1×1 (4× wider) plus a shortcut, then ReLU (ResNet-50)',
  params: [
    { key: 'filters', label: 'bottleneck filters', default: 64, min: 1 },
    { key: 'expansion', label: 'expansion', default: 4, min: 1 },
    { key: 'strides', label: 'strides', default: 1, min: 1 },
    { key: 'shortcut', label: 'shortcut', default: 'projection', options: SHORTCUTS },
  ],
  defaultInput: [56, 56, 64],
  build(p, ctx) {
    const b = new Builder('res_bottleneck', ctx);
    const f = num(p, 'filters'), s = num(p, 'strides'), out = f * num(p, 'expansion');
    const y = b.convBn('conv3', b.convBn('conv2', b.convBn('conv1', b.input, f, 1), f, 3, { strides: s }), out, 1, { relu: false });
    const sum = b.add('add', 'Add', [shortcut(b, p.shortcut, out, s), y]);
    return b.done(b.add('out', 'ReLU', [sum]));
  },
};

/** Xie et al. 2016, Aggregated Residual Transformations, Fig. 3(c) grouped conv, or 3(b) explicit paths. */
const resnext: BlockDef = {
  type: 'ResNeXt',
  title: 'ResNeXt block',
  summary: '1×1 → grouped 3×3 (cardinality) → 1×1 plus a shortcut; or the same as parallel paths',
  params: [
    { key: 'cardinality', label: 'cardinality', default: 32, min: 1 },
    { key: 'width', label: 'width per path', default: 4, min: 1 },
    { key: 'filters', label: 'output filters', default: 256, min: 1 },
    { key: 'strides', label: 'strides', default: 1, min: 1 },
    { key: 'shortcut', label: 'shortcut', default: 'projection', options: SHORTCUTS },
    { key: 'form', label: 'form', default: 'grouped', options: ['grouped', 'paths'] },
  ],
  defaultInput: [56, 56, 64],
  build(p, ctx) {
    const b = new Builder('resnext', ctx);
    const card = num(p, 'cardinality'), d = num(p, 'width'), out = num(p, 'filters'), s = num(p, 'strides');
    let mid: string;
    if (p.form === 'paths') {
      // Fig. 3(b): per-path BN over d channels is the grouped form's BN over C·d channels, split.
      const paths = Array.from({ length: card }, (_, i) =>
        b.convBn(`path${i}_conv2`, b.convBn(`path${i}_conv1`, b.input, d, 1), d, 3, { strides: s }));
      mid = b.add('concat', 'Concatenate', paths, { axis: -1 });
    } else {
      mid = b.convBn('conv2', b.convBn('conv1', b.input, card * d, 1), card * d, 3, { strides: s, groups: card });
    }
    const y = b.convBn('conv3', mid, out, 1, { relu: false });
    const sum = b.add('add', 'Add', [shortcut(b, p.shortcut, out, s), y]);
    return b.done(b.add('out', 'ReLU', [sum]));
  },
};

/** Huang et al. 2016, Densely Connected Networks: each layer's k new maps are concatenated to all before. */
const denseBlock: BlockDef = {
  type: 'DenseBlock',
  title: 'DenseNet dense block',
  summary: 'layers × (BN→ReLU→1×1 (4k)→BN→ReLU→3×3 (k)), each concatenated to its input',
  params: [
    { key: 'layers', label: 'layers', default: 6, min: 1 },
    { key: 'growth', label: 'growth rate k', default: 32, min: 1 },
    { key: 'bottleneck', label: 'bottleneck (DenseNet-B)', default: 'yes', options: ['yes', 'no'] },
  ],
  defaultInput: [56, 56, 64],
  build(p, ctx) {
    const b = new Builder('dense', ctx);
    const k = num(p, 'growth');
    let x = b.input;
    for (let i = 1; i <= num(p, 'layers'); i++) {
      let y = b.add(`l${i}_relu0`, 'ReLU', [b.add(`l${i}_bn0`, 'BatchNormalization', [x])]);
      if (p.bottleneck !== 'no') {
        y = b.add(`l${i}_conv1`, 'Conv2D', [y], { filters: 4 * k, kernel_size: 1, use_bias: false });
        y = b.add(`l${i}_relu1`, 'ReLU', [b.add(`l${i}_bn1`, 'BatchNormalization', [y])]);
      }
      y = b.add(`l${i}_conv2`, 'Conv2D', [y], { filters: k, kernel_size: 3, padding: 'same', use_bias: false });
      x = b.add(`l${i}_concat`, 'Concatenate', [x, y], { axis: -1 });
    }
    return b.done(x);
  },
};

/** Huang et al. 2016: BN → ReLU → 1×1 conv to ⌊θ·C⌋ channels → 2×2 average pool (θ = compression). */
const transition: BlockDef = {
  type: 'DenseTransition',
  title: 'DenseNet transition',
  summary: 'BN → ReLU → 1×1 conv (compression θ) → 2×2 average pool',
  params: [{ key: 'compression', label: 'compression θ', default: 0.5, min: 0 }],
  defaultInput: [56, 56, 256],
  build(p, ctx) {
    const b = new Builder('transition', ctx);
    const filters = Math.max(1, Math.floor(channels(ctx.inputShape) * num(p, 'compression')));
    const y = b.add('relu', 'ReLU', [b.add('bn', 'BatchNormalization', [b.input])]);
    const c = b.add('conv', 'Conv2D', [y], { filters, kernel_size: 1, use_bias: false });
    return b.done(b.add('pool', 'AveragePool2D', [c], { pool_size: 2, strides: 2 }));
  },
};

/**
 * Liu et al. 2022, A ConvNet for the 2020s, Fig. 4: a 7×7 depthwise conv, LayerNormalization (ε 1e-6),
 * Dense to 4·C with GELU, Dense back to C (the 1×1 convs of an inverted bottleneck, on the channels),
 * and the residual add; as keras.applications.ConvNeXt writes it, less its LayerScale (a learnt
 * per-channel factor starting at 1e-6, which deepwire has no layer for) and stochastic depth (training only).
 */
const convnext: BlockDef = {
  type: 'ConvNeXt',
  title: 'ConvNeXt block',
  summary: '7×7 depthwise → LayerNormalization → Dense 4·C (gelu) → Dense C, plus the input',
  params: [
    { key: 'kernel', label: 'depthwise kernel', default: 7, min: 1 },
    { key: 'expansion', label: 'expansion', default: 4, min: 1 },
  ],
  defaultInput: [56, 56, 96],
  build(p, ctx) {
    const b = new Builder('convnext', ctx);
    const C = channels(ctx.inputShape);
    let y = b.add('depthwise_conv', 'DepthwiseConv2D', [b.input], { kernel_size: num(p, 'kernel'), padding: 'same' });
    y = b.add('layernorm', 'LayerNormalization', [y], { epsilon: 1e-6 });
    y = b.add('pointwise_conv_1', 'Dense', [y], { units: num(p, 'expansion') * C, activation: 'gelu' });
    y = b.add('pointwise_conv_2', 'Dense', [y], { units: C });
    return b.done(b.add('add', 'Add', [b.input, y]));
  },
};

/** Every block, in the palette's order. */
export const BLOCKS: readonly BlockDef[] = [
  inceptionV1Naive, inceptionV1, inceptionV3A, inceptionV3B, resnetBasic, resnetBottleneck, resnext, denseBlock, transition, convnext,
];

export function findBlock(type: string): BlockDef | undefined {
  return BLOCKS.find((b) => b.type === type);
}

/** The block's parameters with defaults filled in for anything not given. */
export function blockDefaults(block: BlockDef): Record<string, BlockParamValue> {
  return Object.fromEntries(block.params.map((p) => [p.key, p.default]));
}
