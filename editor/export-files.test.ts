// Export ▸ PyTorch and Export ▸ Keras script: the files the editor downloads, as the CLI writes them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphFile } from '../src/index.ts';
import { kerasScriptFile, pytorchFiles } from './export-files.ts';

const inception = JSON.parse(readFileSync('examples/inception-3a.json', 'utf8')) as GraphFile;

describe('the editor\'s Export files', () => {
  it('PyTorch: NAME.py, a module that loads NAME.npz beside it, and the .npz (a zip, as numpy writes it)', () => {
    const { files, summary } = pytorchFiles(inception, analyzeGraph(inception), new Map());
    expect(files.map((f) => f.name)).toEqual(['inception_3a.py', 'inception_3a.npz']);
    const script = new TextDecoder().decode(files[0].data);
    expect(script).toContain('class Inception3a(nn.Module):');
    expect(script).toContain("WEIGHTS = Path(__file__).with_name('inception_3a.npz')");
    expect([...files[1].data.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(summary).toBe('inception_3a.py (class Inception3a, 7 layers) and its weights inception_3a.npz; python3 inception_3a.py IN.npy OUT.npy runs it');
  });

  it('Keras script: NAME.py', () => {
    const { files } = kerasScriptFile(inception, analyzeGraph(inception));
    expect(files.map((f) => f.name)).toEqual(['inception_3a.py']);
    expect(new TextDecoder().decode(files[0].data)).toContain('tf.keras.layers.Concatenate(');
  });

  it('refuses a graph with problems, naming the first', () => {
    const broken = JSON.parse(readFileSync('examples/broken-add.json', 'utf8')) as GraphFile;
    expect(() => pytorchFiles(broken, analyzeGraph(broken), new Map())).toThrow(/cannot export a graph with problems: add: Add needs equal shapes/);
  });
});
