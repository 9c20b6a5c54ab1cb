// Every zoo model on WebGPU against the CPU reference, without its classifier at a reduced input (the
// native sizes run in bench/zoo.ts), and the lecture's feature extraction: VGG19 up to block4_pool.
// SwiftShader is a CPU: sizes are the smallest Keras accepts (32, or 71 / 75 where Keras says so).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { Engine } from '../runtime/engine.ts';
import { compareWithReference } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { featureGraph } from './features.ts';
import { ZOO, zooModel } from './zoo.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const only = process.env.ZOO_MODELS?.split(',');

describe.skipIf(!gpu)('zoo models on WebGPU = CPU reference (include_top=False, reduced input)', () => {
  for (const e of ZOO.filter((e) => !only || only.includes(e.name))) {
    it(e.name, async () => {
      const size = Math.max(32, e.minSize);
      const graph = zooModel(e.name, { include_top: false, input_shape: [size, size, 3] });
      const t0 = performance.now();
      const { gpu: out, reference, nodes } = await compareWithReference(engine!, graph);
      console.log(e.name, size, ((performance.now() - t0) / 1000).toFixed(1), 's');
      for (const id of nodes) expectClose(out.tensors.get(id)!.data, reference.get(id)!.data, TOLERANCE.conv);
    });
  }
});
