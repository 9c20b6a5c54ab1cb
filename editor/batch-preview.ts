/** The first training batch as the network sees it: the samples fit() takes first (Keras' validation split,
 *  then epoch 0's seeded shuffle), put through the graph's augmentation layers that follow its Input
 *  (RandomFlip, RandomTranslation, RandomCrop) in training mode with the draws of step 0 — the very
 *  transforms the GPU trainer applies to that batch (the ops' float64 reference makes the same draws).
 *  Pure. */
import { findOp, validationSplit, type ClassDataset, type GraphReport, type Tensor } from '../src/index.ts';
import { batchAt, shuffledOrder } from '../src/data/batch.ts';

export const AUGMENTATION_OPS = ['RandomFlip', 'RandomTranslation', 'RandomCrop'] as const;

export interface BatchPreview {
  /** [B, H, W, C] after the augmentation layers applied (before them when there are none). */
  x: Tensor;
  /** Each image's class name. */
  labels: string[];
  /** The augmentation layers applied, by name, in order. */
  applied: string[];
  /** Augmentation layers not right after the Input: not drawn here, said instead. */
  notApplied: string[];
}

/** The augmentation layers in a chain right after `inputId` (each the only consumer of the one before). */
export function augmentationChain(report: GraphReport, inputId: string): string[] {
  const chain: string[] = [];
  let at = inputId;
  for (;;) {
    const consumers = report.nodes.filter((n) => n.inputs.includes(at));
    if (consumers.length !== 1 || !(AUGMENTATION_OPS as readonly string[]).includes(consumers[0].op)) return chain;
    at = consumers[0].id;
    chain.push(at);
  }
}

export function previewBatch(report: GraphReport, data: ClassDataset, o: { batchSize: number; seed: number; validationSplit: number }): BatchPreview {
  const { train } = validationSplit(data, o.validationSplit);
  const n = train.x.shape[0];
  const order = shuffledOrder(n, o.seed, 0);
  const batch = batchAt(train, order, 0, Math.min(o.batchSize, n));
  const input = report.nodes.find((r) => r.op === 'Input');
  const chain = input ? augmentationChain(report, input.id) : [];
  let x = batch.x;
  for (const id of chain) {
    const r = report.byId.get(id)!;
    x = findOp(r.op)!.trainForward!([x], {}, r.attrs, { nodeId: id, seed: o.seed, step: 0, trainable: true }).output;
  }
  const notApplied = report.nodes.filter((r) => (AUGMENTATION_OPS as readonly string[]).includes(r.op) && !chain.includes(r.id)).map((r) => r.name);
  return {
    x,
    labels: Array.from(batch.y.data.subarray(0, batch.indices.length), (label) => data.classNames[label] ?? String(label)),
    applied: chain.map((id) => report.byId.get(id)!.name),
    notApplied,
  };
}
