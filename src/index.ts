// The engine's public API: what the editor, the CLI and scripts use. Nothing here touches the DOM.
export * from './graph/types.ts';
export { analyzeGraph, parseGraphText, kerasBaseName, type GraphReport, type NodeReport } from './graph/analyze.ts';
export { OPS, findOp } from './ops/index.ts';
export { CATEGORIES, OpError, type AttrSpec, type Category, type OpDef, type WeightSpec } from './ops/op.ts';
export { ACTIVATIONS } from './ops/activations.ts';
export { type Tensor, tensor, sizeOf, formatShape } from './tensor.ts';
export { acquireDevice, getGpu, type DeviceInfo } from './runtime/device.ts';
export { runSelfTest, type SelfTestResult } from './runtime/self-test.ts';
export { uniforms, normals, truncatedNormals } from './weights/random.ts';
export { initializeWeight, computeFans } from './weights/init.ts';
export { regularizationPenalty } from './weights/regularizers.ts';
export { materializeWeights, runReference, type WeightStore, type ReferenceRun, type ReferenceOptions } from './runtime/reference.ts';
export { readNpy, writeNpy } from './io/npy.ts';
export { INITIALIZERS } from './weights/specs.ts';
export { BLOCKS, findBlock, blockDefaults, type BlockDef, type BlockParam, type BlockParamValue, type BlockBuild } from './models/blocks.ts';
