// The WGSL kernels, imported as text (Vite `?raw` in the browser and in tests; bin/raw-loader.mjs in
// the CLI), with the preludes each one needs and its uniform layout read from its own `struct Params`.
import activation from '../../shaders/activation.wgsl?raw';
import affine from '../../shaders/affine.wgsl?raw';
import conv2dDirect from '../../shaders/conv2d-direct.wgsl?raw';
import conv2dDirectLib from '../../shaders/conv2d-direct-lib.wgsl?raw';
import quadTile from '../../shaders/quad-tile.wgsl?raw';
import conv2dDirectQuad from '../../shaders/conv2d-direct-quad.wgsl?raw';
import conv2dDirectQuad16 from '../../shaders/conv2d-direct-quad16.wgsl?raw';
import conv2dGemm from '../../shaders/conv2d-gemm.wgsl?raw';
import conv2dGemm64 from '../../shaders/conv2d-gemm64.wgsl?raw';
import conv2dGemmLib from '../../shaders/conv2d-gemm-lib.wgsl?raw';
import conv2dSplitKReduce from '../../shaders/conv2d-split-k-reduce.wgsl?raw';
import conv2dPrologue from '../../shaders/conv2d-prologue.wgsl?raw';
import conv2dGrouped from '../../shaders/conv2d-grouped.wgsl?raw';
import conv2dNaive from '../../shaders/conv2d-naive.wgsl?raw';
import conv2dPackWeights from '../../shaders/conv2d-pack-weights.wgsl?raw';
import depthwiseConv2d from '../../shaders/depthwise-conv2d.wgsl?raw';
import dot from '../../shaders/dot.wgsl?raw';
import elementwise from '../../shaders/elementwise.wgsl?raw';
import epilogue from '../../shaders/epilogue.wgsl?raw';
import globalPool2d from '../../shaders/global-pool2d.wgsl?raw';
import channelShuffle from '../../shaders/channel-shuffle.wgsl?raw';
import pad2d from '../../shaders/pad2d.wgsl?raw';
import pool2d from '../../shaders/pool2d.wgsl?raw';
import pool2dArgmax from '../../shaders/pool2d-argmax.wgsl?raw';
import resample2d from '../../shaders/resample2d.wgsl?raw';
import resample2dLib from '../../shaders/resample2d-lib.wgsl?raw';
import layerNorm from '../../shaders/layer-norm.wgsl?raw';
import layerNormLib from '../../shaders/layer-norm-lib.wgsl?raw';
import softmax from '../../shaders/softmax.wgsl?raw';
import softmaxAxis from '../../shaders/softmax-axis.wgsl?raw';
import winogradGemm from '../../shaders/winograd-gemm.wgsl?raw';
import winogradInput from '../../shaders/winograd-input.wgsl?raw';
import winogradInputLib from '../../shaders/winograd-input-lib.wgsl?raw';
import winogradOutput from '../../shaders/winograd-output.wgsl?raw';
import winogradOutputLib from '../../shaders/winograd-output-lib.wgsl?raw';
import winograd4Input from '../../shaders/winograd4-input.wgsl?raw';
import winograd4Output from '../../shaders/winograd4-output.wgsl?raw';
import activityGradientSource from '../../shaders/train/activity-gradient.wgsl?raw';
import activationBackwardSource from '../../shaders/train/activation-backward.wgsl?raw';
import batchNormBackwardInputSource from '../../shaders/train/batch-norm-backward-input.wgsl?raw';
import batchNormStatisticsSource from '../../shaders/train/batch-norm-statistics.wgsl?raw';
import channelSumSource from '../../shaders/train/channel-sum.wgsl?raw';
import conv2dBackwardFilterSource from '../../shaders/train/conv2d-backward-filter.wgsl?raw';
import conv2dBackwardFilterTiledSource from '../../shaders/train/conv2d-backward-filter-tiled.wgsl?raw';
import conv2dBackwardInputSource from '../../shaders/train/conv2d-backward-input.wgsl?raw';
import dotBackwardSource from '../../shaders/train/dot-backward.wgsl?raw';
import dropoutSource from '../../shaders/train/dropout.wgsl?raw';
import globalPool2dBackwardSource from '../../shaders/train/global-pool2d-backward.wgsl?raw';
import gradientCopySource from '../../shaders/train/gradient-copy.wgsl?raw';
import gradientDilateSource from '../../shaders/train/gradient-dilate.wgsl?raw';
import layerNormBackwardRowsSource from '../../shaders/train/layer-norm-backward-rows.wgsl?raw';
import lossSource from '../../shaders/train/loss.wgsl?raw';
import normalizationBackwardSumsSource from '../../shaders/train/normalization-backward-sums.wgsl?raw';
import mergeBackwardSource from '../../shaders/train/merge-backward.wgsl?raw';
import optimizerSource from '../../shaders/train/optimizer.wgsl?raw';
import pad2dBackwardSource from '../../shaders/train/pad2d-backward.wgsl?raw';
import metricsLogSource from '../../shaders/train/metrics-log.wgsl?raw';
import penaltySource from '../../shaders/train/penalty.wgsl?raw';
import pool2dBackwardSource from '../../shaders/train/pool2d-backward.wgsl?raw';
import pool2dBackwardLib from '../../shaders/train/pool2d-backward-lib.wgsl?raw';
import pool2dBackwardBlocksSource from '../../shaders/train/pool2d-backward-blocks.wgsl?raw';
import resample2dBackwardSource from '../../shaders/train/resample2d-backward.wgsl?raw';
import softmaxBackwardSource from '../../shaders/train/softmax-backward.wgsl?raw';
import trainState from '../../shaders/train/train-state.wgsl?raw';
import { ACTIVATION_KIND } from './activation-codes.ts';
import { ELEMENTWISE_OP } from './elementwise-ops.ts';
import type { Plan, Step } from './plan.ts';

