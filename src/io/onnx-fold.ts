// Constant folding at import: the shape arithmetic exporters leave in graphs (torch's F.pad becomes
// ConstantOfShape → Concat → Reshape → Slice → Transpose → Cast) is evaluated here, once, when every
// input is a constant (Shape also of a computed tensor: its shape is static). Nothing of it runs later.
import { formatShape, sizeOf, stridesOf } from '../tensor.ts';
import type { NodeContext } from './onnx-import.ts';
import { dtypeName, type TensorValue } from './onnx-proto.ts';

type Folder = (c: NodeContext) => TensorValue;

const value = (dtype: string, dims: number[], data: ArrayLike<number>): TensorValue => ({
  name: '', dtype, dims, data: dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data),
});

const ints = (t: TensorValue) => Array.from(t.data);

function axisOf(c: NodeContext, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) c.refuse(`axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** Copies the block of `t` at index ranges `ranges` (one [start, step, count] per axis). */
function gather(t: TensorValue, ranges: [number, number, number][]): TensorValue {
  const dims = ranges.map((r) => r[2]);
  const strides = stridesOf(t.dims);
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === dims.length) return void out.push(t.data[offset]);
    const [start, step, count] = ranges[axis];
    for (let k = 0; k < count; k++) walk(axis + 1, offset + (start + k * step) * strides[axis]);
  };
  if (sizeOf(dims) > 0) walk(0, 0);
  return value(t.dtype, dims, out);
}

const CAST_TYPES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

const cast: Folder = (c) => {
  const t = c.constant(0, 'input');
  const to = c.int('to', 1);
  const dtype = CAST_TYPES[to];
  if (!dtype) c.refuse(`folding a cast to ${dtypeName(to)} is not supported`);
  const f = dtype === 'float32' || dtype === 'float64' ? (v: number) => v : dtype === 'bool' ? (v: number) => (v ? 1 : 0) : Math.trunc;
  return value(dtype, t.dims, Array.from(t.data, f));
};

const shape: Folder = (c) => {
  const dims = c.staticDims(0);
  const rank = dims.length;
  const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const out = dims.slice(clampAxis(c.int('start', 0)), clampAxis(c.int('end', rank)));
  if (out.some((d) => d < 0)) c.refuse('it takes the symbolic batch size, which deepwire does not know at import', 'export the model with a fixed batch size');
  return value('int64', [out.length], out);
};

const constantOfShape: Folder = (c) => {
  const dims = ints(c.constant(0, 'shape'));
  const fill = c.tensor('value') ?? value('float32', [1], [0]);
  if (dims.some((d) => d < 0) || sizeOf(dims) > 1 << 20) c.refuse(`shape ${formatShape(dims)} is not a small constant shape`);
  return value(fill.dtype, dims, new Array(sizeOf(dims)).fill(fill.data[0]));
};

const concat: Folder = (c) => {
  const parts = c.node.input.map((_, i) => c.constant(i, `input ${i + 1}`));
  const rank = parts[0].dims.length;
  const axis = axisOf(c, c.int('axis', 0), rank);
  const outer = sizeOf(parts[0].dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const p of parts) {
      const block = sizeOf(p.dims.slice(axis));
      for (let i = 0; i < block; i++) out.push(p.data[o * block + i]);
    }
  const dims = [...parts[0].dims];
  dims[axis] = parts.reduce((n, p) => n + p.dims[axis], 0);
  return value(parts[0].dtype, dims, out);
};

const reshape: Folder = (c) => {
  const t = c.constant(0, 'data');
  const spec = ints(c.constant(1, 'shape'));
  const dims = spec.map((d, i) => (d === 0 && c.int('allowzero', 0) === 0 ? t.dims[i] : d));
  const known = sizeOf(dims.filter((d) => d !== -1));
  const resolved = dims.map((d) => (d === -1 ? sizeOf(t.dims) / known : d));
  if (sizeOf(resolved) !== sizeOf(t.dims) || !resolved.every(Number.isInteger)) c.refuse(`cannot reshape ${formatShape(t.dims)} to ${formatShape(spec)}`);
  return value(t.dtype, resolved, t.data);
};

const slice: Folder = (c) => {
  const t = c.constant(0, 'data');
  const rank = t.dims.length;
  const old = c.opset < 10;
  const list = (i: number, attr: string, fallback: number[] | null) => (old ? c.ints(attr, fallback) : c.hasInput(i) ? ints(c.constant(i, attr)) : fallback);
  const starts = list(1, 'starts', null) ?? c.refuse('it has no starts'), ends = list(2, 'ends', null) ?? c.refuse('it has no ends');
  const axes = list(3, 'axes', starts.map((_, i) => i))!.map((a) => axisOf(c, a, rank));
  const steps = list(4, 'steps', starts.map(() => 1))!;
  const ranges: [number, number, number][] = t.dims.map((d) => [0, 1, d]);
  axes.forEach((axis, k) => {
    const d = t.dims[axis], step = steps[k];
    if (step === 0) c.refuse('a slice step of 0');
    // ONNX's clamping: negative indices count from the end; then into [0, d] (or [−1, d − 1] backwards).
    const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const start = step > 0 ? norm(starts[k], 0, d) : norm(starts[k], -1, d - 1);
    const end = step > 0 ? norm(ends[k], 0, d) : norm(ends[k], -1, d - 1);
    const count = Math.max(0, Math.ceil((end - start) / step));
    ranges[axis] = [start, step, count];
  });
  return gather(t, ranges);
};

const transpose: Folder = (c) => {
  const t = c.constant(0, 'data');
  const rank = t.dims.length;
  const perm = c.ints('perm', t.dims.map((_, i) => rank - 1 - i))!;
  const strides = stridesOf(t.dims);
  const dims = perm.map((p) => t.dims[p]);
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === rank) return void out.push(t.data[offset]);
    for (let k = 0; k < dims[axis]; k++) walk(axis + 1, offset + k * strides[perm[axis]]);
  };
  walk(0, 0);
  return value(t.dtype, dims, out);
};

const axesOf = (c: NodeContext) => (c.opset < 13 ? c.ints('axes', null) : c.hasInput(1) ? ints(c.constant(1, 'axes')) : null);

const unsqueeze: Folder = (c) => {
  const t = c.constant(0, 'data');
  const axes = axesOf(c) ?? c.refuse('it has no axes');
  const rank = t.dims.length + axes.length;
  const at = new Set(axes.map((a) => axisOf(c, a, rank)));
  const dims: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) dims.push(at.has(i) ? 1 : t.dims[k++]);
  return value(t.dtype, dims, t.data);
};

const squeeze: Folder = (c) => {
  const t = c.constant(0, 'data');
  const axes = axesOf(c)?.map((a) => axisOf(c, a, t.dims.length));
  return value(t.dtype, t.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), t.data);
};

const gatherOp: Folder = (c) => {
  const t = c.constant(0, 'data');
  const indices = c.constant(1, 'indices');
  const axis = axisOf(c, c.int('axis', 0), t.dims.length);
  const d = t.dims[axis];
  const outer = sizeOf(t.dims.slice(0, axis)), inner = sizeOf(t.dims.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const raw of indices.data) {
      const k = raw < 0 ? raw + d : raw;
      if (k < 0 || k >= d) c.refuse(`index ${raw} is out of range for ${d} entries`);
      for (let i = 0; i < inner; i++) out.push(t.data[(o * d + k) * inner + i]);
    }
  return value(t.dtype, [...t.dims.slice(0, axis), ...indices.dims, ...t.dims.slice(axis + 1)], out);
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sum: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b,
  Max: Math.max, Min: Math.min,
};

/** Elementwise arithmetic of constants with numpy broadcasting (Div truncates for integers, as ONNX). */
const arithmetic: Folder = (c) => {
  const parts = c.node.input.map((_, i) => c.constant(i, `input ${i + 1}`));
  const op = c.node.op_type;
  const integer = !parts[0].dtype.startsWith('float');
  const f = op === 'Div' ? (a: number, b: number) => (integer ? Math.trunc(a / b) : a / b) : ARITHMETIC[op] ?? ARITHMETIC.Add;
  const rank = Math.max(...parts.map((p) => p.dims.length));
  const dims = Array.from({ length: rank }, (_, i) => Math.max(...parts.map((p) => p.dims[p.dims.length - rank + i] ?? 1)));
  const at = (p: TensorValue, index: number[]) => {
    let offset = 0;
    const strides = stridesOf(p.dims);
    p.dims.forEach((d, i) => (offset += (d === 1 ? 0 : index[rank - p.dims.length + i]) * strides[i]));
    return p.data[offset];
  };
  const out: number[] = [];
  const index = new Array(rank).fill(0);
  for (let n = 0; n < sizeOf(dims); n++) {
    let acc = at(parts[0], index);
    for (const p of parts.slice(1)) acc = f(acc, at(p, index));
    out.push(op === 'Mean' ? acc / parts.length : acc);
    for (let d = rank - 1; d >= 0 && ++index[d] === dims[d]; d--) index[d] = 0;
  }
  return value(parts[0].dtype, dims, out);
};

/** Ops deepwire evaluates at import when their inputs are constants, and only then. */
export const FOLDERS: Record<string, Folder> = {
  Cast: cast, Shape: shape, ConstantOfShape: constantOfShape, Concat: concat, Reshape: reshape, Slice: slice,
  Transpose: transpose, Unsqueeze: unsqueeze, Squeeze: squeeze, Gather: gatherOp,
  Add: arithmetic, Sub: arithmetic, Mul: arithmetic, Div: arithmetic, Max: arithmetic, Min: arithmetic, Sum: arithmetic, Mean: arithmetic,
};
