// Transfer learning as Keras users write it:
//   base_model.trainable = False
//   x = keras.layers.GlobalAveragePooling2D()(base_model.output)   # only when the features are a map
//   outputs = keras.layers.Dense(len(class_names), activation="softmax")(x)
// as one edit of the graph, and `trainable` set on nodes and whole blocks from the inspector. Pure.
import { kerasBaseName, type GraphFile, type GraphReport } from '../src/index.ts';
import { freshId } from '../src/graph/groups.ts';
import { takenNames } from './graph-edits.ts';

/** The nodes among `ids` that have weights (what `trainable` means anything for). */
export const withWeights = (report: GraphReport, ids: readonly string[]): string[] => ids.filter((id) => !!report.byId.get(id)?.weights.length);

/**
 * `trainable` on each of `ids` that has weights: false freezes it (Keras' layer.trainable = False), true
 * removes the attr (Keras' default). Nodes without weights are left as they are.
 */
export function setTrainable(g: GraphFile, report: GraphReport, ids: readonly string[], trainable: boolean): GraphFile {
  const targets = new Set(withWeights(report, ids));
  if (!targets.size) return g;
  const next = structuredClone(g);
  for (const n of next.nodes) {
    if (!targets.has(n.id)) continue;
    const attrs = { ...n.attrs };
    if (trainable) delete attrs.trainable;
    else attrs.trainable = false;
    n.attrs = attrs;
  }
  return next;
}

export interface HeadResult {
  graph: GraphFile;
  /** The new nodes: [pool?, dense]. */
  added: string[];
  /** Nodes frozen by this edit. */
  frozen: string[];
  /** What was done, for the message. */
  text: string;
}

/**
 * A softmax classifier of `classes` units on the graph's single output, with every node that has weights
 * frozen: a GlobalAveragePooling2D first when the output is a feature map (H×W×C). Throws, in words,
 * when the graph has no single output with a shape to build on.
 */
export function addClassifierHead(g: GraphFile, report: GraphReport, classes: number): HeadResult {
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`a classifier head needs at least 2 classes, got ${classes}`);
  if (report.outputs.length !== 1) throw new Error(`the head goes on the graph's output, and the graph has ${report.outputs.length}: use "Extract features here" on the layer the head should follow`);
  const out = report.byId.get(report.outputs[0])!;
  if (!out.shape || !report.ok) throw new Error(`fix the graph's problems first: the output '${out.name}' has no shape to build a head on`);
  if (out.shape.length !== 1 && out.shape.length !== 3)
    throw new Error(`the output '${out.name}' is ${out.shape.join('×')}: a head goes on a feature vector (C) or a feature map (H×W×C)`);
  const frozen = withWeights(report, report.nodes.map((n) => n.id)).filter((id) => report.byId.get(id)!.attrs.trainable !== false);
  const next = setTrainable(g, report, frozen, false);
  const taken = takenNames(next);
  const at = next.nodes.find((n) => n.id === out.id)?.layout ?? { x: 0, y: 0 };
  const added: string[] = [];
  let from = out.id;
  if (out.shape.length === 3) {
    const pool = freshId(kerasBaseName('GlobalAveragePool2D'), taken);
    taken.add(pool);
    next.nodes.push({ id: pool, op: 'GlobalAveragePool2D', inputs: [from], layout: { x: at.x + 300, y: at.y } });
    added.push(pool);
    from = pool;
  }
  const dense = freshId('predictions', taken);
  next.nodes.push({ id: dense, op: 'Dense', attrs: { units: classes, activation: 'softmax' }, inputs: [from], layout: { x: at.x + 300 * (added.length + 1), y: at.y } });
  added.push(dense);
  next.outputs = [dense];
  const text = `Added ${added.length === 2 ? 'a GlobalAveragePooling2D and ' : ''}a Dense(${classes}, activation="softmax") head after ${out.name}`
    + `${frozen.length ? `, and froze the ${frozen.length} layer${frozen.length === 1 ? '' : 's'} with weights before it (trainable = False): only the head learns` : ''}. Undo takes it back.`;
  return { graph: next, added, frozen, text };
}
