// Fusion and concat-in-place, planned before anything is emitted, as plain data (as wonnx's optimizer
// runs before its compiler): which nodes fold into which dispatch, which ZeroPadding2D folds into its
// consumer's padding, and which producers write straight into a channel slice of a Concatenate. The
// lowering (lower.ts) follows the plan; lower.test.ts checks what it decides without a device.
//  1. conv groups: Conv2D/Dense/DepthwiseConv2D/SeparableConv2D (+ BatchNormalization folded into the
//     weights) (+ activation) (+ the residual Add of a ResNet block) (+ activation) become one dispatch;
//  2. a ZeroPadding2D whose only consumer is a conv or a 'valid' pool becomes that consumer's padding;
//  3. branches feeding a channel Concatenate write into their slice of it (outermost concat first);
//  4. a per-channel affine op (BatchNormalization, Normalization, Rescaling) and the activation after
//     it, or an activation alone, whose consumers are all 1×1, depthwise or separable convs (DenseNet's
//     BN + ReLU before each bottleneck and transition, ResNetV2's pre-activation, Xception's ReLU before
//     a SeparableConv2D) run in those convs, as they load their input (conv2d-prologue.wgsl);
//  5. an activation after a merge runs in the merge's last dispatch, and one after an affine op that
//     stays (its consumers are not all such convs) in the affine's;
//  6. conv groups that read one tensor with one geometry and one epilogue and feed only other convs
//     (Inception's 1×1 reductions before its 3×3 and 5×5 branches) run as one conv, their filters side
//     by side: one dispatch and one read of the input instead of one per conv (TensorRT's horizontal
//     fusion); each group's tensor is its channel slice of the shared output, read as concat members are;
//  7. with `pools` (LowerOptions.fusePools: where the autotune measured it faster), a stride-1 MaxPool2D
//     or AveragePool2D whose output has its input's size, read only by a 1×1 stride-1 Conv2D
//     (Inception's pool projection), runs in that conv as it loads its input: each value is the pool's
//     window around the conv's pixel (conv2d-prologue.wgsl), so the pooled tensor is never written nor read back.
import { attrsOf } from './context.ts';
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import type { Conv2DAttrs } from '../ops/conv2d.ts';
import type { Pool2DAttrs } from '../ops/max-pool2d.ts';
import type { ZeroPadding2DAttrs } from '../ops/zero-padding2d.ts';
import { formatShape } from '../tensor.ts';
import { activationCode, activationOf } from './activation-codes.ts';

export type Pads = [[number, number], [number, number]];

/** A fused conv group: the conv, then what folds into its epilogue; `final` is the node whose tensor it writes. */
export interface ConvGroup {
  conv: NodeReport;
  bn?: NodeReport;
  act?: NodeReport;
  add?: NodeReport;
  /** The residual Add's other operand. */
  residual?: string;
  post?: NodeReport;
  final: NodeReport;
}

/** Conv groups lowered as one conv (rule 6): `members[0]` (first in topological order) emits the dispatch. */
export interface SiblingConvs {
  /** In the order their filters sit in the shared output, which each member's final node is a channel slice of. */
  members: ConvGroup[];
}

/** A per-channel affine op and its activation, or an activation alone, that a conv applies to its input as it loads it. */
export interface InputAffine {
  affine?: NodeReport;
  act?: NodeReport;
  /** The tensor the conv reads instead of the activation's (or the affine's): the affine's input. */
  source: string;
}

export interface FusionPlan {
  /** Conv groups by their final node (the node whose step the group is). */
  groups: Map<string, ConvGroup>;
  /** Nodes computed inside another node's dispatch: no step, and no tensor of their own. */
  fusedAway: Set<string>;
  /** Node → the node whose step computes it (only fused and folded nodes; the rest compute themselves). */
  computedBy: Map<string, string>;
  /** ZeroPadding2D pads folded into their consumer's own padding, by consumer. */
  foldedPads: Map<string, Pads>;
  /** Producers that write into a channel slice of a Concatenate: which concat, from which channel. */
  concatSlices: Map<string, { concat: string; channelOffset: number }>;
  /** Channel Concatenates whose buffer their inputs write into, outermost first. */
  concatBuffers: string[];
  /** A merge → the activation that runs in its last dispatch. */
  mergeActivations: Map<string, string>;
  /** A BatchNormalization, Normalization or Rescaling (not fused into a conv) → the activation in its dispatch. */
  affineActivations: Map<string, string>;
  /** A conv (its group's conv node) → the affine op it applies as it loads its input. */
  inputAffines: Map<string, InputAffine>;
  /** Each member's final node → the conv groups it shares one dispatch with (rule 6). */
  siblings: Map<string, SiblingConvs>;
  /** A conv (its group's conv node) → the pool it applies as it loads its input (rule 7). */
  inputPools: Map<string, InputPool>;
}

