// `deepwire run --saliency/--grad-cam` on the CPU backend, in-process: the PNG decodes at the photo's
// size and its hot region (the colormap's top, drawn opaque) is small and centred where the computed map peaks;
// the printed score and peak are the map's; mistakes get one-line messages. The WebGPU path of the
// same maps is checked against this reference in src/explain/saliency-gradients.gpu.test.ts.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../cli.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { imageToTensor } from '../io/image.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { colormapTable } from '../runtime/colormaps.ts';
import { camClassifier } from '../testing/saliency-graphs.ts';
import { peakOf } from '../explain/heatmap.ts';
import { photoToInput, quantileOf as quantile } from '../explain/heatmap-overlay.ts';
import { whereItLooks } from '../explain/where-it-looks.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PHOTO = 'public/samples/chelsea.png';

async function cli(argv: string[], virtual: Record<string, string> = {}) {
  const result = { code: -1, stdout: '', stderr: '', written: new Map<string, Uint8Array>() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => (virtual[path] !== undefined ? new TextEncoder().encode(virtual[path]) : readFile(new URL(path, `file://${ROOT}`))),
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main([...argv, '--backend', 'cpu'], io);
  return result;
}

const graphFile = { ...camClassifier(), seed: 5 };
const GRAPH = { 'net.json': JSON.stringify(graphFile) };

/** Each photo pixel's colormap entry (the map drawn opaque: its colour is the nearest entry of magma's table). */
function colourIndices(png: { width: number; height: number; data: ArrayLike<number> }): Uint8Array {
  const lut = colormapTable('magma');
  const out = new Uint8Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b] = [png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2]];
    let nearest = Infinity;
    for (let k = 0; k < 256; k++) {
      const c = lut[k];
      const d = (r - (c & 255)) ** 2 + (g - ((c >> 8) & 255)) ** 2 + (b - ((c >> 16) & 255)) ** 2;
      if (d < nearest) [nearest, out[i]] = [d, k];
    }
  }
  return out;
}

describe('deepwire run --saliency / --grad-cam', () => {
  const report = analyzeGraph(graphFile);
  const weights = materializeWeights(report, 5);

  for (const [flag, kind] of [['--saliency', 'saliency'], ['--grad-cam', 'grad-cam']] as const)
    it(`${flag} probs --class C writes the map over the photo, hot where the map peaks`, async () => {
      const x = imageToTensor(new Uint8Array(await readFile(`${ROOT}${PHOTO}`)), [10, 10, 3], { resize: 'crop', preprocess: 'unit' }).tensor;
      // A class whose map is not zero everywhere (Grad-CAM's ReLU can leave nothing of a class).
      let c = 0, map;
      for (; c < 4; c++) {
        const want = await whereItLooks(null, report, weights, x, { node: 'probs', class: c }, { gradCam: kind === 'grad-cam' || undefined });
        map = kind === 'grad-cam' ? want.gradCam!.map : want.saliency;
        if (peakOf(map).value > 0) break;
      }
      const peak = peakOf(map!);
      expect(peak.value).toBeGreaterThan(0);

      const { code, stdout, stderr, written } = await cli(['run', 'net.json', '--image', PHOTO, flag, 'probs', '--class', String(c), '--out-png', 'map.png', '--opacity', '1'], GRAPH);
      expect(stderr).not.toMatch(/deepwire:/);
      expect(code).toBe(0);
      const photo = decodePng(new Uint8Array(await readFile(`${ROOT}${PHOTO}`)));
      const png = decodePng(written.get('map.png')!);
      expect([png.width, png.height]).toEqual([photo.width, photo.height]);
      expect(stdout).toContain(`at input pixel (x ${peak.x}, y ${peak.y}) of 10×10`);
      expect(stdout).toContain(`score: class ${c} of 'probs' (logit, before the softmax) = `);
      // The hot region (the colormap's top entries) is small, holds the map's peak, and lies where the map is high.
      const index = colourIndices(png);
      const toInput = photoToInput(png.width, png.height, 10, 10, 'crop');
      let count = 0, atPeak = 0, coldest = Infinity;
      for (let i = 0; i < index.length; i++) {
        const [ix, iy] = toInput(i % png.width, Math.floor(i / png.width)).map(Math.round);
        if (ix === peak.x && iy === peak.y) atPeak = Math.max(atPeak, index[i]);
        if (index[i] < 250) continue;
        count++;
        coldest = Math.min(coldest, map!.data[iy * 10 + ix]);
      }
      expect(atPeak).toBeGreaterThanOrEqual(250);
      expect(count).toBeGreaterThan(0);
      expect(count / index.length).toBeLessThan(0.1);
      // Saliency saturates at its 99th percentile, Grad-CAM at its peak: hot pixels are within the top of the map.
      expect(coldest).toBeGreaterThanOrEqual((kind === 'grad-cam' ? 0.8 : 0.5) * quantile(map!, 0.99));
    });

  it('explains the top class when none is named, and a channel by NODE:CHANNEL', async () => {
    const top = await cli(['run', 'net.json', '--saliency', 'probs', '--out-png', 'a.png'], GRAPH);
    expect(top.code).toBe(0);
    expect(top.stderr).toMatch(/explaining the top class, \d/);
    expect(top.stdout).toMatch(/a\.png: 10×10 PNG, the map alone/);
    const channel = await cli(['run', 'net.json', '--grad-cam', 'c2:3', '--layer', 'c1', '--out-png', 'b.png'], GRAPH);
    expect(channel.code).toBe(0);
    expect(channel.stdout).toMatch(/score: channel 3 of 'c2' \(mean over 9 positions\)/);
    expect(channel.stdout).toMatch(/Grad-CAM on 'c1' \(8×8 maps\)/);
  });

  it('says what is wrong in one line', async () => {
    const run = (...args: string[]) => cli(['run', 'net.json', ...args], GRAPH);
    expect((await run('--saliency', 'c2', '--class', '1')).stderr).toMatch(/--class needs a classifier output; 'c2' outputs 3×3×6 maps — pick a channel instead: --saliency c2:0/);
    expect((await run('--saliency', 'nope')).stderr).toMatch(/--saliency 'nope' is neither a node id nor a node name/);
    expect((await run('--saliency', 'c2:6')).stderr).toMatch(/'c2' has 6 channels, not a channel 6/);
    expect((await run('--saliency', 'probs', '--class', 'cat')).stderr).toMatch(/the output's 4 classes have no names/);
    expect((await run('--class', '1')).stderr).toMatch(/--class applies to a map/);
    expect((await run('--saliency', 'probs', '--opacity', '2')).stderr).toMatch(/--opacity must be a number in 0…1/);
    expect((await run('--saliency', 'probs', '--grad-cam', 'probs')).code).toBe(2);
    expect((await run('--saliency', 'probs', '--output', 'c1')).stderr).toMatch(/--output writes tensors/);
    expect((await run('--grad-cam', 'probs', '--layer', 'gap')).stderr).toMatch(/Grad-CAM's layer needs H×W×C maps/);
  });
});
