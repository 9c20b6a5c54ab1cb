// The one Rete node class: built from a registry entry (never one class per op). Its sockets follow
// the op's arity; merges with unbounded arity keep one free socket after the connected ones.
import { ClassicPreset } from 'rete';
import type { OpDef } from '../src/index.ts';
import { NODE_WIDTH, nodeHeight } from './layout.ts';

export const tensorSocket = new ClassicPreset.Socket('tensor');

/** What the node draws, all as display strings: the view imports nothing from the engine. */
export interface NodeFace {
  name: string;
  keyAttrs: string;
  shape: string;
  params: string;
  flops: string;
  error: { message: string; hint?: string } | null;
  /** Input slot → label (the shape arriving there, or the slot number). */
  inputLabels: string[];
  /** After a run: GPU time, a mosaic of the first channels, the heat (0–1) when the heatmap is on. */
  run?: NodeRunFace | null;
  /** The block the node belongs to (its collapse button), or, on a collapsed block, the block itself. */
  group?: { id: string; name: string; collapsed: boolean } | null;
  /** Output socket labels (a collapsed block's outputs: the members they come from). */
  outputLabels?: string[];
}

export interface NodeRunFace {
  time: string;
  /** Tooltip: which run computed it, reused or fused. */
  title: string;
  heat: number | null;
  /** Data URL of the channel mosaic, once drawn. */
  mosaic: string | null;
  /** The node changed since that run: its pictures are out of date. */
  stale: boolean;
  /** Its maps drawn beside it on the canvas, when shown (editor/canvas-maps.ts). */
  strip?: NodeStrip | null;
}

/** A node's first channel maps side by side (or the input photo), drawn below the node on the canvas. */
export interface NodeStrip {
  /** maps: channel maps; values: a vector's first values, one cell each; photo: the input photo. */
  kind: 'maps' | 'values' | 'photo';
  /** Data URL of the picture, width × height pixels: `tiles` tiles, one every `pitch` pixels. */
  url: string;
  tiles: number;
  pitch: number;
  width: number;
  height: number;
  /** Channels of the node's output (the strip shows the first `tiles`). */
  channels: number;
}

export class OpNode extends ClassicPreset.Node {
  /** The group a collapsed block's node stands for; null on op nodes. */
  groupId: string | null = null;
  width = NODE_WIDTH;
  height = nodeHeight(1, false);
  face: NodeFace = { name: '', keyAttrs: '', shape: '', params: '', flops: '', error: null, inputLabels: [] };

  constructor(readonly def: OpDef | undefined, readonly op: string, id: string) {
    super(def?.type ?? op);
    this.id = id;
    this.setInputCount(this.socketsFor(0));
    this.addOutput('out', new ClassicPreset.Output(tensorSocket, 'out', true));
  }

  /** Input sockets for `connected` inputs: merges get one spare; fixed arity shows all its slots. */
  socketsFor(connected: number): number {
    if (!this.def) return Math.max(1, connected);
    if (this.def.arity.max === 0) return 0;
    if (this.def.arity.max === Infinity) return Math.max(this.def.arity.min, connected + 1);
    return Math.max(this.def.arity.max, connected);
  }

  setInputCount(count: number): boolean {
    const current = Object.keys(this.inputs).length;
    if (current === count) return false;
    for (let i = current; i < count; i++) {
      const input = new ClassicPreset.Input(tensorSocket, `in${i}`, false);
      input.index = i;
      this.addInput(`in${i}`, input);
    }
    for (let i = current - 1; i >= count; i--) this.removeInput(`in${i}`);
    return true;
  }

  get inputCount(): number {
    return Object.keys(this.inputs).length;
  }

  /** Updates what the node shows; true when anything visible changed. */
  setFace(face: NodeFace): boolean {
    const height = nodeHeight(Math.max(this.inputCount, Object.keys(this.outputs).length), !!face.error);
    const changed = JSON.stringify(face) !== JSON.stringify(this.face) || height !== this.height;
    this.face = face;
    this.height = height;
    return changed;
  }
}

/** A collapsed block drawn as one node: an input socket per tensor entering it, an output per tensor leaving it. */
export class GroupNode extends OpNode {
  constructor(groupId: string, id: string, inputs: number, outputs: number) {
    super(undefined, 'Block', id);
    this.groupId = groupId;
    this.setInputCount(inputs);
    this.removeOutput('out');
    for (let k = 0; k < outputs; k++) this.addOutput(`out${k}`, new ClassicPreset.Output(tensorSocket, `out${k}`, true));
  }

  /** Sockets fixed by the group's boundary. */
  override socketsFor(): number {
    return this.inputCount;
  }

  /** "3 in, 1 out": a different boundary means a new node. */
  get signature(): string {
    return `${this.inputCount}:${Object.keys(this.outputs).length}`;
  }
}
