// What the data layer hands to fit(): inputs x and targets y, first axis the sample.
//
// x is a float32 Tensor [N, ...sample] (NHWC for images), already scaled as the model wants it.
// y is a float32 Tensor too: [N] holding class indices 0 … K−1 for the sparse losses (exact as float32
// up to 2^24 classes), or [N, K] for one-hot / regression targets (what Y.npy may hold). Float32 rather
// than Uint8Array: one type for every source (a Y.npy is float32 anyway, an image folder may have more
// than 256 classes) and the layout the GPU trainer uploads as it is.
import { OpError } from '../ops/op.ts';
import { formatShape, type Tensor } from '../tensor.ts';

export interface Dataset {
  x: Tensor;
  y: Tensor;
}

/** A classification set: y holds class indices into classNames. */
export interface ClassDataset extends Dataset {
  classNames: string[];
}

/** The number of samples (the first axis). */
export const sampleCount = (d: Dataset): number => d.x.shape[0];

/** x and y as a Dataset, after checking that they fit together; `what` names them in the messages. */
export function checkDataset(x: Tensor, y: Tensor, what = { x: 'x', y: 'y' }): Dataset {
  if (x.shape.length < 2)
    throw new OpError(`${what.x} has shape ${formatShape(x.shape)}; it needs a sample axis first and at least one more axis (N×features or N×H×W×C)`,
      'reshape it so that axis 0 counts the samples, e.g. x.reshape(N, -1) or x[..., None] for N×H×W');
  if (y.shape.length < 1)
    throw new OpError(`${what.y} is a scalar; it needs one target per sample (N labels, or N×K)`, 'save the labels as an array of length N');
  if (x.shape[0] !== y.shape[0])
    throw new OpError(`${what.x} has ${x.shape[0]} samples (${formatShape(x.shape)}) but ${what.y} has ${y.shape[0]} (${formatShape(y.shape)})`,
      'x and y need the same first axis: one target per sample');
  if (x.shape[0] === 0) throw new OpError(`${what.x} holds no samples (shape ${formatShape(x.shape)})`, 'give at least one sample');
  return { x, y };
}
