// A map over the photo: one non-negative value per input pixel (a saliency map, an upsampled Grad-CAM),
// row-major, at the Input's H×W.
export interface Heatmap {
  width: number;
  height: number;
  data: Float32Array;
}

/** The largest value and where it is (the first, in row-major order). */
export function peakOf(map: Heatmap): { value: number; x: number; y: number } {
  let at = 0;
  for (let i = 1; i < map.data.length; i++) if (map.data[i] > map.data[at]) at = i;
  return { value: map.data[at], x: at % map.width, y: Math.floor(at / map.width) };
}

/**
 * Bilinear resize with half-pixel centres (TF's resize_bilinear with half_pixel_centers, PyTorch's
 * align_corners=False), edges clamped: how Grad-CAM's coarse map is brought to the photo.
 */
export function upsample(map: Heatmap, width: number, height: number): Heatmap {
  const out = new Float32Array(width * height);
  const sx = map.width / width, sy = map.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), map.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, map.height - 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), map.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, map.width - 1), wx = fx - x0;
      const top = map.data[y0 * map.width + x0] * (1 - wx) + map.data[y0 * map.width + x1] * wx;
      const bottom = map.data[y1 * map.width + x0] * (1 - wx) + map.data[y1 * map.width + x1] * wx;
      out[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return { width, height, data: out };
}