/** A stride-1, same-size pooling that a 1×1 conv computes as it loads its input. */
export interface InputPool {
  pool: NodeReport;
  /** The tensor the conv reads instead of the pool's: the pool's input. */
  source: string;
}

/** What a conv group's conv reads: the source of its input prologue or pool, else its own input. */
export const convSource = (plan: FusionPlan, conv: NodeReport): string =>
  plan.inputAffines.get(conv.id)?.source ?? plan.inputPools.get(conv.id)?.source ?? conv.inputs[0];

/** What the GPU side of an op can do (src/ops/op.ts GpuTraits). */
const traits = (r: NodeReport) => r.def?.gpu ?? {};
const isConv = (r: NodeReport) => !!traits(r).conv;
/** An activation that folds into the dispatch before it (not softmax). */
const isFoldableActivation = (r: NodeReport) => !!traits(r).activation && !!activationOf(r);

export function planFusion(report: GraphReport, keep: ReadonlySet<string>, fold: { pools?: boolean } = {}): FusionPlan {
  const plan: FusionPlan = {
    groups: new Map(), fusedAway: new Set(), computedBy: new Map(), foldedPads: new Map(),
    concatSlices: new Map(), concatBuffers: [], mergeActivations: new Map(), affineActivations: new Map(), inputAffines: new Map(),
    siblings: new Map(), inputPools: new Map(),
  };
  const consumers = new Map<string, string[]>();
  for (const r of report.nodes) for (const i of r.inputs) consumers.set(i, [...(consumers.get(i) ?? []), r.id]);
  const node = (id: string) => report.byId.get(id)!;
  /** The single consumer of `id`, when it has exactly one and `id` is not kept for inspection. */
  const soleConsumer = (id: string): NodeReport | null => {
    const c = consumers.get(id) ?? [];
    if (c.length !== 1 || keep.has(id) || report.outputs.includes(id)) return null;
    return node(c[0]);
  };

  /**
   * The merge or affine op whose dispatch runs activation `r` (rule 5): `r`'s producer, when `r` is its
   * only consumer and the producer has a dispatch of its own. The one statement of that rule: the
   * input prologue leaves such an activation alone, and the concat slices ask what its dispatch reads.
   */
  const absorbingProducer = (r: NodeReport): NodeReport | null => {
    if (!isFoldableActivation(r) || plan.groups.has(r.id) || plan.fusedAway.has(r.id)) return null;
    const producer = node(r.inputs[0]);
    const t = traits(producer);
    const ownDispatch = !plan.fusedAway.has(producer.id) && !plan.groups.has(producer.id);
    return (t.merge || t.affine) && ownDispatch && soleConsumer(producer.id) === r ? producer : null;
  };

  findConvGroups(report, plan, node, soleConsumer);
  foldZeroPadding(report, plan, soleConsumer);
  foldInputAffines(report, plan, consumers, soleConsumer, keep, absorbingProducer);
  if (fold.pools) foldInputPools(report, plan, soleConsumer);
  assignConcatSlices(report, plan, node, absorbingProducer);
  for (const r of report.nodes) {
    const producer = absorbingProducer(r);
    if (!producer) continue;
    (traits(producer).merge ? plan.mergeActivations : plan.affineActivations).set(producer.id, r.id);
    plan.fusedAway.add(r.id);
    plan.computedBy.set(r.id, producer.id);
  }
  mergeSiblingConvs(report, plan, consumers, keep);
  return plan;
}

