// The GPU-vs-reference sweep's case format: each op's `src/ops/<op>.cases.ts` exports `cases`.
import type { Attrs } from '../graph/types.ts';
import type { Tolerance } from './expect-close.ts';

export interface OpCase {
  name: string;
  /** Input shapes without the batch, one per input. */
  inputs: number[][];
  attrs?: Attrs;
  batch?: number;
  /** Looser than the op kind's default only with a reason in `why`. */
  tolerance?: Tolerance;
  why?: string;
}