export interface Kernel {
  name: string;
  /** The module's full source: its directives, the preludes its `// uses:` line names, then the kernel. */
  code: string;
  /** Params field name → byte offset in the uniform buffer; every field is a 4-byte u32 or f32. */
  fields: Map<string, { offset: number; type: 'u32' | 'f32' | 'i32' }>;
  /** Uniform size in bytes, rounded up to 16. */
  uniformSize: number;
  /** Invocations per workgroup along x for 1-D kernels; the GEMM's tiles are its own. */
  workgroupSize: number;
  /** The storage buffers it binds, by their WGSL names, in binding order; `write` for read_write ones. */
  bindings: { name: string; index: number; write: boolean }[];
  /** The binding of its `var<uniform>` Params. */
  uniformBinding: number;
}

/** Codes both sides name, as WGSL consts generated from the TypeScript lists (one list each). */
const CODES_PRELUDE = [
  ...Object.entries(ACTIVATION_KIND).map(([name, code]) => `const ACT_${name.toUpperCase()}: u32 = ${code}u;`),
  ...Object.entries(ELEMENTWISE_OP).map(([name, code]) => `const OP_${name.toUpperCase()}: u32 = ${code}u;`),
].join('\n');

/** The WGSL a kernel may prepend, named in its `// uses:` line (WGSL has no imports). */
const PRELUDES: Record<string, string> = {
  activation: `${CODES_PRELUDE}\n${activation}`,
  epilogue,
  'conv2d-prologue': conv2dPrologue,
  'conv2d-direct-lib': conv2dDirectLib,
  'conv2d-gemm-lib': conv2dGemmLib,
  'quad-tile': quadTile,
  'winograd-input-lib': winogradInputLib,
  'winograd-output-lib': winogradOutputLib,
  'train-state': trainState,
  'resample2d-lib': resample2dLib,
  'pool2d-backward-lib': pool2dBackwardLib,
  'layer-norm-lib': layerNormLib,
};

