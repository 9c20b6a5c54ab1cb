// What an op does to receptive fields (src/graph/receptive-field.ts composes them through a graph):
// each op's `field` in its own file says its sliding window, or how it combines its inputs' fields.
import type { Shape } from '../graph/types.ts';
import type { Window } from './geometry.ts';

export type Pair = [number, number];

/** One op's own sliding window over its input: kernel span, stride and padding before, per axis. */
export interface FieldStep {
  kernel: Pair;
  stride: Pair;
  dilation: Pair;
  padBefore: Pair;
  note?: string;
}

/**
 * - a FieldStep: a window over its (first) input;
 * - 'source': an Input; 'pointwise': each position sees what the same position of its input sees;
 * - 'merge': the union of its operands' fields (one broadcast across the map makes it whole);
 * - `{ whole }`: every value may depend on every pixel, and why; `{ none }`: no field, and why.
 */
export type FieldRule = FieldStep | 'source' | 'pointwise' | 'merge' | { whole: string } | { none: string };

/** A window op's step from its kernel, strides, dilation and the two axes' windows (their padding before). */
export function windowStep(kernel: Pair, stride: Pair, dilation: Pair, h: Window, w: Window): FieldStep {
  return { kernel, stride, dilation, padBefore: [h.padBefore, w.padBefore] };
}

/** A shift by whole pixels (padding, cropping): a 1×1 window moved `top`, `left`. */
export function shiftStep(top: number, left: number, note?: string): FieldStep {
  return { kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padBefore: [top, left], ...(note ? { note } : {}) };
}

/** An H×W×C map, as fields are measured on. */
export const isMap = (s: Shape | null | undefined): s is Shape => !!s && s.length === 3;
