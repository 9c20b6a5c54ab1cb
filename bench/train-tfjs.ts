// TF.js 4.22 training on its WebGPU backend in Node, on the same Dawn adapter deepwire uses: the device
// is opened by deepwire's own acquireDevice (same adapter, same limits) and handed to TF.js'
// WebGPUBackend, so both engines run on one adapter in one process and each device's buffers are
// counted apart (gpu-memory.ts). The model is the graph as `export-keras` writes it (Keras model JSON
// + the graph's seeded initial weights), opened with tf.loadLayersModel and trained with trainOnBatch:
// TF.js Layers' own layers, gradients and optimizer, the same start as deepwire's trainer.
import * as tf from '@tensorflow/tfjs';
import { exportKerasModel } from '../src/io/keras-model-export.ts';
import { acquireDevice, getGpu } from '../src/runtime/device.ts';
import { layersModelFromMemory } from '../src/testing/tfjs-oracle.ts';
import type { AdamConfig } from '../src/train/config.ts';
import { gpuMemoryOf } from './gpu-memory.ts';
import { syntheticBatch, timeSteps, type StepCount, type TrainModel } from './train-setup.ts';

export interface TrainRun {
  /** Wall time of each timed step, input upload and the loss read back included. */
  stepMs: number[];
  /** Peak bytes of GPU buffers on the engine's device from building the model to the last step. */
  peakGpuBytes: number;
}

/** The backend reads navigator.gpu (Node 20 has no navigator): the `webgpu` package's, which deepwire opens too. */
async function exposeNavigatorGpu(): Promise<void> {
  const gpu = await getGpu();
  if (!gpu) throw new Error('no WebGPU in this runtime');
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
}

export async function trainTfjsWebgpu(model: TrainModel, batch: number, count: StepCount, adam: AdamConfig): Promise<TrainRun> {
  await exposeNavigatorGpu();
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const info = await acquireDevice();
  if (!info) throw new Error('no WebGPU adapter');
  // A backend of its own per model: the peak counts this model only. Kernels are registered for 'webgpu'.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(info.device, info.adapter.info));
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its WebGPU backend');

  const { modelJson, shard } = exportKerasModel(model.file);
  const net = await layersModelFromMemory(modelJson, shard);
  net.compile({ optimizer: tf.train.adam(adam.learningRate, adam.beta1, adam.beta2, adam.epsilon), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const stepMs = await timeSteps(count, async (i) => {
    const { x, y } = syntheticBatch(model, batch, i);
    const xs = tf.tensor(x.data, x.shape), ys = tf.tensor(y.data, [batch, 1]);
    await net.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  });
  const peakGpuBytes = gpuMemoryOf(info.device).peak;
  net.dispose();
  tf.removeBackend('webgpu');
  info.device.destroy();
  return { stepMs, peakGpuBytes };
}
