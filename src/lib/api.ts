// What both entries export (browser.ts, node.ts): the model, its compiled form, the device, the
// errors, and the few tensor helpers a user needs around them. Each entry adds loadModel and
// tensorFromImage for its platform.
export { Model, type NodeInfo, type CompileOptions, type LossOptions, type FitOptions, type History } from './model.ts';
export { CompiledModel, type RunOptions } from './compiled-model.ts';
export { Device, type DeviceOptions } from './device.ts';
export type { ModelSource, LoadOptions } from './load.ts';
export type { PortInfo, Feed, Feeds } from './ports.ts';
export { EngineError, GpuRunError, OpError, OnnxError, isDeepwireError, type DeepwireError } from './errors.ts';
export type { BatchProgress, EpochLog } from '../train/fit.ts';
export type { StepMetrics } from '../train/gpu-trainer.ts';
export type { LossName, OptimizerName, OptimizerOverrides } from '../train/config.ts';
export type { GraphFile, GraphNode } from '../graph/types.ts';
export type { ResizeMode } from '../io/resize.ts';
export type { Preprocess } from '../io/preprocess.ts';
export { tensor, topIndices, type Tensor } from '../tensor.ts';
export { readNpy, writeNpy } from '../io/npy.ts';
export { imagenetClass } from '../io/imagenet-classes.ts';

import { imageToTensor } from '../io/image.ts';
import type { Preprocess } from '../io/preprocess.ts';
import type { ResizeMode } from '../io/resize.ts';
import type { Tensor } from '../tensor.ts';

/** How {@link tensorFromImage} fits a photo to an Input. */
export interface ImageOptions {
  /** `'crop'` (default: the centre, as Keras' image_dataset_from_directory with crop_to_aspect_ratio), `'letterbox'` or `'stretch'`. */
  resize?: ResizeMode;
  /**
   * The normalisation: `'unit'` ([0, 1], default), Keras applications' `'caffe'`, `'tf'` ([−1, 1]) or
   * `'torch'`, or `'raw'` (0–255).
   */
  preprocess?: Preprocess;
}

/** A PNG or JPEG file's bytes as the [1, H, W, C] tensor for an Input of shape `inputShape` (H×W×C). */
export function tensorFromImageBytes(bytes: Uint8Array, inputShape: readonly number[], options: ImageOptions = {}): Tensor {
  return imageToTensor(bytes, inputShape, options).tensor;
}
