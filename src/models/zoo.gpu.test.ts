// Zoo models on WebGPU against the CPU reference, without their classifiers at the smallest input Keras
// accepts (32, or 71 / 75 where Keras says so); the native sizes run in bench/zoo.ts. SwiftShader is a
// CPU and compiling each new pipeline takes it a second, so by default one model per family runs (the
// bigger variants repeat the same blocks); DEEPWIRE_ZOO_GPU=all runs all 26 (about 4 minutes).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { featureGraph } from './features.ts';
import { ZOO, zooModel } from './zoo.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

/**
 * Keras-initialised random weights with untrained batch norms shrink or grow activations layer after
 * layer (MobileNet's features come out near 1e-21, NASNet's near 10), so the outputs are compared
 * relative to the reference's largest magnitude: float32 precision does not depend on the scale.
 */
function expectCloseScaled(got: Float32Array, want: Float32Array): void {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale, 'the reference output is all zeros: the comparison would prove nothing').toBeGreaterThan(0);
  expectClose(got.map((v) => v / scale), want.map((v) => v / scale), TOLERANCE.conv);
}

const ONE_PER_FAMILY = [
  'Xception', 'VGG16', 'ResNet50', 'ResNet50V2', 'InceptionV3', 'InceptionResNetV2',
  'MobileNet', 'MobileNetV2', 'DenseNet121', 'NASNetMobile', 'EfficientNetB0',
];
const models = process.env.DEEPWIRE_ZOO_GPU === 'all' ? ZOO : ZOO.filter((e) => ONE_PER_FAMILY.includes(e.name));

describe.skipIf(!gpu)('zoo models on WebGPU = CPU reference (include_top=False, smallest input)', () => {
  for (const e of models)
    it(`${e.name} at ${Math.max(32, e.minSize)}×${Math.max(32, e.minSize)}`, async () => {
      const size = Math.max(32, e.minSize);
      const { gpu: out, reference, nodes } = await compareWithReference(engine!, zooModel(e.name, { include_top: false, input_shape: [size, size, 3] }));
      for (const id of nodes) expectCloseScaled(out.tensors.get(id)!.data, reference.get(id)!.data);
    });
});

describe.skipIf(!gpu)('feature extraction on WebGPU', () => {
  it("the lecture's VGG19 up to block4_pool", async () => {
    const full = zooModel('VGG19', { include_top: false, input_shape: [32, 32, 3] });
    const features = featureGraph(full, analyzeGraph(full), ['block4_pool']);
    expect(features.nodes.at(-1)!.name).toBe('block4_pool');
    expect(features.nodes.some((n) => n.name!.startsWith('block5'))).toBe(false);
    const { gpu: out, reference } = await compareWithReference(engine!, features, { batch: 2 });
    const got = out.tensors.get('block4_pool')!;
    expect(got.shape).toEqual([2, 2, 2, 512]);
    expectCloseScaled(got.data, reference.get('block4_pool')!.data);
  });

  it("a concat member that reads another member of the same concat (NASNet's reduction cell)", async () => {
    // x4 = add(x2, avg_pool(x1)) and concat([x2, x4]): both would live in the concat's buffer, and one
    // dispatch cannot bind that buffer twice for writing; the lowering gives x4 its own.
    const graph: GraphFile = {
      format: 'deepwire-graph', version: 1, outputs: ['cat'], nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [6, 6, 4] } },
        { id: 'x1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 1 } },
        { id: 'x2', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
        { id: 'pool', op: 'AveragePool2D', inputs: ['x1'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
        { id: 'x4', op: 'Add', inputs: ['x2', 'pool'] },
        { id: 'cat', op: 'Concatenate', inputs: ['x2', 'x4'] },
      ],
    };
    const { gpu: out, reference } = await compareWithReference(engine!, graph);
    expectClose(out.tensors.get('cat')!.data, reference.get('cat')!.data, TOLERANCE.conv);
  });
});
