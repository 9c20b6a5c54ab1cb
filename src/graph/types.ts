// The graph file format: plain JSON that people save and share. Keras names throughout;
// shapes exclude the batch dimension, as in Keras. Tensors at run time are NHWC with batch N ≥ 1.

export type Shape = readonly number[];
export type Attrs = Record<string, unknown>;

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