/** The preludes a shader names in its `// uses: a, b` line, in that order. */
export function usedPreludes(source: string): string[] {
  return /^\/\/ uses: ([\w\s,-]+?)(?: \(|$)/m.exec(source)?.[1].split(',').map((p) => p.trim()) ?? [];
}

export function kernel(name: string, source: string, workgroupSize = 64): Kernel {
  const preludes = usedPreludes(source).map((p) => {
    if (!(p in PRELUDES)) throw new Error(`kernel ${name}: uses an unknown prelude '${p}' (known: ${Object.keys(PRELUDES).join(', ')})`);
    return PRELUDES[p];
  });
  // Directives (`enable`, `diagnostic`) must open the module, before any prelude.
  const directive = /^(enable|diagnostic|requires)\b.*$/gm;
  const code = [...(source.match(directive) ?? []), ...preludes, source.replace(directive, '')].join('\n');
  const struct = /struct Params\s*\{([^}]*)\}/.exec(code);
  if (!struct) throw new Error(`kernel ${name}: no 'struct Params'`);
  const fields = new Map<string, { offset: number; type: 'u32' | 'f32' | 'i32' }>();
  for (const m of struct[1].matchAll(/(\w+)\s*:\s*(u32|f32|i32)/g)) fields.set(m[1], { offset: fields.size * 4, type: m[2] as 'u32' });
  // The binding names are the contract with the compiler: a step binds each storage variable by name.
  const bindings = [...code.matchAll(/@binding\((\d+)\)\s*var<storage,\s*(read|read_write)>\s*(\w+)/g)]
    .map((m) => ({ name: m[3], index: Number(m[1]), write: m[2] === 'read_write' })).sort((a, b) => a.index - b.index);
  const uniform = /@binding\((\d+)\)\s*var<uniform>/.exec(code);
  if (!uniform) throw new Error(`kernel ${name}: no uniform Params binding`);
  return { name, code, fields, uniformSize: Math.ceil((fields.size * 4) / 16) * 16, workgroupSize, bindings, uniformBinding: Number(uniform[1]) };
}

/**
 * A step's named bindings in the kernel's binding order, checked both ways: every storage variable of
 * the shader is given, and every name given is one of the shader's. A mismatch is a deepwire bug.
 */
