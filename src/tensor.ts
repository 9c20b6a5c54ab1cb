// A dense float32 tensor, NHWC, batch first. Shapes here include the batch dimension.

/** A dense float32 tensor: `data` in row-major order of `shape` (NHWC for images, batch first). */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor of `shape`, zeros or a copy of `data` (which must hold exactly that many values). */
export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = sizeOf(shape);
  const out = new Float32Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`tensor: ${data.length} values for shape [${shape.join(', ')}] (${n})`);
    out.set(data);
  }
  return { shape: [...shape], data: out };
}

export function filled(shape: readonly number[], value: number): Tensor {
  const t = tensor(shape);
  t.data.fill(value);
  return t;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** `28×28×64` — the way shapes are written in messages. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** Indices of the k largest values, largest first (a classifier's top-k). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a]).slice(0, k);
}
