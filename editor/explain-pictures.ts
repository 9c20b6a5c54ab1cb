/** The explanation panel's pictures: small heatmaps of a patch, a kernel slice or a pooling window (one cell
 *  per value, its number on hover), and an input channel's whole map with the window outlined on it. */
import { html } from 'lit';
import { colormapTable, cssColor, formatValue, type ColormapName, type Tensor } from '../src/index.ts';

/** lo…hi of the values (null: padding), widened to a symmetric range around 0 for a diverging colormap. */
export function rangeOf(values: readonly (number | null)[], symmetric = false): [number, number] {
  const real = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!real.length) return [0, 1];
  let lo = Math.min(...real), hi = Math.max(...real);
  if (symmetric) hi = Math.max(Math.abs(lo), Math.abs(hi)) || 1, lo = -hi;
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/**
 * A rows×cols grid of coloured cells, each titled with its value (padding hatched); `mark`: the index of
 * a cell to ring (a max pool's winner).
 */
export function heatmap(values: readonly (number | null)[], cols: number, range: [number, number], colormap: ColormapName, testid: string, mark = -1) {
  const [lo, hi] = range;
  const size = cols > 9 ? 9 : cols > 5 ? 12 : 16;
  return html`<div class="heatmap" data-testid=${testid} role="img" aria-label=${`${values.length / cols}×${cols} ${testid}`}
    style="grid-template-columns: repeat(${cols}, ${size}px); grid-auto-rows: ${size}px;">
    ${values.map((v, i) => v === null
      ? html`<span class="cell pad" title="padding (not counted)" data-value=""></span>`
      : html`<span class="cell ${i === mark ? 'mark' : ''}" title=${formatValue(v)} data-value=${String(v)}
          style="background: ${cssColor(colormap, (v - lo) / (hi - lo))}"></span>`)}
  </div>`;
}

/** How many screen pixels a map pixel gets, so that small maps are still large enough to see the outline on. */
const scaleFor = (H: number, W: number) => Math.max(1, Math.min(8, Math.ceil(112 / Math.max(H, W))));

/**
 * Channel `channel` of image `image` of an NHWC tensor, per-channel range, on `canvas`, with the window's
 * taps (rows × cols, in the map's pixels; outside it is padding) outlined: the box around them, and each
 * tap when they are apart (dilation).
 */
export function drawInputMap(canvas: HTMLCanvasElement, t: Tensor, image: number, channel: number, rows: readonly number[], cols: readonly number[]): void {
  const [, H, W, C] = t.shape;
  const s = scaleFor(H, W);
  canvas.width = W * s;
  canvas.height = H * s;
  const base = image * H * W * C;
  let lo = Infinity, hi = -Infinity;
  for (let p = 0; p < H * W; p++) {
    const v = t.data[base + p * C + channel];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const lut = colormapTable('viridis');
  const pixels = new ImageData(W, H);
  const words = new Uint32Array(pixels.data.buffer);
  for (let p = 0; p < H * W; p++) words[p] = lut[Math.round(hi > lo ? ((t.data[base + p * C + channel] - lo) / (hi - lo)) * 255 : 0)];
  const small = Object.assign(document.createElement('canvas'), { width: W, height: H });
  small.getContext('2d')!.putImageData(pixels, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, W * s, H * s);
  const top = rows[0], bottom = rows[rows.length - 1] + 1, left = cols[0], right = cols[cols.length - 1] + 1;
  // Dim what the window does not cover, then outline it: a 3×3 window on a 56×56 map still stands out.
  ctx.fillStyle = 'rgb(0 0 0 / 0.55)';
  ctx.beginPath();
  ctx.rect(0, 0, W * s, H * s);
  ctx.rect(left * s, top * s, (right - left) * s, (bottom - top) * s);
  ctx.fill('evenodd');
  const line = Math.max(2, Math.round((Math.max(H, W) * s) / 50));
  ctx.lineWidth = line;
  ctx.strokeStyle = '#ff3b30';
  ctx.strokeRect(left * s - line / 2, top * s - line / 2, (right - left) * s + line, (bottom - top) * s + line);
  if (rows.length > 1 && rows[1] - rows[0] > 1 || cols.length > 1 && cols[1] - cols[0] > 1) {
    ctx.lineWidth = 1;
    for (const r of rows) for (const c of cols) ctx.strokeRect(c * s + 0.5, r * s + 0.5, s - 1, s - 1);
  }
}

/** The rows…cols box as text: "rows 3–5, cols 6–8". */
export const windowText = (rows: readonly number[], cols: readonly number[]) =>
  `rows ${rows[0]}–${rows[rows.length - 1]}, cols ${cols[0]}–${cols[cols.length - 1]}`;
