/** A convolution's kernels as small pictures, one per output channel: an RGB kernel (3 input channels) as colour,
 *  any other as gray (the mean over its input channels). One scale for the whole layer, zero at mid-gray, so
 *  the tiles compare with each other and a kernel that learnt nothing stays flat. Pure. */
import type { Tensor } from '../src/index.ts';

export interface KernelImages {
  /** Pixels of one tile. */
  width: number;
  height: number;
  /** One RGBA tile (width × height × 4) per output channel. */
  tiles: Uint8ClampedArray[];
  /** The largest |weight| of the layer: ±scale map to white and black (each colour channel for RGB). */
  scale: number;
}

/** `kernel`: Keras' Conv2D layout [KH, KW, Cin, Cout]. */
export function kernelImages(kernel: Tensor): KernelImages {
  if (kernel.shape.length !== 4) throw new Error(`a conv kernel is KH×KW×Cin×Cout, this one is ${kernel.shape.join('×')}`);
  const [kh, kw, cin, cout] = kernel.shape;
  const rgb = cin === 3;
  const at = (y: number, x: number, i: number, o: number) => kernel.data[((y * kw + x) * cin + i) * cout + o];
  let scale = 0;
  for (const v of kernel.data) scale = Math.max(scale, Math.abs(v));
  const byte = (v: number) => Math.round(127.5 + (scale > 0 ? (127.5 * v) / scale : 0));
  const tiles = Array.from({ length: cout }, (_, o) => {
    const tile = new Uint8ClampedArray(kh * kw * 4);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++) {
        const p = (y * kw + x) * 4;
        if (rgb) for (let k = 0; k < 3; k++) tile[p + k] = byte(at(y, x, k, o));
        else {
          let sum = 0;
          for (let i = 0; i < cin; i++) sum += at(y, x, i, o);
          tile[p] = tile[p + 1] = tile[p + 2] = byte(sum / cin);
        }
        tile[p + 3] = 255;
      }
    return tile;
  });
  return { width: kw, height: kh, tiles, scale };
}
