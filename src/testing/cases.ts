// The GPU-vs-reference sweep's case format: each op's `src/ops/<op>.cases.ts` exports `op` (the type
// it tests) and `cases`. Shapes are small (SwiftShader is a CPU) but odd, so bounds bugs show.
import type { Attrs } from '../graph/types.ts';
import type { Tolerance } from './expect-close.ts';

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
