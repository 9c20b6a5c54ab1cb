// Activation names → the codes of shaders/activation.wgsl and the parameters of code 1 (the ReLU
// family), as override constants of the kernel that applies them. softmax is not elementwise: it gets
// its own kernel, so it has no code.
import { attrsOf } from './context.ts';
import type { NodeReport } from '../graph/analyze.ts';
import type { ActivationAttrs } from '../ops/activation.ts';
import type { LeakyReLUAttrs } from '../ops/leaky-relu.ts';
import type { ReLUAttrs } from '../ops/relu.ts';

export interface ActivationCode {
  code: number;
  slope: number;
  threshold: number;
  max: number;
}

/**
 * The activation kinds of shaders/activation.wgsl's switch, by name: generated into WGSL as consts
 * (`ACT_ELU`…, src/compile/kernels.ts) so both sides read one list. `relu` is Keras' ReLU layer in
 * full: relu, relu6, leaky_relu and thresholded ReLU are its parameters.
 */
export const ACTIVATION_KIND = { linear: 0, relu: 1, elu: 2, sigmoid: 3, hard_sigmoid: 4, swish: 5, tanh: 6, softplus: 7, softsign: 8, gelu: 9 } as const;

const NO_MAX = 3.0e38;
const relu = (slope: number, threshold: number, max: number): ActivationCode => ({ code: ACTIVATION_KIND.relu, slope, threshold, max });
const plain = (kind: keyof typeof ACTIVATION_KIND): ActivationCode => ({ code: ACTIVATION_KIND[kind], slope: 0, threshold: 0, max: NO_MAX });

const CODES: Record<string, ActivationCode> = {
  linear: plain('linear'),
  relu: relu(0, 0, NO_MAX),
  relu6: relu(0, 0, 6),
  leaky_relu: relu(0.2, 0, NO_MAX),
  elu: plain('elu'),
  sigmoid: plain('sigmoid'),
  hard_sigmoid: plain('hard_sigmoid'),
  swish: plain('swish'),
  tanh: plain('tanh'),
  softplus: plain('softplus'),
  softsign: plain('softsign'),
  gelu: plain('gelu'),
};

export const LINEAR: ActivationCode = CODES.linear;

/** The code of a Keras activation name; null for softmax (its own kernel). */
export function activationCode(name: string): ActivationCode | null {
  return CODES[name] ?? null;
}

/** Keras' ReLU layer (max_value, negative_slope, threshold) as code 1. */
export function reluCode(maxValue: number | null, negativeSlope: number, threshold: number): ActivationCode {
  return relu(negativeSlope, threshold, maxValue ?? NO_MAX);
}

/** Override constants for the ACT (`prefix` 'ACT'), POST_ACT ('POST') or PRE_ACT ('PRE', conv2d-prologue.wgsl) slot. */
export function activationOverrides(prefix: 'ACT' | 'POST' | 'PRE', a: ActivationCode): Record<string, number> {
  if (a.code === 0) return {};
  const name = prefix === 'ACT' ? 'ACT' : `${prefix}_ACT`;
  return { [name]: a.code, [`${prefix}_SLOPE`]: a.slope, [`${prefix}_THRESHOLD`]: a.threshold, [`${prefix}_MAX`]: a.max };
}

/** The activation an Activation/ReLU/LeakyReLU node applies; null for softmax (and other ops). */
export function activationOf(r: NodeReport): ActivationCode | null {
  if (r.op === 'ReLU') {
    const a = attrsOf<ReLUAttrs>(r);
    return reluCode(a.max_value, a.negative_slope, a.threshold);
  }
  if (r.op === 'LeakyReLU') return reluCode(null, attrsOf<LeakyReLUAttrs>(r).negative_slope, 0);
  if (r.op === 'Activation') return activationCode(attrsOf<ActivationAttrs>(r).activation);
  return null;
}