function findConvGroups(report: GraphReport, plan: FusionPlan, node: (id: string) => NodeReport, soleConsumer: (id: string) => NodeReport | null): void {
  const claimed = new Set<string>();
  for (const id of report.order) {
    const conv = node(id);
    if (!isConv(conv)) continue;
    const g: ConvGroup = { conv, final: conv };
    const ownAct = attrsOf<Conv2DAttrs>(conv).activation;
    let next = soleConsumer(conv.id);
    if (next?.op === 'BatchNormalization' && ownAct === 'linear') {
      g.bn = next;
      g.final = next;
      next = soleConsumer(next.id);
    }
    if (next && isFoldableActivation(next) && ownAct === 'linear') {
      g.act = next;
      g.final = next;
      next = soleConsumer(next.id);
    }
    // The Add of a residual block joins whichever of its two branches reaches it first.
    if (next?.op === 'Add' && !claimed.has(next.id) && next.inputs.length === 2 && next.inputs[0] !== next.inputs[1]
      && formatShape(node(next.inputs[0]).shape!) === formatShape(node(next.inputs[1]).shape!)
      && ownAct !== 'softmax') {
      g.add = next;
      g.residual = next.inputs[0] === g.final.id ? next.inputs[1] : next.inputs[0];
      g.final = next;
      next = soleConsumer(next.id);
      if (next && isFoldableActivation(next)) {
        g.post = next;
        g.final = next;
      }
    }
    if (g.add) claimed.add(g.add.id);
    plan.groups.set(g.final.id, g);
    for (const m of [g.conv, g.bn, g.act, g.add, g.post]) {
      if (!m) continue;
      plan.computedBy.set(m.id, conv.id);
      if (m !== g.final) plan.fusedAway.add(m.id);
    }
  }
}

/** The conv node of every conv group: the convs a fused input may be read by. */
const groupConvIds = (plan: FusionPlan): Set<string> => new Set([...plan.groups.values()].map((g) => g.conv.id));

/** A ZeroPadding2D whose only consumer is a conv or a 'valid' pool (ResNet's stem): no padded copy, no dispatch. */
function foldZeroPadding(report: GraphReport, plan: FusionPlan, soleConsumer: (id: string) => NodeReport | null): void {
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    const c = r.op === 'ZeroPadding2D' ? soleConsumer(id) : null;
    if (!c || c.inputs.length !== 1) continue;
    const ca = attrsOf<Pool2DAttrs>(c);
    const foldable = c.op === 'Conv2D' || c.op === 'DepthwiseConv2D'
      || ((c.op === 'MaxPool2D' || c.op === 'AveragePool2D') && ca.padding === 'valid' && !ca.ceil_mode);
    if (!foldable) continue;
    plan.foldedPads.set(c.id, attrsOf<ZeroPadding2DAttrs>(r).padding as Pads);
    plan.fusedAway.add(id);
    plan.computedBy.set(id, c.id);
  }
}

/**
 * An affine op (+ its activation), or an activation no other dispatch absorbs, whose every consumer
 * reads it as its only input and is the conv of its group taking an input prologue — a 1×1 Conv2D, a
 * Dense, a DepthwiseConv2D or a SeparableConv2D (its depthwise half) — has no dispatch and no tensor:
 * each of those convs applies it to the values it loads (inside the image only, so padding stays 0).
 * Not other Conv2Ds: Winograd's input transform and ROW loads (conv-kernel.ts) have no prologue.
 * DenseNet's and ResNetV2's BN + ReLU, Xception's and NASNet's ReLU before a SeparableConv2D. Runs
 * before the concat slices are assigned, which must see that such a conv reads the affine's input.
 */
function foldInputAffines(
  report: GraphReport, plan: FusionPlan, consumers: Map<string, string[]>,
  soleConsumer: (id: string) => NodeReport | null, keep: ReadonlySet<string>,
  absorbingProducer: (r: NodeReport) => NodeReport | null,
): void {
  const groupConvs = groupConvIds(plan);
  const takesPrologue = (c: NodeReport, input: string): boolean => {
    if (!groupConvs.has(c.id) || c.inputs.length !== 1 || c.inputs[0] !== input || plan.foldedPads.has(c.id)) return false;
    const a = attrsOf<Partial<Conv2DAttrs>>(c);
    return c.op === 'Dense' || c.op === 'DepthwiseConv2D' || c.op === 'SeparableConv2D'
      || (c.op === 'Conv2D' && (a.groups ?? 1) === 1 && a.kernel_size!.every((k) => k === 1));
  };
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    if (plan.fusedAway.has(r.id) || plan.groups.has(r.id)) continue;
    let affine: NodeReport | undefined, act: NodeReport | undefined;
    if (traits(r).affine) {
      affine = r;
      const next = soleConsumer(r.id);
      if (next && isFoldableActivation(next) && !plan.groups.has(next.id)) act = next;
    } else if (isFoldableActivation(r) && !absorbingProducer(r)) act = r;
    else continue;
    const tail = act ?? r;
    const users = consumers.get(tail.id) ?? [];
    if (!users.length || [r, tail].some((m) => keep.has(m.id) || report.outputs.includes(m.id))) continue;
    if (!users.every((u) => takesPrologue(report.byId.get(u)!, tail.id))) continue;
    for (const u of users) plan.inputAffines.set(u, { affine, act, source: r.inputs[0] });
    for (const m of [affine, act]) {
      if (!m) continue;
      plan.fusedAway.add(m.id);
      plan.computedBy.set(m.id, users[0]);
    }
  }
}

