// The zoo against Keras: every row of the lecture's applications table to the unit (with the top, 1000
// classes), the trainable / non-trainable split model.summary() prints, Keras' layer names and shapes,
// the options, and both meanings of "depth". Analysis only: nothing big runs here.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { modelDepth } from './depth.ts';
import { findZooEntry, ZOO, zooModel } from './zoo.ts';

/**
 * [lecture's Parameters, Keras' trainable, non-trainable, lecture's Depth (null: '-'), keras.io's
 * current Depth (layers with weights)]. Non-trainable: BatchNormalization's moving mean and variance,
 * and EfficientNet's Normalization mean, variance and count (3 + 3 + 1).
 */
const TABLE: Record<string, [number, number, number, number | null, number]> = {
  Xception: [22_910_480, 22_855_952, 54_528, 126, 81],
  VGG16: [138_357_544, 138_357_544, 0, 23, 16],
  VGG19: [143_667_240, 143_667_240, 0, 26, 19],
  ResNet50: [25_636_712, 25_583_592, 53_120, null, 107],
  ResNet101: [44_707_176, 44_601_832, 105_344, null, 209],
  ResNet152: [60_419_944, 60_268_520, 151_424, null, 311],
  ResNet50V2: [25_613_800, 25_568_360, 45_440, null, 103],
  ResNet101V2: [44_675_560, 44_577_896, 97_664, null, 205],
  ResNet152V2: [60_380_648, 60_236_904, 143_744, null, 307],
  InceptionV3: [23_851_784, 23_817_352, 34_432, 159, 189],
  InceptionResNetV2: [55_873_736, 55_813_192, 60_544, 572, 449],
  MobileNet: [4_253_864, 4_231_976, 21_888, 88, 55],
  MobileNetV2: [3_538_984, 3_504_872, 34_112, 88, 105],
  DenseNet121: [8_062_504, 7_978_856, 83_648, 121, 242],
  DenseNet169: [14_307_880, 14_149_480, 158_400, 169, 338],
  DenseNet201: [20_242_984, 20_013_928, 229_056, 201, 402],
  NASNetMobile: [5_326_716, 5_289_978, 36_738, null, 389],
  NASNetLarge: [88_949_818, 88_753_150, 196_668, null, 533],
  EfficientNetB0: [5_330_571, 5_288_548, 42_023, null, 132],
  EfficientNetB1: [7_856_239, 7_794_184, 62_055, null, 186],
  EfficientNetB2: [9_177_569, 9_109_994, 67_575, null, 186],
  EfficientNetB3: [12_320_535, 12_233_232, 87_303, null, 210],
  EfficientNetB4: [19_466_823, 19_341_616, 125_207, null, 258],
  EfficientNetB5: [30_562_527, 30_389_784, 172_743, null, 312],
  EfficientNetB6: [43_265_143, 43_040_704, 224_439, null, 360],
  EfficientNetB7: [66_658_687, 66_347_960, 310_727, null, 438],
};

const analyze = (name: string, options = {}) => {
  const report = analyzeGraph(zooModel(name, options));
  expect(report.problems).toEqual([]);
  return report;
};
const errorOf = (f: () => unknown): { message: string; hint?: string } => {
  try {
    f();
  } catch (e) {
    return e as { message: string; hint?: string };
  }
  throw new Error('expected an error');
};
const shapeOf = (report: ReturnType<typeof analyzeGraph>, name: string) => report.nodes.find((r) => r.name === name)?.shape;

describe('the lecture table, with the top (1000 classes)', () => {
  it('lists every row, in order, and nothing else', () => {
    expect(ZOO.map((e) => e.name)).toEqual(Object.keys(TABLE));
  });

  for (const [name, [params, trainable, nonTrainable]] of Object.entries(TABLE))
    it(`${name}: ${params.toLocaleString('en-US')} parameters, ${nonTrainable.toLocaleString('en-US')} of them non-trainable`, () => {
      const { totals } = analyze(name);
      expect(totals.params).toBe(params);
      expect([totals.trainable, totals.nonTrainable]).toEqual([trainable, nonTrainable]);
    });
});

