// Sliding-window arithmetic shared by convolutions and pooling, one spatial axis at a time.
// Keras 'same' pads ceil(in/stride) outputs with the extra pad at the end (TF's SAME, ONNX SAME_UPPER).
import { OpError } from './op.ts';

export type Padding = 'same' | 'valid' | [[number, number], [number, number]];

export interface Window {
  out: number;
  padBefore: number;
  padAfter: number;
}

/**
 * Output size and padding of one axis. `padding` is 'same', 'valid' or explicit [before, after];
 * `ceil` rounds the window count up (ONNX/PyTorch ceil_mode), never starting a window in the end pad.
 */
export function window1d(
  size: number, kernel: number, stride: number, dilation: number,
  padding: 'same' | 'valid' | [number, number], ceil = false,
): Window {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    const padBefore = Math.floor(total / 2);
    return { out, padBefore, padAfter: total - padBefore };
  }
  const [padBefore, padAfter] = padding === 'valid' ? [0, 0] : padding;
  const room = size + padBefore + padAfter - span;
  if (room < 0) return { out: 0, padBefore, padAfter };
  let out = (ceil ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + padBefore) out--;
  return { out, padBefore, padAfter };
}

/** Both spatial axes of an NHWC input [H, W, C]; throws an OpError naming the op when nothing fits. */
export function window2d(
  op: string, input: readonly number[], kernel: [number, number], strides: [number, number],
  dilation: [number, number], padding: Padding, ceil = false,
): [Window, Window] {
  const [H, W] = input;
  const ph = padding === 'same' || padding === 'valid' ? padding : padding[0];
  const pw = padding === 'same' || padding === 'valid' ? padding : padding[1];
  const h = window1d(H, kernel[0], strides[0], dilation[0], ph, ceil);
  const w = window1d(W, kernel[1], strides[1], dilation[1], pw, ceil);
  if (h.out <= 0 || w.out <= 0) {
    const span = `${(kernel[0] - 1) * dilation[0] + 1}×${(kernel[1] - 1) * dilation[1] + 1}`;
    throw new OpError(
      `${op} window ${span} does not fit the ${H}×${W} input with padding ${JSON.stringify(padding)}`,
      `use padding 'same', a smaller kernel or a larger input`,
    );
  }
  return [h, w];
}

export function expectRank(op: string, shape: readonly number[], rank: number, what = 'an H×W×C input'): void {
  if (shape.length !== rank)
    throw new OpError(`${op} needs ${what}, got ${shape.length === 0 ? 'a scalar' : shape.join('×')}`,
      rank === 3 && shape.length === 1 ? 'it follows a Flatten or Dense: move it before them, or Reshape to H×W×C' : undefined);
}
