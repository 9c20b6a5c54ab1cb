// Resizing an RGB picture to an Input's H×W: center-crop, letterbox or stretch, with PIL's separable
// bilinear filter — the triangle widened by the scale factor when shrinking, so a large downscale
// averages every source pixel instead of skipping most (antialiased). Reference: Pillow, libImaging/Resample.c.

/** An RGB image, row-major, values 0–255 (fractional where the source had more than 8 bits). */
export interface Picture {
  width: number;
  height: number;
  data: Float32Array;
}

export type ResizeMode = 'crop' | 'letterbox' | 'stretch';

export const RESIZE_MODES: Record<ResizeMode, string> = {
  crop: 'scale to cover H×W, cut the overhang equally from both sides (keeps the aspect ratio)',
  letterbox: 'scale to fit inside H×W, pad the rest with black (keeps the whole picture)',
  stretch: 'scale each axis on its own to H×W (distorts the aspect ratio)',
};

export function isResizeMode(name: string): name is ResizeMode {
  return Object.hasOwn(RESIZE_MODES, name);
}

/** The picture at exactly `width`×`height`. */
export function resizePicture(p: Picture, width: number, height: number, mode: ResizeMode): Picture {
  if (mode === 'stretch') return resample(p, width, height);
  if (mode === 'crop') {
    const scale = Math.max(width / p.width, height / p.height);
    const bw = width / scale, bh = height / scale;
    const x0 = (p.width - bw) / 2, y0 = (p.height - bh) / 2;
    return resample(p, width, height, [x0, y0, x0 + bw, y0 + bh]);
  }
  const scale = Math.min(width / p.width, height / p.height);
  const rw = Math.min(width, Math.max(1, Math.round(p.width * scale)));
  const rh = Math.min(height, Math.max(1, Math.round(p.height * scale)));
  const inner = resample(p, rw, rh);
  const out: Picture = { width, height, data: new Float32Array(width * height * 3) };
  const left = Math.floor((width - rw) / 2), top = Math.floor((height - rh) / 2);
  for (let y = 0; y < rh; y++) out.data.set(inner.data.subarray(y * rw * 3, (y + 1) * rw * 3), ((top + y) * width + left) * 3);
  return out;
}

/** One axis' filter taps: for output i, weights[i] over source indices first[i] … first[i] + weights[i].length − 1. */
interface Taps {
  first: Int32Array;
  weights: Float64Array[];
}

/** Pillow's precompute_coeffs with the bilinear (triangle, support 1) filter over the source span [from, to). */
function taps(inSize: number, outSize: number, from: number, to: number): Taps {
  const scale = (to - from) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = from + (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w = new Float64Array(Math.max(hi - lo, 0));
    let sum = 0;
    for (let k = 0; k < w.length; k++) sum += w[k] = Math.max(0, 1 - Math.abs((k + lo - center + 0.5) / filterScale));
    for (let k = 0; k < w.length; k++) w[k] /= sum;
    first[i] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** Resamples the box [x0, y0, x1, y1) of the picture (default: all of it) to outW×outH; rows first, then columns. */
export function resample(p: Picture, outW: number, outH: number, box: [number, number, number, number] = [0, 0, p.width, p.height]): Picture {
  const [x0, y0, x1, y1] = box;
  const tx = taps(p.width, outW, x0, x1);
  const ty = taps(p.height, outH, y0, y1);
  // only the source rows the vertical pass reads
  const rowFrom = ty.first[0];
  const rowTo = ty.first[outH - 1] + ty.weights[outH - 1].length;
  const rows = rowTo - rowFrom;
  const mid = new Float64Array(rows * outW * 3);
  for (let y = 0; y < rows; y++) {
    const src = (rowFrom + y) * p.width * 3;
    for (let x = 0; x < outW; x++) {
      const w = tx.weights[x];
      let r = 0, g = 0, b = 0;
      for (let k = 0, s = src + tx.first[x] * 3; k < w.length; k++, s += 3) {
        r += w[k] * p.data[s];
        g += w[k] * p.data[s + 1];
        b += w[k] * p.data[s + 2];
      }
      const o = (y * outW + x) * 3;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
    }
  }
  const out = new Float32Array(outW * outH * 3);
  const stride = outW * 3;
  for (let y = 0; y < outH; y++) {
    const w = ty.weights[y];
    const base = (ty.first[y] - rowFrom) * stride;
    for (let j = 0; j < stride; j++) {
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k] * mid[base + k * stride + j];
      out[y * stride + j] = acc;
    }
  }
  return { width: outW, height: outH, data: out };
}
