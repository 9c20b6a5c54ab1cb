import { describe, expect, it } from 'vitest';
import { kernelImages } from './kernel-images.ts';

describe('kernel images', () => {
  it('draw each output channel of a gray kernel as a tile, zero mid-gray, ±max white and black over the layer', () => {
    // 1×2 kernels, 1 input channel, 2 output channels: [KH, KW, Cin, Cout] = [1, 2, 1, 2].
    const k = kernelImages({ shape: [1, 2, 1, 2], data: Float32Array.from([0.5, 0, -0.25, 0]) });
    expect([k.width, k.height, k.tiles.length, k.scale]).toEqual([2, 1, 2, 0.5]);
    expect([...k.tiles[0]]).toEqual([255, 255, 255, 255, 64, 64, 64, 255]); // 0.5 → white, −0.25 → a quarter below mid
    expect([...k.tiles[1]]).toEqual([128, 128, 128, 255, 128, 128, 128, 255]); // all zero: flat mid-gray
  });

  it('draw a 3-input-channel kernel in colour and average other input counts', () => {
    const rgb = kernelImages({ shape: [1, 1, 3, 1], data: Float32Array.from([1, -1, 0]) });
    expect([...rgb.tiles[0]]).toEqual([255, 0, 128, 255]);
    const two = kernelImages({ shape: [1, 1, 2, 1], data: Float32Array.from([1, -0.5]) });
    expect([...two.tiles[0]]).toEqual([159, 159, 159, 255]); // mean 0.25 of scale 1: 127.5 + 31.875
  });

  it('say what is wrong with a kernel that is not 4-D', () => {
    expect(() => kernelImages({ shape: [3, 3], data: new Float32Array(9) })).toThrow('a conv kernel is KH×KW×Cin×Cout, this one is 3×3');
  });
});
