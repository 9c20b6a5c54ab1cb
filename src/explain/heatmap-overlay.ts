// A heatmap over the Input's H×W drawn on the photo it came from: each photo pixel is mapped to the
// Input's coordinates the way the photo was resized into it (src/io/resize.ts: crop, letterbox,
// stretch), the map sampled there bilinearly, scaled by its peak (or a quantile) and coloured with a colormap
// (src/runtime/colormaps.ts), and blended over the photo with the given opacity. Photo pixels the
// Input never saw (a crop's overhang) keep the photo, dimmed. RGBA8, for a PNG or an ImageData.
import type { Picture } from '../io/resize.ts';
import type { ResizeMode } from '../io/resize.ts';
import { colormapTable, type ColormapName } from '../runtime/colormaps.ts';
import type { Heatmap } from './heatmap.ts';

export interface OverlayOptions {
  /** How the photo was fit into the Input (default crop, as `deepwire run --image`). */
  resize?: ResizeMode;
  colormap?: ColormapName;
  /** The heatmap's weight over the photo, 0 (photo only) … 1 (map only); default 0.5. */
  opacity?: number;
  /**
   * The quantile of the map's values drawn at the colormap's top (those above saturate); default 1, the
   * peak. Saliency maps are spiky: their 0.99 quantile shows where the gradient is, not one pixel.
   */
  saturate?: number;
}

/** Where a saliency map is drawn at the colormap's top: its 99th percentile (Grad-CAM's: its peak). */
export const SALIENCY_SATURATE = 0.99;

/** The value at quantile q of the map (q = 1: the peak). */
export function quantileOf(map: Heatmap, q: number): number {
  if (q >= 1) return map.data.reduce((m, v) => Math.max(m, v), 0);
  const sorted = Float32Array.from(map.data).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Where photo pixel centre (px + 0.5, py + 0.5) falls in the Input's pixels (fractional, centres at integers). */
export function photoToInput(photoW: number, photoH: number, W: number, H: number, resize: ResizeMode): (px: number, py: number) => [number, number] {
  if (resize === 'stretch') return (px, py) => [(px + 0.5) * (W / photoW) - 0.5, (py + 0.5) * (H / photoH) - 0.5];
  if (resize === 'crop') {
    const scale = Math.max(W / photoW, H / photoH);
    const x0 = (photoW - W / scale) / 2, y0 = (photoH - H / scale) / 2;
    return (px, py) => [(px + 0.5 - x0) * scale - 0.5, (py + 0.5 - y0) * scale - 0.5];
  }
  const scale = Math.min(W / photoW, H / photoH);
  const rw = Math.min(W, Math.max(1, Math.round(photoW * scale))), rh = Math.min(H, Math.max(1, Math.round(photoH * scale)));
  const left = Math.floor((W - rw) / 2), top = Math.floor((H - rh) / 2);
  return (px, py) => [left + (px + 0.5) * (rw / photoW) - 0.5, top + (py + 0.5) * (rh / photoH) - 0.5];
}

/** The map's value at Input coordinates (x, y), bilinear; null outside the Input. */
function sample(map: Heatmap, x: number, y: number): number | null {
  if (x < -0.5 || y < -0.5 || x > map.width - 0.5 || y > map.height - 0.5) return null;
  const fx = Math.min(Math.max(x, 0), map.width - 1), fy = Math.min(Math.max(y, 0), map.height - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, map.width - 1), y1 = Math.min(y0 + 1, map.height - 1);
  const wx = fx - x0, wy = fy - y0;
  const at = (xx: number, yy: number) => map.data[yy * map.width + xx];
  return (at(x0, y0) * (1 - wx) + at(x1, y0) * wx) * (1 - wy) + (at(x0, y1) * (1 - wx) + at(x1, y1) * wx) * wy;
}

/** The photo (RGB 0–255) with the map over it (module comment). */
export function overlayHeatmap(photo: Picture, map: Heatmap, { resize = 'crop', colormap = 'magma', opacity = 0.5, saturate = 1 }: OverlayOptions = {}): Rgba {
  const { width, height } = photo;
  const toInput = photoToInput(width, height, map.width, map.height, resize);
  const top = quantileOf(map, saturate) || quantileOf(map, 1);
  const lut = colormapTable(colormap);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++) {
      const i = py * width + px;
      const [x, y] = toInput(px, py);
      const v = sample(map, x, y);
      const r = photo.data[3 * i], g = photo.data[3 * i + 1], b = photo.data[3 * i + 2];
      if (v === null) {
        data.set([r * 0.35, g * 0.35, b * 0.35, 255], 4 * i);
        continue;
      }
      const c = lut[top > 0 ? Math.round(Math.min(1, Math.max(0, v) / top) * 255) : 0];
      const a = opacity;
      data[4 * i] = r * (1 - a) + (c & 255) * a;
      data[4 * i + 1] = g * (1 - a) + ((c >> 8) & 255) * a;
      data[4 * i + 2] = b * (1 - a) + ((c >> 16) & 255) * a;
      data[4 * i + 3] = 255;
    }
  return { width, height, data };
}