/**
 * A MaxPool2D or AveragePool2D with stride 1 whose output has its input's height and width (3×3
 * 'same': Inception's branch before its pool projection), whose only consumer is the conv of its group,
 * a 1×1 stride-1 Conv2D with groups = 1 and no padding: the conv loads the pool's window for each
 * value instead of the pooled tensor (conv2d-prologue.wgsl POOL), pixel for pixel. Not a pool with a
 * ZeroPadding2D folded into it (zeros that take part in a max), nor one of 256 or more along an axis
 * (the shader packs the window's bounds in 8 bits each).
 */
function foldInputPools(report: GraphReport, plan: FusionPlan, soleConsumer: (id: string) => NodeReport | null): void {
  const groupConvs = groupConvIds(plan);
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    if ((r.op !== 'MaxPool2D' && r.op !== 'AveragePool2D') || plan.fusedAway.has(id) || plan.foldedPads.has(id)) continue;
    const a = attrsOf<Pool2DAttrs>(r);
    const source = report.byId.get(r.inputs[0])?.shape;
    if (!r.shape || !source || !(a.strides ?? a.pool_size).every((s) => s === 1) || r.shape[0] !== source[0] || r.shape[1] !== source[1] || a.pool_size.some((k) => k > 255)) continue;
    // The conv's only input is the pool: no ZeroPadding2D or affine op of its own to fold.
    const c = soleConsumer(id);
    if (!c || c.op !== 'Conv2D' || !groupConvs.has(c.id) || c.inputs.length !== 1) continue;
    const ca = attrsOf<Conv2DAttrs>(c);
    const unpadded = !Array.isArray(ca.padding) || ca.padding.flat().every((p) => p === 0);
    if ((ca.groups ?? 1) !== 1 || !ca.kernel_size.every((k) => k === 1) || !ca.strides.every((s) => s === 1) || !unpadded) continue;
    plan.inputPools.set(c.id, { pool: r, source: r.inputs[0] });
    plan.fusedAway.add(id);
    plan.computedBy.set(id, c.id);
  }
}

/**
 * Conv groups that read one tensor (through the same input prologue, if any) with one kernel size,
 * stride, dilation and padding, have one activation and nothing after it (no residual Add), and whose
 * outputs are read only by other convs as their one input, become one conv with their filters side by
 * side (rule 6). Only Conv2D with groups = 1, no folded padding, filters in whole groups of 4; not a
 * group whose output is a concat slice (it has its own place to write), a kept node or an output
 * (each keeps a buffer of its own: a trainer, which keeps every node, never gets merged weights).
 */
function mergeSiblingConvs(report: GraphReport, plan: FusionPlan, consumers: Map<string, string[]>, keep: ReadonlySet<string>): void {
  const groupConvs = groupConvIds(plan);
  const readByConvsOnly = (id: string): boolean => {
    const users = consumers.get(id) ?? [];
    return users.length > 0 && users.every((c) => groupConvs.has(c) && report.byId.get(c)!.inputs.length === 1);
  };
  const bySignature = new Map<string, ConvGroup[]>();
  for (const id of report.order) {
    const g = plan.groups.get(id);
    // A conv with a pool in its loads reads another tensor than its siblings do.
    if (!g || g.conv.op !== 'Conv2D' || g.add || plan.foldedPads.has(g.conv.id) || plan.inputPools.has(g.conv.id) || plan.concatSlices.has(g.final.id)) continue;
    const a = attrsOf<Conv2DAttrs>(g.conv);
    // Filters in whole groups of 4, so each slice's readers still load 4 channels at a time.
    if ((a.groups ?? 1) !== 1 || a.activation === 'softmax' || g.final.shape!.at(-1)! % 4 !== 0) continue;
    if ([g.conv, g.bn, g.act].some((m) => m && (keep.has(m.id) || report.outputs.includes(m.id))) || !readByConvsOnly(g.final.id)) continue;
    const prologue = plan.inputAffines.get(g.conv.id);
    const act = g.act ? activationOf(g.act) : activationCode(a.activation);
    const signature = JSON.stringify([
      prologue ? [prologue.source, prologue.affine?.id, prologue.act?.id] : g.conv.inputs[0],
      a.kernel_size, a.strides, a.dilation_rate, a.padding, act,
    ]);
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), g]);
  }
  /** A merged member's conv → the first member's, whose dispatch computes what was the member's. */
  const leaderOf = new Map<string, string>();
  for (const members of bySignature.values()) {
    if (members.length < 2) continue;
    const siblings: SiblingConvs = { members };
    for (const g of members) {
      plan.siblings.set(g.final.id, siblings);
      if (g !== members[0]) leaderOf.set(g.conv.id, members[0].conv.id);
    }
  }
  // The members' folded nodes and the input prologue's were computed by a member's conv: now by the first's.
  for (const [id, by] of plan.computedBy) if (leaderOf.has(by)) plan.computedBy.set(id, leaderOf.get(by)!);
}

