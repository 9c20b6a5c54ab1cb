// The engine's public API: what the editor, the CLI and scripts use. Nothing here touches the DOM.
export * from './graph/types.ts';
export { analyzeGraph, parseGraphText, kerasBaseName, type GraphReport, type NodeReport } from './graph/analyze.ts';
export { OPS, findOp } from './ops/index.ts';
export { CATEGORIES, OpError, type AttrSpec, type Category, type OpDef, type WeightSpec } from './ops/op.ts';
export { ACTIVATIONS } from './ops/activations.ts';
export { type Tensor, tensor, sizeOf, formatShape, topIndices } from './tensor.ts';
export { formatCompactCount, formatCount, formatMegabytes, formatNumber, formatScaledCount, formatValue } from './format.ts';
export { modelSummary } from './graph/summary.ts';
export { receptiveFields, fieldRect, describeField, type ReceptiveField, type PixelRect, type FieldOptions } from './graph/receptive-field.ts';
export { acquireDevice, getGpu, type DeviceInfo } from './runtime/device.ts';
export { runSelfTest, type SelfTestResult } from './runtime/self-test.ts';
export { uniforms, normals, truncatedNormals } from './weights/random.ts';
export { initializeWeight, computeFans } from './weights/init.ts';
export { regularizationPenalty } from './weights/regularizers.ts';
export { materializeWeights, materializeNodeWeights, runReference, type WeightStore, type ReferenceRun, type ReferenceOptions } from './runtime/reference.ts';
export { formatLosses, isRegularized, nodeLosses, totalLosses, type Losses, type NodeLosses } from './runtime/losses.ts';
export { readNpy, writeNpy } from './io/npy.ts';
export { IMAGENET_CLASSES, imagenetClass } from './io/imagenet-classes.ts';
export { INITIALIZERS } from './weights/specs.ts';
export { BLOCKS, findBlock, blockDefaults, type BlockDef, type BlockParam, type BlockParamValue, type BlockBuild } from './models/blocks.ts';
export { decodeImage, imageToTensor, pictureToTensor, MAX_SIDE, MAX_PIXELS, type DecodedImage, type Picture } from './io/image.ts';
export { decodeImageFile, pictureFromSource } from './io/image-browser.ts';
export { resizePicture, RESIZE_MODES, type ResizeMode } from './io/resize.ts';
export { preprocessPicture, previewPixels, PREPROCESS, KERAS_APPLICATION_PREPROCESS, type Preprocess } from './io/preprocess.ts';
export { importTfjsLayers, type ImportOptions, type ImportedModel, type ShardReader } from './io/tfjs-layers.ts';
export { PRETRAINED, loadPretrained, openPretrained, fetchModelFiles, type PretrainedDef, type PretrainedModel } from './models/pretrained.ts';
export { Engine, EngineError, GpuRunError, type CompiledGraph, type NodeTiming, type RunResult } from './runtime/engine.ts';
export { Session, RunCancelled, type SessionProgress, type SessionRun, type SessionRunOptions } from './runtime/session.ts';
export { fingerprints } from './runtime/fingerprint.ts';
export { EXPLAINED_OPS, explainFromRun, explainNeeds, explains, explanationText, notCovered, statisticsLabel,
  type Explanation, type ConvExplanation, type PoolExplanation, type MergeExplanation, type DotExplanation, type BatchNormExplanation, type DenseExplanation, type ActivationStep, type RunTensor,
} from './explain/index.ts';
export {
  Visualizer, summarize, quantile, spatialOf, channelRanges, seriesQuantiles, globalScope, type ScopePart, type HistogramFn, type MapSource, type ChannelStats, type StatsSummary, type RangeScope, type RangeOptions,
} from './runtime/visualize.ts';
export { COLORMAPS, colormapTable, cssColor, type ColormapName } from './runtime/colormaps.ts';
export { ZOO, zooModel, findZooEntry, type ZooEntry, type ZooOptions } from './models/zoo.ts';
export { importOnnx, type OnnxImport } from './io/onnx-import.ts';
export { OnnxError } from './io/onnx-proto.ts';
export { FIT_DEFAULTS, LOSSES, OPTIMIZER_DEFAULTS, lossConfig, optimizerConfig, type CompileConfig, type FitConfig, type LossName, type OptimizerName } from './train/config.ts';
export { fit, evaluate, predict, stepsPerEpochNote, type BatchProgress, type EpochLog, type FitCallbacks, type History as FitHistory } from './train/fit.ts';
export { GpuTrainer, type StepMetrics } from './train/gpu-trainer.ts';
export { sampleCount, type Dataset, type ClassDataset } from './data/dataset.ts';
export { validationSplit } from './data/batch.ts';
export { isGzip, parseIdx, type IdxArray } from './data/idx.ts';
export { FASHION_MNIST_CLASSES, fashionMnistFromIdx, type FashionMnist } from './data/fashion-mnist-idx.ts';
export { whereItLooks, type WhereItLooks, type WhereItLooksOptions } from './explain/where-it-looks.ts';
export { camLayers, classNamesFor, defaultCamLayer, isClassifier, type ScoreTarget } from './explain/saliency-target.ts';
export { overlayHeatmap, SALIENCY_SATURATE } from './explain/heatmap-overlay.ts';
export { peakOf, type Heatmap } from './explain/heatmap.ts';
