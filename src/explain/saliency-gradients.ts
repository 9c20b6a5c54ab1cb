// The gradients a saliency map and Grad-CAM read, on WebGPU: the training compiler's probe mode
// (src/train/lower-training.ts) over the inference graph of the score (saliency-target.ts) — forward
// with every tensor kept, dL/d(output) = the seed instead of a loss, each node's backward
// (src/train/backward/), no optimizer — then d score/d input and, for Grad-CAM, the layer's
// activations and d score/d them, read back in one submit.
import { CompiledGraph, type Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import { lossConfig, optimizerConfig } from '../train/config.ts';
import { gradientId, LABELS, lowerTraining, STATE, STATE_WORDS } from '../train/lower-training.ts';
import type { GradientProblem } from './saliency-target.ts';

type Weights = Map<string, Record<string, Tensor>>;

export interface ScoreGradients {
  /** The score: Σ seed · (the score node's output). */
  score: number;
  /** The score node's output, [1, ...shape]. */
  output: Tensor;
  /** d score/d input, [1, H, W, C]. */
  input: Tensor;
  /** Grad-CAM's layer: its activations A and d score/dA, both [1, H, W, C]. */
  cam?: { activation: Tensor; gradient: Tensor };
}

/** Σ seed · output, in float64. */
export function scoreOf(seed: Tensor, output: Tensor): number {
  let s = 0;
  for (let i = 0; i < seed.data.length; i++) if (seed.data[i]) s += seed.data[i] * output.data[i];
  return s;
}

// Probe mode takes no loss: the config only fixes the label shape (the output's own, as mean_squared_error's).
const COMPILE = { optimizer: optimizerConfig('sgd'), loss: lossConfig('mean_squared_error'), metrics: [] };

/** The score's gradients for one image x [1, H, W, C] (module comment). `weights` by node id, as stored. */
export async function gradientsOnGpu(engine: Engine, problem: GradientProblem, weights: Weights, x: Tensor): Promise<ScoreGradients> {
  const { graph, input, score, seed, camLayer } = problem;
  const lower = () => lowerTraining(graph, weights, {
    batch: 1, compile: COMPILE, probe: true, probeGradients: camLayer ? [camLayer] : [],
    kernels: { convKernel: engine.convKernel, subgroups: engine.info.features.subgroups, avoidKernels: new Set(engine.unbuildable) },
  });
  const training = lower();
  engine.checkLimits(training.plan);
  const read = [gradientId(input), score, ...(camLayer ? [camLayer, gradientId(camLayer)] : [])];
  const compiled = new CompiledGraph(engine, training.plan, new Set([...training.kept, ...read]), () => lower().plan);
  try {
    const feeds: Record<string, Tensor> = {
      [input]: x, [LABELS]: seed, [STATE]: { shape: [STATE_WORDS], data: new Float32Array(STATE_WORDS) },
    };
    const got = (await compiled.run(feeds, { read })).tensors;
    const output = got.get(score)!;
    return {
      score: scoreOf(seed, output), output, input: got.get(gradientId(input))!,
      cam: camLayer ? { activation: got.get(camLayer)!, gradient: got.get(gradientId(camLayer))! } : undefined,
    };
  } finally {
    compiled.destroy();
  }
}