/** Channel concats hand their inputs a slice of their own buffer (outermost concat first). */
function assignConcatSlices(report: GraphReport, plan: FusionPlan, node: (id: string) => NodeReport, absorbingProducer: (r: NodeReport) => NodeReport | null): void {
  const claimed = new Set<string>();
  for (const id of [...report.order].reverse()) {
    const r = node(id);
    if (r.op !== 'Concatenate' || plan.fusedAway.has(id)) continue;
    const axis = (r.attrs as { axis: number }).axis;
    if (axis !== -1 && axis !== r.shape!.length) continue;
    plan.concatBuffers.push(id);
    let offset = 0;
    for (const input of r.inputs) {
      const producer = node(input);
      const once = r.inputs.filter((i) => i === input).length === 1;
      if (once && !claimed.has(input) && traits(producer).writesConcatSlice && !plan.fusedAway.has(input)) {
        claimed.add(input);
        plan.concatSlices.set(input, { concat: id, channelOffset: offset });
      }
      offset += producer.shape!.at(-1)!;
    }
  }
  releaseSelfReadingSlices(plan, node, absorbingProducer);
}

/**
 * A dispatch may not bind one buffer writable twice (WebGPU's writable-aliasing rule), so a producer
 * that reads a tensor living in the concat buffer it would write into gets its own buffer instead
 * (NASNet's reduction cell adds one concat member to another).
 */
function releaseSelfReadingSlices(plan: FusionPlan, node: (id: string) => NodeReport, absorbingProducer: (r: NodeReport) => NodeReport | null): void {
  /** The node whose tensor `id` is a view of (Flatten, Reshape, the ops that are the identity at inference and folded padding are views). */
  const viewOf = (id: string): string => {
    const r = node(id);
    return ['Dropout', 'RandomFlip', 'RandomTranslation', 'Flatten', 'Reshape'].includes(r.op) || (r.op === 'ZeroPadding2D' && plan.fusedAway.has(id)) ? viewOf(r.inputs[0]) : id;
  };
  /** The outermost concat whose buffer `id` is written into; undefined when it has a buffer of its own. */
  const buffer = (id: string): string | undefined => {
    const slice = plan.concatSlices.get(id);
    if (slice) return buffer(slice.concat);
    return plan.concatBuffers.includes(id) ? id : undefined;
  };
  /** What the dispatch that writes `r` reads. */
  const reads = (r: NodeReport): string[] => {
    const g = plan.groups.get(r.id);
    if (g) return [convSource(plan, g.conv), ...g.conv.inputs.slice(1), ...(g.residual ? [g.residual] : [])];
    // An activation folded into the merge or affine step before it: that step reads the producer's inputs.
    return absorbingProducer(r)?.inputs ?? r.inputs;
  };
  // Released slices only split buffers, but one release can expose another reader: repeat until none.
  for (let released = true; released;) {
    released = false;
    for (const id of [...plan.concatSlices.keys()]) {
      const r = node(id);
      if (r.op !== 'Concatenate' && reads(r).some((i) => buffer(viewOf(i)) === buffer(id))) {
        plan.concatSlices.delete(id);
        released = true;
      }
    }
    // A concat copies the members not written in place; a copy from its own buffer (a member that lives
    // in another slice of it, or a view of one) releases the concat's slice, or where it has none, the member's.
    for (const id of plan.concatBuffers) {
      const copied = node(id).inputs.filter((i) => plan.concatSlices.get(i)?.concat !== id).map(viewOf);
      const clash = copied.find((i) => buffer(i) === buffer(id));
      if (clash === undefined) continue;
      plan.concatSlices.delete(plan.concatSlices.has(id) ? id : clash);
      released = true;
    }
  }
}
