// fitDataToModel: targets in the shapes Keras accepts are reshaped; a dataset that does not fit the
// model or the loss is refused before anything runs, with a message that names the set, the sample,
// the layer and what to change.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { tensor } from '../tensor.ts';
import { lossConfig } from './config.ts';
import { fitDataToModel } from './fit.ts';

const classifier = analyzeGraph({
  format: 'deepwire-graph', version: 1,
  nodes: [
    { id: 'image', op: 'Input', attrs: { shape: [4, 4, 1] } },
    { id: 'flat', op: 'Flatten', inputs: ['image'] },
    { id: 'classes', op: 'Dense', attrs: { units: 3, activation: 'softmax' }, inputs: ['flat'] },
  ],
  outputs: ['classes'],
} as GraphFile);
const images = (n: number, shape = [4, 4, 1]) => tensor([n, ...shape], new Float32Array(n * shape.reduce((a, b) => a * b, 1)));
const SPARSE = lossConfig('sparse_categorical_crossentropy');

function refusal(data: { x: ReturnType<typeof images>; y: ReturnType<typeof tensor> }, loss = SPARSE, report = classifier): OpError {
  try {
    fitDataToModel(report, data, loss, 'training data');
  } catch (e) {
    expect(e).toBeInstanceOf(OpError);
    return e as OpError;
  }
  throw new Error('the data was accepted');
}

describe('fitDataToModel', () => {
  it('accepts class indices within the output\'s units, and one-hot targets for categorical_crossentropy', () => {
    expect(() => fitDataToModel(classifier, { x: images(3), y: tensor([3], [0, 2, 1]) }, SPARSE, 'training data')).not.toThrow();
    expect(() => fitDataToModel(classifier, { x: images(2), y: tensor([2, 3], [1, 0, 0, 0, 0, 1]) }, lossConfig('categorical_crossentropy'), 'training data')).not.toThrow();
  });

  it('takes targets in the shapes Keras accepts: class indices N×1, and N values for a one-value output', () => {
    expect(fitDataToModel(classifier, { x: images(2), y: tensor([2, 1], [2, 0]) }, SPARSE, 'training data').y).toEqual(tensor([2], [2, 0]));
    const binary = analyzeGraph({
      format: 'deepwire-graph', version: 1,
      nodes: [{ id: 'image', op: 'Input', attrs: { shape: [4, 4, 1] } }, { id: 'flat', op: 'Flatten', inputs: ['image'] }, { id: 'p', op: 'Dense', attrs: { units: 1, activation: 'sigmoid' }, inputs: ['flat'] }],
      outputs: ['p'],
    } as GraphFile);
    expect(fitDataToModel(binary, { x: images(2), y: tensor([2], [1, 0]) }, lossConfig('binary_crossentropy'), 'training data').y).toEqual(tensor([2, 1], [1, 0]));
  });

  it('refuses labels past the output\'s units, anywhere in the set, naming the layer that sets them', () => {
    const e = refusal({ x: images(4), y: tensor([4], [0, 1, 2, 11]) });
    expect(e.message).toBe("the training data has labels up to 11 (12 classes), but the output 'dense' [classes] has 3 values a sample, one a class");
    expect(e.hint).toBe("set the units of 'dense' [classes] to 12");
    // Through a softmax of its own to the Dense before it.
    const apart = analyzeGraph({
      format: 'deepwire-graph', version: 1,
      nodes: [{ id: 'image', op: 'Input', attrs: { shape: [4, 4, 1] } }, { id: 'flat', op: 'Flatten', inputs: ['image'] }, { id: 'logits', op: 'Dense', attrs: { units: 1 }, inputs: ['flat'] },
        { id: 'probs', op: 'Activation', attrs: { activation: 'sigmoid' }, inputs: ['logits'] }],
      outputs: ['probs'],
    } as GraphFile);
    const one = refusal({ x: images(2), y: tensor([2], [0, 1]) }, SPARSE, apart);
    expect(one.message).toBe("the training data has labels up to 1 (2 classes), but the output 'activation' [probs] has 1 value a sample, one a class");
    expect(one.hint).toBe("set the units of 'dense' [logits] to 2");
  });

  it('refuses a negative or fractional label, naming its sample', () => {
    expect(refusal({ x: images(3), y: tensor([3], [0, -1, 1]) }).message).toBe("the training data's label of sample 1 is -1: sparse labels are class indices");
    expect(refusal({ x: images(3), y: tensor([3], [0, 1, 1.5]) }).hint).toBe('give integers in 0…2');
  });

  it('says to add the channel axis to samples without one', () => {
    expect(refusal({ x: images(2, [4, 4]), y: tensor([2], [0, 1]) }).hint).toBe('add the channel axis to the samples: x[..., None] in NumPy (2×4×4×1)');
  });

  it('refuses samples of another shape than the Input\'s, before the labels', () => {
    const e = refusal({ x: images(2, [28, 28, 1]), y: tensor([2], [0, 9]) });
    expect(e.message).toBe("the training data's samples are 28×28×1, but the graph's Input 'input_1' [image] takes 4×4×1");
    expect(e.hint).toBe('give data of that shape, or change the Input\'s shape to 28×28×1');
  });

  it('points a loss that wants targets shaped like the output at the sparse loss when the data holds class indices', () => {
    const e = refusal({ x: images(2), y: tensor([2], [0, 1]) }, lossConfig('mean_squared_error'));
    expect(e.message).toBe("mean_squared_error compares the output 'dense' [classes] (3 a sample) with targets of that shape; the training data's are one value a sample");
    expect(e.hint).toBe('use sparse_categorical_crossentropy (the default loss) for class indices');
  });

  it('points one-hot targets under the sparse loss at categorical_crossentropy, other shapes at a reshape', () => {
    expect(refusal({ x: images(2), y: tensor([2, 3], [1, 0, 0, 0, 1, 0]) }).hint).toBe('use categorical_crossentropy for one-hot targets');
    expect(refusal({ x: images(2), y: tensor([2, 2], [1, 0, 0, 1]) }).hint).toBe('give one class index a sample: y.reshape(N) in NumPy');
  });

  it('tells a graph whose output is not a classifier how to end in one', () => {
    const maps = analyzeGraph({
      format: 'deepwire-graph', version: 1,
      nodes: [{ id: 'image', op: 'Input', attrs: { shape: [4, 4, 1] } }, { id: 'conv', op: 'Conv2D', attrs: { filters: 8, kernel_size: 3, padding: 'same' }, inputs: ['image'] }],
      outputs: ['conv'],
    } as GraphFile);
    // A class index per pixel (segmentation) is what it takes, with or without the trailing axis of 1.
    const perPixel = Array.from({ length: 32 }, (_, i) => i % 8);
    expect(fitDataToModel(maps, { x: images(2), y: tensor([2, 4, 4], perPixel) }, SPARSE, 'training data').y.shape).toEqual([2, 4, 4]);
    expect(fitDataToModel(maps, { x: images(2), y: tensor([2, 4, 4, 1], perPixel) }, SPARSE, 'training data').y.shape).toEqual([2, 4, 4]);
    const e = refusal({ x: images(2), y: tensor([2], [0, 1]) }, SPARSE, maps);
    expect(e.message).toBe("sparse_categorical_crossentropy takes a class index per row of the output 'conv2d' [conv] (4×4×8 a sample: 4×4 labels a sample); the training data has one");
    expect(e.hint).toMatch(/^for one class a sample, end the graph in a classifier/);
  });
});
