// The graph file format: plain JSON that people save and share. Keras names throughout;
// shapes exclude the batch dimension, as in Keras. Tensors at run time are NHWC with batch N ≥ 1.

export type Shape = readonly number[];
export type Attrs = Record<string, unknown>;

/** One node of a graph file: an op, its attrs (Keras names) and the ids of the nodes it reads. */
export interface GraphNode {
  id: string;
  op: string;
  /** Shown in the editor and summary; defaults to a Keras-style name (`conv2d`, `conv2d_1`). */
  name?: string;
  attrs?: Attrs;
  inputs?: string[];
  /** Editor position; ignored by the engine. */
  layout?: { x: number; y: number };
  /** Weight name → key in the graph's weight store (imported models); absent means "initialise". */
  weights?: Record<string, string>;
}

/** A graph as the editor and `deepwire` save it (format "deepwire-graph"). */
export interface GraphFile {
  format: 'deepwire-graph';
  version: 1;
  name?: string;
  /** Seed for the initializers: the same graph yields the same weights everywhere. */
  seed?: number;
  nodes: GraphNode[];
  outputs: string[];
  /** Blocks (a ResNet block, an Inception module, a NASNet cell): optional, editor-only, ignored by the engine. */
  groups?: GraphGroup[];
  /** The output's class names, index = class (set when the editor trains it on a classification set); optional. */
  classNames?: string[];
  /** The editor's training runs on this graph (curves, History, confusion matrix); optional, ignored by the engine. */
  training?: { runs: TrainingRun[] };
}

/**
 * One training run as the editor keeps it with the graph, in the words of the CLI's `fit --history` file:
 * Keras' History (`history`), the run's `params` (`steps`: the batches each epoch took) and every batch's
 * own loss and accuracy (`batches`). A value that was not a number is null (JSON has no NaN).
 */
export interface TrainingRun {
  id: string;
  /** When it ended, ISO 8601. */
  date: string;
  /** The graph's name when it trained: runs of other graphs are compared with it. */
  model: string;
  /** Its compile and fit in short: "adam 0.001, batch 32, fashion-cnn". */
  label: string;
  /** Stopped before its last epoch ended. */
  stopped: boolean;
  params: {
    dataset: string; loss: string; optimizer: string; learningRate: number; batchSize: number; epochs: number;
    validationSplit: number; stepsPerEpoch?: number; seed: number; steps: number[];
  };
  history: { loss: (number | null)[]; accuracy: (number | null)[]; val_loss?: (number | null)[]; val_accuracy?: (number | null)[] };
  batches: { loss: (number | null)[]; accuracy: (number | null)[] };
  /** The trained model on held-out images: the validation split, or the test set when there was none. */
  evaluation?: TrainingEvaluation;
}

export interface TrainingEvaluation {
  split: 'validation' | 'test';
  classNames: string[];
  /** matrix[true][predicted]: how many images of class `true` the model called `predicted`. */
  matrix: number[][];
  /** Some wrongly classified images (most confident first), by their index in the split. */
  /** `file`: on the user's class sets, the picture's class and name ("cat/chelsea-1.png"), to find it again. */
  misclassified: { index: number; label: number; predicted: number; confidence: number; file?: string }[];
}

/**
 * A named set of nodes the editor can collapse to one node and expand again. A node belongs to one
 * group at most. Optional: files without groups (and the engine) are unaffected.
 */
export interface GraphGroup {
  id: string;
  /** Shown as the collapsed node's title, e.g. `conv2_block1`, `mixed5`. */
  name: string;
  /** Member node ids, in build order. */
  nodes: string[];
  /** Drawn as one node; absent means expanded. */
  collapsed?: boolean;
}

/** A problem found in a graph: never thrown at the user, always shown on the node it concerns. */
export interface Problem {
  node?: string;
  message: string;
  hint?: string;
}

export const GRAPH_FORMAT = 'deepwire-graph';
export const GRAPH_VERSION = 1;
