// What no Keras layer expresses is refused by both Keras exports, naming the node and saying what to do.
import { describe, expect, it } from 'vitest';
import { exportKeras } from './keras-export.ts';
import { exportKerasModel } from './keras-model-export.ts';

describe('kerasModel refusals', () => {
  const divide = {
    format: 'deepwire-graph', version: 1, outputs: ['q'],
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [4] } },
      { id: 'y', op: 'Input', attrs: { shape: [4] } },
      { id: 'q', op: 'Divide', name: 'ratio', inputs: ['x', 'y'] },
    ],
  };
  it('Divide (deepwire only) in the script and in the model', () => {
    for (const write of [() => exportKeras(divide), () => exportKerasModel(divide)])
      expect(write).toThrow('ratio (Divide): Keras has no Divide layer');
  });
});
