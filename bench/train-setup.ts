// What the training benchmarks share (bench/train-step.ts: one engine's step in detail; bench/train.ts:
// deepwire against TF.js and PyTorch): a graph file checked, synthetic batches that are the same for
// every engine, and deepwire's trainer set up as `deepwire fit` sets it up.
import { readFileSync } from 'node:fs';
import { analyzeGraph, type GraphReport } from '../src/graph/analyze.ts';
import type { GraphFile } from '../src/graph/types.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { materializeWeights } from '../src/runtime/reference.ts';
import { tensor, type Tensor } from '../src/tensor.ts';
import { randomInput } from '../src/testing/compare.ts';
import { lossConfig, optimizerConfig, type CompileConfig } from '../src/train/config.ts';
import { GpuTrainer } from '../src/train/gpu-trainer.ts';
import { uniforms } from '../src/weights/random.ts';

export interface TrainModel {
  path: string;
  name: string;
  file: GraphFile;
  report: GraphReport;
  /** One sample's shape, without the batch. */
  inputShape: readonly number[];
  classes: number;
}

export function loadTrainModel(path: string): TrainModel {
  const file = JSON.parse(readFileSync(path, 'utf8')) as GraphFile;
  const report = analyzeGraph(file);
  if (!report.ok) throw new Error(`${path}: ${report.problems[0].message}`);
  const inputShape = report.nodes.find((r) => r.op === 'Input')!.shape!;
  const classes = report.byId.get(report.outputs[0])!.shape!.at(-1)!;
  return { path, name: file.name ?? path, file, report, inputShape, classes };
}

/** A softmax classifier's compile settings: sparse labels, Keras' defaults for `optimizer`. */
export const classifierCompile = (optimizer = 'adam'): CompileConfig => ({
  optimizer: optimizerConfig(optimizer),
  loss: lossConfig('sparse_categorical_crossentropy'),
  metrics: ['accuracy'],
});

/** Batch `i` of four that repeat: random images in [0, 1) and random class indices. */
export function syntheticBatch(model: TrainModel, batch: number, i: number): { x: Tensor; y: Tensor } {
  return {
    x: randomInput([batch, ...model.inputShape], `x${i % 4}`),
    y: tensor([batch], Array.from(uniforms(batch, i % 4, 'labels'), (u) => Math.floor(u * model.classes))),
  };
}

/** The model's initial weights (its graph's seed, as `deepwire fit` and `export-keras` draw them). */
export const initialWeights = (model: TrainModel) => materializeWeights(model.report, model.file.seed ?? 0);

export function createTrainer(engine: Engine, model: TrainModel, batch: number, optimizer = 'adam'): GpuTrainer {
  return GpuTrainer.create(engine, model.report, initialWeights(model), { batch, compile: classifierCompile(optimizer), seed: 1 });
}

/** How many steps to time: `steps`, or fewer (never under `least`) once they have taken `budgetMs`. */
export interface StepCount {
  warmup: number;
  steps: number;
  least: number;
  budgetMs: number;
}

/** Wall time of the timed calls of `step` after `warmup` untimed ones (pipelines, shaders, first allocations). */
export async function timeSteps({ warmup, steps, least, budgetMs }: StepCount, step: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await step(i);
  const times: number[] = [];
  let spent = 0;
  for (let i = warmup; times.length < steps && (times.length < least || spent < budgetMs); i++) {
    const t0 = performance.now();
    await step(i);
    times.push(performance.now() - t0);
    spent += times.at(-1)!;
  }
  return times;
}
