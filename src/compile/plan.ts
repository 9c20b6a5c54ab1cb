// A compiled graph as plain data: allocations, views into them, constants (weights) and steps
// (one kernel dispatch each). No GPU objects here, so plans are testable on the CPU and rebuilt on a
// new device after a device loss without recompiling the graph.
import { stridesOf } from '../tensor.ts';
import type { KernelName } from './kernels.ts';

/** A logical buffer; several allocations whose lifetimes don't overlap share one physical buffer. */
export interface Allocation {
  floats: number;
  /** The node whose tensor lives here, for messages. */
  owner: string;
}

/** A tensor (shape with batch) at `offset + Σ index·stride` floats inside an allocation. */
export interface View {
  alloc: number;
  offset: number;
  shape: number[];
  strides: number[];
}

export type Binding =
  | { kind: 'view'; view: View }
  | { kind: 'constant'; index: number }
  /** An unused optional input (no bias, no residual): a tiny shared dummy buffer. */
  | { kind: 'none' };

export interface Step {
  /** The node this dispatch computes; `fused` lists the nodes folded into it (BN, activation, add). */
  node: string;
  fused: string[];
  kernel: KernelName;
  overrides: Record<string, number | boolean>;
  /**
   * Storage bindings by the kernel's WGSL variable names (`x`, `w`, `y`…); which are written follows
   * from the shader's `read_write` (kernels.ts orderedBindings checks the names both ways).
   */
  bindings: Record<string, Binding>;
  params: Record<string, number>;
  /** Workgroups in all; the runtime spreads them over a 2-D grid past the per-dimension limit. */
  workgroups: number;
  /** A contiguous range to zero before the dispatch (ZeroPadding2D's border). */
  clear?: View;
  /**
   * Relative cost for per-node times without timestamp queries, where the default guess (64 invocations
   * per workgroup × the conv's window) does not fit the kernel: Winograd's and the GEMM's steps (lower.ts).
   */
  work?: number;
}

export interface Plan {
  batch: number;
  allocations: Allocation[];
  /** allocation → physical buffer, from liveness (kept tensors live to the end). */
  physical: number[];
  physicalFloats: number[];
  constants: Float32Array[];
  steps: Step[];
  /** Input node → where its feed is written (contiguous). */
  inputs: Map<string, View>;
  /** Every materialised node → its view; nodes fused away have none. */
  views: Map<string, View>;
  /** Node → the node whose step computes it (itself when not fused). */
  computedBy: Map<string, string>;
}

export function isContiguous(v: View): boolean {
  const s = stridesOf(v.shape);
  return v.shape.every((d, i) => d === 1 || s[i] === v.strides[i]);
}

/**
 * A view as NHWC pixels with a channel stride: value (pixel p, channel c) at offset + p·stride + c.
 * Contiguous tensors and channel slices of a concat buffer have this form; null otherwise.
 */
export function pixelView(v: View): { pixels: number; channels: number; stride: number; offset: number } | null {
  const r = v.shape.length;
  const channels = v.shape[r - 1];
  if (r === 1) return { pixels: 1, channels, stride: channels, offset: v.offset };
  if (v.strides[r - 1] !== 1) return null;
  const stride = v.strides[r - 2];
  for (let i = r - 3; i >= 0; i--) if (v.shape[i] !== 1 && v.strides[i] !== v.strides[i + 1] * v.shape[i + 1]) return null;
  let pixels = 1;
  for (let i = 0; i < r - 1; i++) pixels *= v.shape[i];
  return { pixels, channels, stride, offset: v.offset };
}

/** Floats spanned by a view, from its offset to its last element inclusive. */
export function viewSpan(v: View): number {
  return 1 + v.shape.reduce((acc, d, i) => acc + (d - 1) * v.strides[i], 0);
}

/** Physical buffers: each allocation's buffer, and each buffer's size in floats. */
export interface Packing {
  physical: number[];
  physicalFloats: number[];
}

