import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../src/index.ts';
import { fieldOnPhoto, fieldsOf, fieldText, photoInput } from './node-fields.ts';

const demo = analyzeGraph(JSON.parse(readFileSync(new URL('../examples/inception-v1-stem.json', import.meta.url), 'utf8')));
/** What the photo preview is to these functions: its size. */
const photo = (width: number, height: number) => ({ width, height }) as ImageData;

describe('receptive fields as the editor shows them', () => {
  it("gives the inspector's line and where output (0, 0) looks", () => {
    expect(fieldText(demo, 'concat')).toEqual({
      text: '59×59 px, stride 8',
      title: 'In the pixels of input_1: output (0, 0) sees rows -22…36 and columns -22…36 (below 0: padding past the edge); each step along the map moves its field 8 px down or 8 px across',
    });
    expect(fieldText(demo, 'input')?.text).toBe('1×1 px, stride 1');
    expect(fieldsOf(demo)).toBe(fieldsOf(demo)); // once per analysed graph
  });

  it('says a Dense after global pooling sees the whole input', () => {
    const r = analyzeGraph({ format: 'deepwire-graph', version: 1, nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [8, 8, 3] } },
      { id: 'gap', op: 'GlobalAveragePool2D', inputs: ['x'] },
      { id: 'fc', op: 'Dense', inputs: ['gap'], attrs: { units: 2 } },
    ] });
    expect(fieldText(r, 'fc')?.text).toBe('the whole input (Dense: each unit weighs every value of its input vector)');
    expect(fieldText(r, 'gap')?.text).toBe('the whole input (global average pooling: each value is the mean of a whole map)');
  });

  it('draws on the photo only the fields of the Input it is fed to', () => {
    const two = analyzeGraph({ format: 'deepwire-graph', version: 1, nodes: [
      { id: 'noise', op: 'Input', attrs: { shape: [16, 16, 5] } },
      { id: 'x', op: 'Input', attrs: { shape: [16, 16, 3] } },
      { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 2, kernel_size: 3 } },
      { id: 'b', op: 'Conv2D', inputs: ['noise'], attrs: { filters: 2, kernel_size: 3 } },
    ] });
    expect(photoInput(two, photo(16, 16))).toBe('x');
    expect(photoInput(two, photo(20, 16))).toBeNull();
    expect(photoInput(two, null)).toBeNull();
    expect(fieldOnPhoto(two, 'a', photo(16, 16))).toMatchObject({ kind: 'window', size: [3, 3] });
    expect(fieldOnPhoto(two, 'b', photo(16, 16))).toBeNull();
  });
});
