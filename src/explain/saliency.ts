// A saliency map (Simonyan, Vedaldi and Zisserman 2014, "Deep Inside Convolutional Networks"): how much
// each input pixel moves the score — |d score/d x| at each pixel, the largest over its colour channels.
import { OpError } from '../ops/op.ts';
import type { Tensor } from '../tensor.ts';
import type { Heatmap } from './heatmap.ts';

/** The saliency map of d score/d input [1, H, W, C]. */
export function saliencyMap(inputGradient: Tensor): Heatmap {
  if (inputGradient.shape.length !== 4) throw new OpError(`a saliency map needs an H×W×C input; this one is ${inputGradient.shape.slice(1).join('×')}`, 'feed the graph a photo-shaped Input');
  const [, H, W, C] = inputGradient.shape;
  const data = new Float32Array(H * W);
  for (let p = 0; p < H * W; p++) {
    let m = 0;
    for (let c = 0; c < C; c++) m = Math.max(m, Math.abs(inputGradient.data[p * C + c]));
    data[p] = m;
  }
  return { width: W, height: H, data };
}
