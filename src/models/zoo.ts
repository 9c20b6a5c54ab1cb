// The Keras applications of the lecture's table as a registry: `zooModel('resnet50')` builds the graph
// keras.applications.ResNet50(weights=None) would, with its layer names and exact parameter counts.
// Names are case-insensitive and may carry the `zoo:` prefix the CLI uses.
import type { GraphFile } from '../graph/types.ts';
import { nearest } from '../ops/attrs.ts';
import { OpError } from '../ops/op.ts';
import type { ZooOptions } from './builder.ts';
import { DenseNet121, DenseNet169, DenseNet201 } from './densenet.ts';
import {
  EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7,
} from './efficientnet.ts';
import { InceptionResNetV2 } from './inception-resnet-v2.ts';
import { InceptionV3 } from './inception-v3.ts';
import { MobileNet } from './mobilenet.ts';
import { MobileNetV2 } from './mobilenet-v2.ts';
import { NASNetLarge, NASNetMobile } from './nasnet.ts';
import { ResNet101, ResNet101V2, ResNet152, ResNet152V2, ResNet50, ResNet50V2 } from './resnet.ts';
import { VGG16, VGG19 } from './vgg.ts';
import { Xception } from './xception.ts';

export type { ZooOptions } from './builder.ts';

export interface ZooEntry {
  /** Keras' function name: `ResNet50`. */
  name: string;
  family: string;
  /** Native (ImageNet) input side: the graph's default input is size×size×3. */
  inputSize: number;
  /** Smallest input side Keras accepts (obtain_input_shape's min_size). */
  minSize: number;
  build(options?: ZooOptions): GraphFile;
}

const entry = (name: string, family: string, inputSize: number, minSize: number, build: ZooEntry['build']): ZooEntry =>
  ({ name, family, inputSize, minSize, build });

/** In the lecture table's order. */
export const ZOO: readonly ZooEntry[] = [
  entry('Xception', 'Xception', 299, 71, Xception),
  entry('VGG16', 'VGG', 224, 32, VGG16),
  entry('VGG19', 'VGG', 224, 32, VGG19),
  entry('ResNet50', 'ResNet', 224, 32, ResNet50),
  entry('ResNet101', 'ResNet', 224, 32, ResNet101),
  entry('ResNet152', 'ResNet', 224, 32, ResNet152),
  entry('ResNet50V2', 'ResNetV2', 224, 32, ResNet50V2),
  entry('ResNet101V2', 'ResNetV2', 224, 32, ResNet101V2),
  entry('ResNet152V2', 'ResNetV2', 224, 32, ResNet152V2),
  entry('InceptionV3', 'Inception', 299, 75, InceptionV3),
  entry('InceptionResNetV2', 'Inception', 299, 75, InceptionResNetV2),
  entry('MobileNet', 'MobileNet', 224, 32, MobileNet),
  entry('MobileNetV2', 'MobileNet', 224, 32, MobileNetV2),
  entry('DenseNet121', 'DenseNet', 224, 32, DenseNet121),
  entry('DenseNet169', 'DenseNet', 224, 32, DenseNet169),
  entry('DenseNet201', 'DenseNet', 224, 32, DenseNet201),
  entry('NASNetMobile', 'NASNet', 224, 32, NASNetMobile),
  entry('NASNetLarge', 'NASNet', 331, 32, NASNetLarge),
  ...[224, 240, 260, 300, 380, 456, 528, 600].map((size, k) =>
    entry(`EfficientNetB${k}`, 'EfficientNet', size, 32,
      [EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7][k])),
];

/** The entry for `name` (`ResNet50`, `resnet50`, `zoo:ResNet50`); an OpError naming the closest otherwise. */
export function findZooEntry(name: string): ZooEntry {
  const key = name.replace(/^zoo:/i, '').toLowerCase();
  const found = ZOO.find((e) => e.name.toLowerCase() === key);
  if (found) return found;
  const guess = nearest(key, ZOO.map((e) => e.name));
  throw new OpError(`no model '${name.replace(/^zoo:/i, '')}' in the zoo`, guess ?? `the zoo has ${ZOO.map((e) => e.name).join(', ')}`);
}

/** Builds a zoo model as a graph; checks the options as Keras does, with messages instead of exceptions deep inside. */
export function zooModel(name: string, options: ZooOptions = {}): GraphFile {
  const e = findZooEntry(name);
  const shape = options.input_shape;
  if (shape !== undefined) {
    if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0))
      throw new OpError(`${e.name} input_shape must be [height, width, channels], got ${JSON.stringify(shape)}`, `e.g. [${e.inputSize}, ${e.inputSize}, 3]`);
    if (shape[0] < e.minSize || shape[1] < e.minSize)
      throw new OpError(`${e.name} needs an input of at least ${e.minSize}×${e.minSize}, got ${shape[0]}×${shape[1]}`, `use ${e.minSize}×${e.minSize} or more (native: ${e.inputSize}×${e.inputSize})`);
  }
  if (options.classes !== undefined && !(Number.isInteger(options.classes) && options.classes >= 1))
    throw new OpError(`classes must be a whole number ≥ 1, got ${options.classes}`, 'e.g. 1000 for ImageNet, 10 for CIFAR-10');
  return e.build(options);
}