describe('depth', () => {
  // The lecture's column is topological depth. IRV2: Keras' one scale layer per block is a Rescaling
  // then an Add here (no scale-add op), one more layer on the path in each of 40 blocks. DenseNet's
  // column holds the name (121 = conv and dense layers); MobileNet's 88 comes from an older Keras
  // whose classifier and padding layers differed; MobileNetV2's repeats MobileNet's.
  const LECTURE_MEANING: Record<string, (d: ReturnType<typeof modelDepth>, convs: number) => number> = {
    Xception: (d) => d.topological, VGG16: (d) => d.topological, VGG19: (d) => d.topological, InceptionV3: (d) => d.topological,
    InceptionResNetV2: (d) => d.topological - 40,
    DenseNet121: (_d, convs) => convs, DenseNet169: (_d, convs) => convs, DenseNet201: (_d, convs) => convs,
  };

  for (const [name, [, , , lectureDepth, kerasIoDepth]] of Object.entries(TABLE))
    it(`${name}: ${kerasIoDepth} layers with weights${lectureDepth ? `; the lecture's ${lectureDepth}` : ''}`, () => {
      const report = analyze(name);
      const depth = modelDepth(report);
      expect(depth.weighted).toBe(kerasIoDepth);
      const convs = report.nodes.filter((r) => ['Conv2D', 'Dense'].includes(r.op)).length;
      if (LECTURE_MEANING[name]) expect(LECTURE_MEANING[name](depth, convs)).toBe(lectureDepth);
    });

  it('MobileNet and MobileNetV2 are deeper here than the lecture says (see above)', () => {
    expect(modelDepth(analyze('MobileNet')).topological).toBe(91);
    expect(modelDepth(analyze('MobileNetV2')).topological).toBe(156);
  });

  it('counts the longest path, not the layers: a branch beside it adds nothing', () => {
    const report = analyzeGraph({
      format: 'deepwire-graph', version: 1, outputs: ['cat'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [4, 4, 2] } },
        { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 1 } },
        { id: 'b', op: 'BatchNormalization', inputs: ['a'] },
        { id: 'p', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 1 } },
        { id: 'cat', op: 'Concatenate', inputs: ['b', 'p'] },
      ],
    });
    expect(modelDepth(report)).toEqual({ topological: 4, weighted: 2 });
  });
});

describe("Keras' layer names and shapes at the native size", () => {
  const CASES: Record<string, Record<string, number[]>> = {
    VGG19: { block4_pool: [14, 14, 512], block5_conv4: [14, 14, 512], flatten: [25088], fc2: [4096] },
    ResNet50: { conv1_pad: [230, 230, 3], conv2_block1_1_conv: [56, 56, 64], conv4_block6_out: [14, 14, 1024], conv5_block3_out: [7, 7, 2048], avg_pool: [2048] },
    // v2 strides in the LAST block of a stack; its identity shortcut is an unnamed 1×1 max pool
    ResNet50V2: { conv2_block3_2_pad: [58, 58, 64], max_pooling2d: [28, 28, 256], conv4_block6_out: [7, 7, 1024], post_relu: [7, 7, 2048] },
    Xception: { block2_sepconv2_act: [147, 147, 128], conv2d: [74, 74, 128], conv2d_3: [10, 10, 1024], add_11: [10, 10, 1024], block14_sepconv2_act: [10, 10, 2048] },
    // conv2d_bn layers are unnamed: Keras' counters give conv2d … conv2d_93
    InceptionV3: { conv2d: [149, 149, 32], mixed7: [17, 17, 768], mixed9_1: [8, 8, 768], conv2d_93: [8, 8, 192], batch_normalization_93: [8, 8, 192], mixed10: [8, 8, 2048] },
    InceptionResNetV2: { mixed_5b: [35, 35, 320], mixed_6a: [17, 17, 1088], mixed_7a: [8, 8, 2080], block8_10: [8, 8, 2080], conv_7b_ac: [8, 8, 1536] },
    MobileNet: { conv_pad_12: [15, 15, 512], conv_pw_13_relu: [7, 7, 1024], conv_preds: [1, 1, 1000], reshape_2: [1000] },
    MobileNetV2: { expanded_conv_project_BN: [112, 112, 16], block_1_pad: [113, 113, 96], block_16_project_BN: [7, 7, 320], out_relu: [7, 7, 1280] },
    DenseNet121: { pool1: [56, 56, 64], conv2_block6_concat: [56, 56, 256], pool4_pool: [7, 7, 512], conv5_block16_concat: [7, 7, 1024], relu: [7, 7, 1024] },
    NASNetMobile: { stem_bn1: [111, 111, 32], reduction_concat_stem_1: [56, 56, 44], adjust_bn_0: [28, 28, 44], normal_concat_12: [7, 7, 1056] },
    NASNetLarge: { stem_bn1: [165, 165, 96], normal_concat_18: [11, 11, 4032] },
    EfficientNetB0: { normalization: [224, 224, 3], stem_conv_pad: [225, 225, 3], block1a_se_excite: [112, 112, 32], block2b_drop: [56, 56, 24], top_activation: [7, 7, 1280] },
    EfficientNetB7: { stem_conv: [300, 300, 64], block7d_add: [19, 19, 640], top_conv: [19, 19, 2560] },
  };
  for (const [model, layers] of Object.entries(CASES))
    it(model, () => {
      const report = analyze(model);
      for (const [layer, shape] of Object.entries(layers)) expect([layer, shapeOf(report, layer)]).toEqual([layer, shape]);
    });

  it('every node id is its Keras name, unique', () => {
    for (const e of ZOO) {
      const { nodes } = e.build();
      expect(nodes.every((n) => n.id === n.name)).toBe(true);
      expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    }
  });
});

