// VGG16 and VGG19 (Simonyan & Zisserman 2014) as keras.applications builds them: five blocks of
// 3×3 'same' convs with ReLU and a 2×2 max pool, then Flatten and fc1, fc2 (4096) and predictions.
// Reference: keras/src/applications/vgg16.py, vgg19.py.
import { ModelBuilder, inputShapeOf, type ZooOptions } from './builder.ts';

/** Convs per block: VGG16 [2, 2, 3, 3, 3], VGG19 [2, 2, 4, 4, 4]. */
function vgg(modelName: string, convsPerBlock: number[], o: ZooOptions) {
  const b = new ModelBuilder(modelName);
  let x = b.input(inputShapeOf(o, 224));
  convsPerBlock.forEach((convs, i) => {
    const filters = [64, 128, 256, 512, 512][i];
    const start = b.nodes.length;
    for (let j = 1; j <= convs; j++)
      x = b.conv(x, filters, 3, { activation: 'relu', padding: 'same', name: `block${i + 1}_conv${j}` });
    x = b.maxPool(x, 2, { strides: 2, name: `block${i + 1}_pool` });
    b.groupSince(`block${i + 1}`, start);
  });
  if (o.include_top ?? true) {
    x = b.layer('Flatten', x, { name: 'flatten' });
    x = b.dense(x, 4096, { activation: 'relu', name: 'fc1' });
    x = b.dense(x, 4096, { activation: 'relu', name: 'fc2' });
    x = b.dense(x, o.classes ?? 1000, { activation: o.classifier_activation ?? 'softmax', name: 'predictions' });
  } else if (o.pooling === 'avg') x = b.globalAvgPool(x);
  else if (o.pooling === 'max') x = b.globalMaxPool(x);
  return b.graph([x]);
}

export const VGG16 = (o: ZooOptions = {}) => vgg('vgg16', [2, 2, 3, 3, 3], o);
export const VGG19 = (o: ZooOptions = {}) => vgg('vgg19', [2, 2, 4, 4, 4], o);