/** An allocation's life: the first and last step that touch it (-1: written before the first step). */
interface Life {
  first: number;
  last: number;
}

/**
 * Assigns allocations to physical buffers by liveness: an allocation is live from the first step that
 * touches it to the last; `keep` allocations to the end. Two greedy packings, the smaller kept (neither
 * wins everywhere: by size saves 24% of GoogLeNet's and of the fashion ResNet's training step's
 * activations, by first use 3% of ResNet-50's on the direct convs).
 */
export function assignPhysical(allocations: Allocation[], steps: Step[], keep: Set<number>, inputs: number[]): Packing {
  const lives: Life[] = allocations.map(() => ({ first: Infinity, last: -1 }));
  const touch = (a: number, t: number) => {
    lives[a].first = Math.min(lives[a].first, t);
    lives[a].last = Math.max(lives[a].last, t);
  };
  for (const a of inputs) touch(a, -1);
  steps.forEach((s, t) => {
    for (const b of Object.values(s.bindings)) if (b.kind === 'view') touch(b.view.alloc, t);
    if (s.clear) touch(s.clear.alloc, t);
  });
  for (const a of keep) lives[a].last = Infinity;
  const used = allocations.map((_, i) => i).filter((i) => lives[i].first !== Infinity);
  const total = (p: Packing) => p.physicalFloats.reduce((sum, f) => sum + f, 0);
  const [byFirstUse, bySize] = [packByFirstUse(allocations, lives, used), packBySize(allocations, lives, used)];
  return total(bySize) < total(byFirstUse) ? bySize : byFirstUse;
}

/** In order of first use, each into the best-fitting free buffer (the smallest that fits, else the largest, grown). */
function packByFirstUse(allocations: Allocation[], lives: Life[], used: number[]): Packing {
  const physical = new Array<number>(allocations.length).fill(-1);
  const physicalFloats: number[] = [];
  const busyUntil: number[] = [];
  for (const a of [...used].sort((x, y) => lives[x].first - lives[y].first)) {
    let best = -1;
    for (let p = 0; p < physicalFloats.length; p++) {
      if (busyUntil[p] >= lives[a].first) continue;
      const fits = physicalFloats[p] >= allocations[a].floats;
      const bestFits = best >= 0 && physicalFloats[best] >= allocations[a].floats;
      if (best < 0 || (fits && (!bestFits || physicalFloats[p] < physicalFloats[best])) || (!fits && !bestFits && physicalFloats[p] > physicalFloats[best])) best = p;
    }
    if (best < 0) {
      best = physicalFloats.length;
      physicalFloats.push(0);
      busyUntil.push(-Infinity);
    }
    physical[a] = best;
    physicalFloats[best] = Math.max(physicalFloats[best], allocations[a].floats);
    busyUntil[best] = lives[a].last;
  }
  return { physical, physicalFloats };
}

/**
 * Largest first, each into the first buffer none of whose tenants it overlaps in time (TFLite's
 * greedy-by-size arena planner, for separate buffers): a buffer's size is its first tenant's, never grown.
 */
function packBySize(allocations: Allocation[], lives: Life[], used: number[]): Packing {
  const physical = new Array<number>(allocations.length).fill(-1);
  const physicalFloats: number[] = [];
  const tenants: Life[][] = [];
  const apart = (x: Life, y: Life) => x.last < y.first || y.last < x.first;
  for (const a of [...used].sort((x, y) => allocations[y].floats - allocations[x].floats || lives[x].first - lives[y].first)) {
    let p = tenants.findIndex((lived) => lived.every((l) => apart(l, lives[a])));
    if (p < 0) {
      p = tenants.length;
      tenants.push([]);
      physicalFloats.push(allocations[a].floats);
    }
    tenants[p].push(lives[a]);
    physical[a] = p;
  }
  return { physical, physicalFloats };
}