describe('options', () => {
  it('include_top=False: the 4-D features, and the parameter counts Keras prints for them', () => {
    const NO_TOP: Record<string, [number, number[]]> = {
      VGG16: [14_714_688, [7, 7, 512]], ResNet50: [23_587_712, [7, 7, 2048]],
      InceptionV3: [21_802_784, [8, 8, 2048]], MobileNetV2: [2_257_984, [7, 7, 1280]],
    };
    for (const [name, [params, shape]] of Object.entries(NO_TOP)) {
      const report = analyze(name, { include_top: false });
      expect([name, report.totals.params, report.byId.get(report.outputs[0])!.shape]).toEqual([name, params, shape]);
    }
  });

  it("pooling 'avg' and 'max' without the top, named as each family names them", () => {
    const avg = analyze('ResNet50', { include_top: false, pooling: 'avg' });
    expect([avg.outputs, avg.byId.get('avg_pool')!.shape]).toEqual([['avg_pool'], [2048]]);
    expect(analyze('DenseNet121', { include_top: false, pooling: 'max' }).outputs).toEqual(['max_pool']);
    const xception = analyze('Xception', { include_top: false, pooling: 'max' });
    expect([xception.outputs, xception.byId.get('global_max_pooling2d')!.op]).toEqual([['global_max_pooling2d'], 'GlobalMaxPool2D']);
  });

  it('classes and classifier_activation shape the classifier', () => {
    const report = analyze('ResNet50', { classes: 10, classifier_activation: 'linear' });
    const predictions = report.byId.get('predictions')!;
    expect([predictions.shape, predictions.attrs.activation]).toEqual([[10], 'linear']);
    expect(report.totals.params).toBe(25_636_712 - 2049 * 1000 + 2049 * 10);
    expect(analyze('MobileNet', { classes: 10 }).byId.get('reshape_2')!.shape).toEqual([10]);
  });

  it('input_shape sizes everything that follows; odd sizes get the other correct_pad', () => {
    const report = analyze('MobileNetV2', { include_top: false, input_shape: [225, 225, 3] });
    expect(report.byId.get('block_1_pad')!.attrs.padding).toEqual([[1, 1], [1, 1]]);
    expect(analyze('MobileNetV2').byId.get('block_1_pad')!.attrs.padding).toEqual([[0, 1], [0, 1]]);
    expect(report.byId.get('out_relu')!.shape).toEqual([8, 8, 1280]);
    // parameters do not depend on the input size, NASNet's adjust blocks included
    for (const name of ['NASNetMobile', 'EfficientNetB3', 'Xception'])
      expect(analyze(name, { include_top: false, input_shape: [96, 128, 3] }).totals.params).toBe(analyze(name, { include_top: false }).totals.params);
  });

  it('each entry builds at its native and at its smallest input', () => {
    for (const e of ZOO) {
      expect(analyze(e.name).byId.get('input_1')!.shape).toEqual([e.inputSize, e.inputSize, 3]);
      analyze(e.name, { include_top: false, input_shape: [e.minSize, e.minSize, 3] });
    }
  });
});

describe('names and errors', () => {
  it('finds models case-insensitively, with or without zoo:', () => {
    expect(findZooEntry('zoo:ResNet50').name).toBe('ResNet50');
    expect(findZooEntry('resnet50').name).toBe('ResNet50');
    expect(findZooEntry('ZOO:efficientnetb3').name).toBe('EfficientNetB3');
    expect(zooModel('vgg16')).toEqual(zooModel('VGG16'));
  });

  it('suggests the nearest name, or lists the zoo', () => {
    expect(errorOf(() => findZooEntry('zoo:resnet5'))).toMatchObject({ message: "no model 'resnet5' in the zoo", hint: "did you mean 'ResNet50'?" });
    expect(errorOf(() => findZooEntry('AlexNet')).hint).toMatch(/^the zoo has Xception, VGG16, .*, EfficientNetB7$/);
  });

  it('refuses inputs Keras refuses', () => {
    expect(() => zooModel('InceptionV3', { input_shape: [64, 64, 3] })).toThrow('InceptionV3 needs an input of at least 75×75, got 64×64');
    expect(() => zooModel('ResNet50', { input_shape: [224, 224] })).toThrow('ResNet50 input_shape must be [height, width, channels], got [224,224]');
    expect(() => zooModel('ResNet50', { classes: 0 })).toThrow('classes must be a whole number ≥ 1, got 0');
  });
});
