// The GPU-vs-reference sweep's case format: each op's `src/ops/<op>.cases.ts` exports `op` (the type
// it tests) and `cases`. Shapes are small (SwiftShader is a CPU) but odd, so bounds bugs show.
import type { Attrs, GraphFile } from '../graph/types.ts';
import { singleOpGraph } from './compare.ts';
import { findOp } from '../ops/index.ts';
import { TOLERANCE, type Tolerance } from './expect-close.ts';

export interface OpCase {
  name: string;
  /** Input shapes without the batch, one per input. */
  inputs: number[][];
  attrs?: Attrs;
  batch?: number;
  /**
   * Inputs uniform in [−s, s) instead of [−1, 1): each input goes through a Rescaling node first, so
   * saturating activations meet their flat parts and clipping ReLUs their ceilings.
   */
  inputScale?: number;
  /** Looser than the op kind's default only with a reason in `why`. */
  tolerance?: Tolerance;
  why?: string;
}

/** Bias drawn at random: the default 'zeros' would leave the kernels' bias path untested. */
export const RANDOM_BIAS = { name: 'random_uniform', minval: -0.5, maxval: 0.5 } as const;

/** A case's graph: the op fed by Inputs, each through a Rescaling when the case widens its inputs. */
export function caseGraph(op: string, c: OpCase): GraphFile {
  const graph = singleOpGraph(op, c.inputs, c.attrs ?? {});
  if (c.inputScale === undefined) return graph;
  const y = graph.nodes.at(-1)!;
  const scaled = y.inputs!.map((id) => ({ id: `${id}_scaled`, op: 'Rescaling', attrs: { scale: c.inputScale }, inputs: [id] }));
  return { ...graph, nodes: [...graph.nodes.slice(0, -1), ...scaled, { ...y, inputs: scaled.map((s) => s.id) }] };
}

/** STYLE.md's tolerance for an op type: exact for data movement, conv for sums over windows. */
export function toleranceOf(op: string): Tolerance {
  const category = findOp(op)!.category;
  if (['Convolution', 'Pooling', 'Normalization'].includes(category) || op === 'Dense' || op === 'Dot') return TOLERANCE.conv;
  if (['Concatenate', 'ZeroPadding2D', 'Cropping2D', 'Flatten', 'Reshape', 'ChannelShuffle', 'Dropout'].includes(op)) return TOLERANCE.exact;
  return TOLERANCE.elementwise;
}
