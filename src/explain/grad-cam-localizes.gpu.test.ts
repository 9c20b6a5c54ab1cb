// Grad-CAM finds the object: a small CNN trained here on WebGPU (GpuTrainer) to tell a red square from a
// blue one, each at a random place on grey noise, then asked where it looks on images it never saw. Only
// the square carries the colour that decides the class (the global average pool makes the net blind to
// where it is), so the map must peak on it. (The raw saliency map does not, here: on the saturated square
// the gradient is small, and a bluer background pixel raises "blue" too — the reason Grad-CAM exists.)
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { testGpu } from '../testing/gpu.ts';
import { lossConfig, optimizerConfig } from '../train/config.ts';
import { GpuTrainer } from '../train/gpu-trainer.ts';
import { uniforms } from '../weights/random.ts';
import { peakOf } from './heatmap.ts';
import { whereItLooks } from './where-it-looks.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const S = 16, SQUARE = 4;
const graph: GraphFile = {
  format: 'deepwire-graph', version: 1, seed: 1, outputs: ['probs'],
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [S, S, 3] } },
    { id: 'c1', name: 'c1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'c2', name: 'c2', op: 'Conv2D', inputs: ['c1'], attrs: { filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['c2'] },
    { id: 'probs', name: 'probs', op: 'Dense', inputs: ['gap'], attrs: { units: 2, activation: 'softmax' } },
  ],
};

/** n images: grey noise, a red (class 0) or blue (class 1) square at a random place; the squares' corners. */
function squares(n: number, key: string): { x: Tensor; y: Tensor; at: [number, number][] } {
  const u = uniforms(n * (S * S + 3), 3, key);
  const x = tensor([n, S, S, 3]), y = tensor([n]);
  const at: [number, number][] = [];
  for (let i = 0, k = 0; i < n; i++) {
    for (let p = 0; p < S * S; p++) x.data.fill(0.3 + 0.4 * u[k++], (i * S * S + p) * 3, (i * S * S + p + 1) * 3);
    const cls = u[k++] < 0.5 ? 0 : 1;
    const top = Math.floor(u[k++] * (S - SQUARE + 1)), left = Math.floor(u[k++] * (S - SQUARE + 1));
    for (let r = top; r < top + SQUARE; r++)
      for (let c = left; c < left + SQUARE; c++) x.data.set(cls === 0 ? [1, 0, 0] : [0, 0, 1], ((i * S + r) * S + c) * 3);
    y.data[i] = cls;
    at.push([top, left]);
  }
  return { x, y, at };
}

describe.skipIf(!engine)('Grad-CAM of a trained net', () => {
  it('peaks on the coloured square that decides the class', async () => {
    const report = analyzeGraph(graph);
    const compile = { optimizer: optimizerConfig('adam', { learningRate: 0.01 }), loss: lossConfig('sparse_categorical_crossentropy'), metrics: ['accuracy' as const] };
    const batch = 16;
    const trainer = GpuTrainer.create(engine!, report, materializeWeights(report, 1), { batch, compile, seed: 1 });
    let last = null;
    for (let step = 0; step < 80; step++) {
      const { x, y } = squares(batch, `train/${step}`);
      last = await trainer.step(x, y, { read: step >= 70 });
    }
    expect(last!.accuracy).toBeGreaterThan(0.9);
    const weights = await trainer.weights();
    trainer.destroy();

    const test = squares(6, 'test');
    for (let i = 0; i < 6; i++) {
      const x = { shape: [1, S, S, 3], data: test.x.data.slice(i * S * S * 3, (i + 1) * S * S * 3) };
      const r = await whereItLooks(engine, report, weights, x, { node: 'probs', class: test.y.data[i] }, { gradCam: 'c2' });
      const [top, left] = test.at[i];
      const inside = (p: { x: number; y: number }, margin: number) =>
        p.y >= top - margin && p.y < top + SQUARE + margin && p.x >= left - margin && p.x < left + SQUARE + margin;
      const cam = peakOf(r.gradCam!.map);
      expect(cam.value, `image ${i}: Grad-CAM is zero`).toBeGreaterThan(0);
      expect(inside(cam, 1), `image ${i}: Grad-CAM peaks at (${cam.x}, ${cam.y}), the square is at (${left}, ${top})`).toBe(true);
    }
  });
});
