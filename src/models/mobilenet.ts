// MobileNet (Howard et al. 2017) as keras.applications builds it at alpha 1, depth multiplier 1:
// a strided 3×3 conv, then 13 depthwise-separable blocks (DepthwiseConv2D–BN–ReLU6, 1×1 Conv2D–BN–ReLU6),
// and a 1×1-conv classifier. Reference: keras/src/applications/mobilenet.py.
import { ModelBuilder, inputShapeOf, type ZooOptions } from './builder.ts';

/** 3×3 depthwise (explicitly padded when strided) then 1×1 pointwise, each with BN and ReLU6. */
export function depthwiseConvBlock(b: ModelBuilder, x: string, pointwiseFilters: number, blockId: number, strides = 1): string {
  if (strides !== 1) x = b.pad(x, [[0, 1], [0, 1]], `conv_pad_${blockId}`);
  x = b.depthwise(x, 3, { padding: strides === 1 ? 'same' : 'valid', depth_multiplier: 1, strides, use_bias: false, name: `conv_dw_${blockId}` });
  x = b.bn(x, { name: `conv_dw_${blockId}_bn` });
  x = b.relu6(x, `conv_dw_${blockId}_relu`);
  x = b.conv(x, pointwiseFilters, 1, { padding: 'same', use_bias: false, strides: 1, name: `conv_pw_${blockId}` });
  x = b.bn(x, { name: `conv_pw_${blockId}_bn` });
  return b.relu6(x, `conv_pw_${blockId}_relu`);
}

/** [pointwise filters, stride] of blocks 1…13. */
const BLOCKS: [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

export function MobileNet(o: ZooOptions & { dropout?: number } = {}) {
  const shape = inputShapeOf(o, 224);
  const b = new ModelBuilder(`mobilenet_1.00_${shape[0]}`);
  let x = b.input(shape);
  x = b.conv(x, 32, 3, { padding: 'same', use_bias: false, strides: 2, name: 'conv1' });
  x = b.bn(x, { name: 'conv1_bn' });
  x = b.relu6(x, 'conv1_relu');
  BLOCKS.forEach(([filters, strides], i) => (x = b.group(`conv_block_${i + 1}`, () => depthwiseConvBlock(b, x, filters, i + 1, strides))));
  if (o.include_top ?? true) {
    const classes = o.classes ?? 1000;
    x = b.globalAvgPool(x, { keepdims: true });
    x = b.layer('Dropout', x, { rate: o.dropout ?? 1e-3, name: 'dropout' });
    x = b.conv(x, classes, 1, { padding: 'same', name: 'conv_preds' });
    x = b.layer('Reshape', x, { target_shape: [classes], name: 'reshape_2' });
    x = b.act(x, o.classifier_activation ?? 'softmax', 'predictions');
  } else if (o.pooling === 'avg') x = b.globalAvgPool(x);
  else if (o.pooling === 'max') x = b.globalMaxPool(x);
  return b.graph([x]);
}