export function orderedBindings<B>(k: Kernel, named: Readonly<Record<string, B>>, node: string): B[] {
  const known = new Set(k.bindings.map((b) => b.name));
  const extra = Object.keys(named).filter((n) => !known.has(n));
  const missing = k.bindings.filter((b) => !(b.name in named)).map((b) => b.name);
  if (extra.length || missing.length)
    throw new Error(`internal: ${node}'s ${k.name} step ${missing.length ? `lacks ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `binds ${extra.join(', ')}, which the shader does not declare` : ''}`);
  return k.bindings.map((b) => named[b.name]);
}

/**
 * The first step that binds for reading a physical buffer it also writes, which WebGPU refuses (the
 * writable-aliasing rule): lowering gives such producers buffers of their own (fusion.ts
 * releaseSelfReadingSlices), so a step found here is a deepwire bug. Null when there is none.
 */
export function stepReadingWhatItWrites(plan: Pick<Plan, 'steps' | 'physical'>): Step | null {
  for (const s of plan.steps) {
    const k = KERNELS[s.kernel];
    const bound = orderedBindings(k, s.bindings, s.node).map((b, i) => ({ b, write: k.bindings[i].write }));
    const written = bound.flatMap(({ b, write }) => (b.kind === 'view' && write ? [plan.physical[b.view.alloc]] : []));
    if (bound.some(({ b, write }) => b.kind === 'view' && !write && written.includes(plan.physical[b.view.alloc]))) return s;
  }
  return null;
}

/** The training step's kernels (shaders/train/, lowered by src/train/): besides their output they may update state in place. */
export const TRAINING_KERNELS = {
  activationBackward: kernel('activation-backward', activationBackwardSource),
  activityGradient: kernel('activity-gradient', activityGradientSource),
  batchNormStatistics: kernel('batch-norm-statistics', batchNormStatisticsSource),
  batchNormBackwardInput: kernel('batch-norm-backward-input', batchNormBackwardInputSource),
  channelSum: kernel('channel-sum', channelSumSource),
  conv2dBackwardFilter: kernel('conv2d-backward-filter', conv2dBackwardFilterSource),
  conv2dBackwardFilterTiled: kernel('conv2d-backward-filter-tiled', conv2dBackwardFilterTiledSource),
  conv2dBackwardInput: kernel('conv2d-backward-input', conv2dBackwardInputSource),
  dotBackward: kernel('dot-backward', dotBackwardSource),
  dropout: kernel('dropout', dropoutSource),
  globalPool2dBackward: kernel('global-pool2d-backward', globalPool2dBackwardSource),
  gradientCopy: kernel('gradient-copy', gradientCopySource),
  gradientDilate: kernel('gradient-dilate', gradientDilateSource),
  layerNormBackwardRows: kernel('layer-norm-backward-rows', layerNormBackwardRowsSource),
  loss: kernel('loss', lossSource),
  mergeBackward: kernel('merge-backward', mergeBackwardSource),
  normalizationBackwardSums: kernel('normalization-backward-sums', normalizationBackwardSumsSource),
  optimizer: kernel('optimizer', optimizerSource),
  pad2dBackward: kernel('pad2d-backward', pad2dBackwardSource),
  metricsLog: kernel('metrics-log', metricsLogSource),
  penalty: kernel('penalty', penaltySource),
  pool2dBackward: kernel('pool2d-backward', pool2dBackwardSource),
  pool2dBackwardBlocks: kernel('pool2d-backward-blocks', pool2dBackwardBlocksSource),
  resample2dBackward: kernel('resample2d-backward', resample2dBackwardSource),
  softmaxBackward: kernel('softmax-backward', softmaxBackwardSource),
} as const;

export const KERNELS = {
  conv2dNaive: kernel('conv2d-naive', conv2dNaive),
  conv2dGemm: kernel('conv2d-gemm', conv2dGemm),
  conv2dGemm64: kernel('conv2d-gemm64', conv2dGemm64, 128),
  conv2dSplitKReduce: kernel('conv2d-split-k-reduce', conv2dSplitKReduce),
  conv2dDirect: kernel('conv2d-direct', conv2dDirect),
  conv2dDirectQuad: kernel('conv2d-direct-quad', conv2dDirectQuad),
  conv2dDirectQuad16: kernel('conv2d-direct-quad16', conv2dDirectQuad16, 32),
  conv2dGrouped: kernel('conv2d-grouped', conv2dGrouped),
  conv2dPackWeights: kernel('conv2d-pack-weights', conv2dPackWeights),
  winogradInput: kernel('winograd-input', winogradInput),
  winogradGemm: kernel('winograd-gemm', winogradGemm, 32),
  winogradOutput: kernel('winograd-output', winogradOutput),
  winograd4Input: kernel('winograd4-input', winograd4Input),
  winograd4Output: kernel('winograd4-output', winograd4Output),
  depthwiseConv2d: kernel('depthwise-conv2d', depthwiseConv2d),
  pool2d: kernel('pool2d', pool2d),
  pool2dArgmax: kernel('pool2d-argmax', pool2dArgmax),
  pad2d: kernel('pad2d', pad2d),
  resample2d: kernel('resample2d', resample2d),
  channelShuffle: kernel('channel-shuffle', channelShuffle),
  globalPool2d: kernel('global-pool2d', globalPool2d),
  elementwise: kernel('elementwise', elementwise),
  affine: kernel('affine', affine),
  layerNorm: kernel('layer-norm', layerNorm),
  softmax: kernel('softmax', softmax),
  softmaxAxis: kernel('softmax-axis', softmaxAxis),
  dot: kernel('dot', dot),
  ...TRAINING_KERNELS,
} as const;

export type KernelName = keyof typeof KERNELS;

/** Writes a step's params into a uniform block laid out as the kernel's `struct Params`. */
export function packParams(k: Kernel, params: Record<string, number>, out: ArrayBuffer, byteOffset: number): void {
  const u32 = new Uint32Array(out, byteOffset, k.uniformSize / 4);
  const f32 = new Float32Array(out, byteOffset, k.uniformSize / 4);
  const i32 = new Int32Array(out, byteOffset, k.uniformSize / 4);
  for (const [name, { offset, type }] of k.fields) {
    const v = params[name];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`kernel ${k.name}: param '${name}' is ${v}`);
    if (type === 'f32') f32[offset / 4] = v;
    else if (type === 'i32') i32[offset / 4] = v;
    else {
      if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new Error(`kernel ${k.name}: param '${name}' = ${v} is not a u32`);
      u32[offset / 4] = v;
    }
  }
  for (const name of Object.keys(params))
    if (!k.fields.has(name)) throw new Error(`kernel ${k.name}: no param '${name}' in its struct Params`);
}
