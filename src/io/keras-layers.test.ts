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

  const image = (node: Record<string, unknown>) => ({
    format: 'deepwire-graph', version: 1, outputs: ['y'],
    nodes: [{ id: 'x', op: 'Input', attrs: { shape: [9, 9, 8] } }, { id: 'y', name: 'layer', inputs: ['x'], ...node }],
  });

  it('ChannelShuffle (deepwire only), saying how Keras would shuffle', () => {
    for (const write of [() => exportKeras(image({ op: 'ChannelShuffle', attrs: { groups: 2 } })), () => exportKerasModel(image({ op: 'ChannelShuffle', attrs: { groups: 2 } }))])
      expect(write).toThrow('layer (ChannelShuffle): Keras has no ChannelShuffle layer');
  });

  it('a Conv2D with strides and dilation (imported from PyTorch), which Keras refuses; explicit conv padding still exports', () => {
    const strided = image({ op: 'Conv2D', attrs: { filters: 4, strides: 2, dilation_rate: 2, allow_strided_dilation: true } });
    for (const write of [() => exportKeras(strided), () => exportKerasModel(strided)])
      expect(write).toThrow('layer (Conv2D): allow_strided_dilation=true has no Keras equivalent');
    expect(exportKeras(image({ op: 'Conv2D', attrs: { filters: 4, padding: [[1, 0], [0, 1]] } })).script).toContain('ZeroPadding2D');
  });
});
