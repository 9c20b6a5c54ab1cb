// TF.js on its WebGPU backend, the model built from the workload's graph with tf ops (tfjs-graph.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { tfjsModel } from './tfjs-graph.ts';
import { adapterName, type Prepare } from './types.ts';

export const prepare: Prepare = async (w) => {
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its WebGPU backend');
  await tf.ready();
  let model: ReturnType<typeof tfjsModel> | null = null;
  const forward = async () => {
    const y = tf.tidy(() => model!.forward(tf.tensor(w.input.data, w.input.shape)));
    const data = (await y.data()) as Float32Array;
    y.dispose();
    return data;
  };
  return {
    adapter: await adapterName(),
    async build() {
      model = tfjsModel(tf, w);
    },
    run: forward,
    toNhwc: (y) => y,
    async dispose() {
      model?.dispose();
    },
  };
};

