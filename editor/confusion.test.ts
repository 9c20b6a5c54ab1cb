import { describe, expect, it } from 'vitest';
import { accuracyOf, confusionOf } from './confusion.ts';

const names = ['cat', 'dog', 'bird'];

describe('confusion matrix', () => {
  it('counts each image at [true][predicted] and lists the wrong ones, most confident first', () => {
    const outputs = [
      0.8, 0.1, 0.1, // cat → cat
      0.2, 0.7, 0.1, // cat → dog (0.7)
      0.1, 0.1, 0.8, // dog → bird (0.8)
      0.1, 0.9, 0.0, // dog → dog
      0.3, 0.3, 0.4, // bird → bird
      0.5, 0.5, 0.0, // bird → cat (a tie: the first, as numpy's argmax)
    ];
    const e = confusionOf(outputs, [0, 0, 1, 1, 2, 2], names, 'validation');
    expect(e.matrix).toEqual([[1, 1, 0], [0, 1, 1], [1, 0, 1]]);
    expect(e.misclassified).toEqual([
      { index: 2, label: 1, predicted: 2, confidence: 0.8 },
      { index: 1, label: 0, predicted: 1, confidence: 0.7 },
      { index: 5, label: 2, predicted: 0, confidence: 0.5 },
    ]);
    expect(accuracyOf(e)).toBeCloseTo(0.5);
    expect(confusionOf(outputs, [0, 0, 1, 1, 2, 2], names, 'test', 1).misclassified).toHaveLength(1);
  });

  it('says what is wrong with outputs or labels that do not fit the classes', () => {
    expect(() => confusionOf([0.5, 0.5], [0], names, 'test')).toThrow('the model gave 2 scores for 1 images of 3 classes');
    expect(() => confusionOf([0.5, 0.2, 0.3], [3], names, 'test')).toThrow('label 3 of image 0 is not one of the 3 classes');
  });
});
