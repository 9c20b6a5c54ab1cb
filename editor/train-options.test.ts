import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphFile } from '../src/index.ts';
import fashionCnn from '../examples/fashion-cnn.json';
import { TRAIN_DEFAULTS, TrainOptionError, batchProblem, kerasCode, kerasHistory, labelsFor, resolveTrainOptions, trainConfigs, trainProblem } from './train-options.ts';

describe('train options', () => {
  it('default to Keras: adam 0.001, batch 32, 1 epoch, no validation split, sparse crossentropy', () => {
    const o = resolveTrainOptions({});
    expect(o).toEqual(TRAIN_DEFAULTS);
    const { compile, fit } = trainConfigs(o);
    expect(compile.optimizer).toMatchObject({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(compile.loss).toEqual({ name: 'sparse_categorical_crossentropy', fromLogits: false });
    expect(fit).toMatchObject({ batchSize: 32, epochs: 1, validationSplit: 0, shuffle: true, seed: 0, stepsPerEpoch: undefined });
  });

  it("take the optimizer's own default learning rate unless one is given", () => {
    expect(trainConfigs(resolveTrainOptions({ optimizer: 'sgd' })).compile.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.01, momentum: 0 });
    expect(trainConfigs(resolveTrainOptions({ optimizer: 'rmsprop', learningRate: 0.01 })).compile.optimizer).toMatchObject({ name: 'rmsprop', learningRate: 0.01, rho: 0.9 });
  });

  it("map Keras' camel-cased names onto fit, and read the panel's text fields as numbers", () => {
    const o = resolveTrainOptions({ epochs: '3', batchSize: '64', validationSplit: '0.1', stepsPerEpoch: '5', seed: '7', learningRate: '' });
    expect(trainConfigs(o).fit).toMatchObject({ epochs: 3, batchSize: 64, validationSplit: 0.1, stepsPerEpoch: 5, seed: 7 });
    expect(o.learningRate).toBeUndefined();
  });

  it('say what is wrong, pointing snake_case to the camel-cased name', () => {
    expect(() => resolveTrainOptions({ batch_size: 32 })).toThrow("use 'batchSize'");
    expect(() => resolveTrainOptions({ epoch: 1 })).toThrow("unknown option 'epoch'");
    expect(() => resolveTrainOptions({ epochs: 0 })).toThrow('epochs must be a whole number ≥ 1');
    expect(() => resolveTrainOptions({ batchSize: 2.5 })).toThrow(TrainOptionError);
    // named as the panel labels them and Keras spells them
    expect(() => resolveTrainOptions({ batchSize: 0 })).toThrow('batch_size must be a whole number ≥ 1');
    expect(() => resolveTrainOptions({ stepsPerEpoch: 0 })).toThrow('steps_per_epoch must be a whole number ≥ 1');
    expect(() => resolveTrainOptions({ validationSplit: 1 })).toThrow('validation_split must be a fraction');
    expect(() => resolveTrainOptions({ learningRate: -1 })).toThrow('learning_rate must be a positive number');
    expect(() => resolveTrainOptions({ loss: 'hinge' })).toThrow("unknown loss 'hinge'");
    expect(() => resolveTrainOptions({ optimizer: 'adagrad' })).toThrow("unknown optimizer 'adagrad'");
    expect(() => resolveTrainOptions({ dataset: 'mnist' })).toThrow("unknown dataset 'mnist'");
  });

  it('show the Keras code they stand for', () => {
    expect(kerasCode(TRAIN_DEFAULTS)).toEqual([
      'model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
      'model.fit(x_train, y_train, batch_size=32, epochs=1)',
    ]);
    expect(kerasCode(resolveTrainOptions({ optimizer: 'sgd', loss: 'categorical_crossentropy', validationSplit: 0.1, stepsPerEpoch: 10, seed: 3 }))).toEqual([
      'keras.utils.set_random_seed(3)',
      'model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="categorical_crossentropy", metrics=["accuracy"])',
      'model.fit(x_train, keras.utils.to_categorical(y_train), batch_size=32, epochs=1, validation_split=0.1, steps_per_epoch=10)',
    ]);
  });
});

describe('whether a graph can train on Fashion-MNIST', () => {
  const fashion = fashionCnn as GraphFile;
  it('the fashion CNN can', () => {
    expect(trainProblem(analyzeGraph(fashion), [28, 28, 1], 10)).toBeNull();
  });
  it('an output of another size cannot, and the message says how to fix it', () => {
    const five = { ...fashion, nodes: fashion.nodes.map((n) => (n.id === 'classes' ? { ...n, attrs: { ...n.attrs, units: 5 } } : n)) };
    expect(trainProblem(analyzeGraph(five), [28, 28, 1], 10)).toMatch(/output 'dense' is 5, the data has 10 classes: end the network in a Dense of 10 units/);
  });
  it('an Input of another shape cannot', () => {
    const rgb = { ...fashion, nodes: fashion.nodes.map((n) => (n.op === 'Input' ? { ...n, attrs: { shape: [32, 32, 3] } } : n)) };
    expect(trainProblem(analyzeGraph(rgb), [28, 28, 1], 10)).toMatch(/Input 'input_1' is 32×32×3, the data's images are 28×28×1/);
  });
});

describe('labels and history', () => {
  it('one-hot for the non-sparse losses (keras.utils.to_categorical)', () => {
    const y = { shape: [2], data: Float32Array.from([2, 0]) };
    expect(labelsFor('sparse_categorical_crossentropy', y, 3)).toBe(y);
    expect(labelsFor('categorical_crossentropy', y, 3)).toEqual({ shape: [2, 3], data: Float32Array.from([0, 0, 1, 1, 0, 0]) });
  });
  it("Keras' History: val_ keys only with validation", () => {
    expect(kerasHistory([{ loss: 2, accuracy: 0.1 }])).toEqual({ history: { loss: [2], accuracy: [0.1] }, epoch: [0] });
    expect(kerasHistory([{ loss: 2, accuracy: 0.1, valLoss: 1.5, valAccuracy: 0.4 }, { loss: 1, accuracy: 0.6 }]).history)
      .toEqual({ loss: [2, 1], accuracy: [0.1, 0.6], val_loss: [1.5, NaN], val_accuracy: [0.4, NaN] });
  });
});

describe('datasets the user made', () => {
  it('a class set named in the list is a dataset; others are refused with the list', () => {
    expect(resolveTrainOptions({ dataset: 'my photos' }, ['fashion-mnist', 'my photos']).dataset).toBe('my photos');
    expect(() => resolveTrainOptions({ dataset: 'cats' }, ['fashion-mnist', 'my photos'])).toThrow("unknown dataset 'cats' (data sets: 'fashion-mnist', 'my photos'");
  });
  it('batchProblem: too few samples for one batch, validation included', () => {
    expect(batchProblem(12, { batchSize: 4, validationSplit: 0 })).toBeNull();
    expect(batchProblem(12, { batchSize: 32, validationSplit: 0 })).toBe('12 training samples make no batch of 32: set batch_size to 12 or less, or add images');
    expect(batchProblem(10, { batchSize: 8, validationSplit: 0.5 })).toBe('5 training samples (of 10, validation_split 0.5 held out) make no batch of 8: set batch_size to 5 or less, or add images');
  });
});
