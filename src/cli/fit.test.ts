// `deepwire fit` and `evaluate` refuse, in one line and before any GPU work, data that cannot train
// the model: labels the output has no value for, samples of another shape, a one-class folder, and
// --data that names no dataset. No adapter is needed: they are refused before the engine starts.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../io/npy.ts';
import { runCli } from '../testing/cli-run.ts';

const GRAPH = {
  format: 'deepwire-graph', version: 1, seed: 2,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [4, 4, 1] } },
    { id: 'flat', op: 'Flatten', inputs: ['x'] },
    { id: 'classes', op: 'Dense', inputs: ['flat'], attrs: { units: 2, activation: 'softmax' } },
  ],
  outputs: ['classes'],
};

/** A folder with GRAPH, 16 samples of 4×4×1 and two label files: classes 0–1, and 0–11. */
async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'deepwire-fit-'));
  const paths = { dir, graph: join(dir, 'graph.json'), x: join(dir, 'x.npy'), y: join(dir, 'y.npy'), wide: join(dir, 'wide.npy') };
  await writeFile(paths.graph, JSON.stringify(GRAPH));
  await writeFile(paths.x, writeNpy({ shape: [16, 4, 4, 1], data: new Float32Array(256) }));
  await writeFile(paths.y, writeNpy({ shape: [16], data: Float32Array.from({ length: 16 }, (_, i) => i % 2) }));
  await writeFile(paths.wide, writeNpy({ shape: [16], data: Float32Array.from({ length: 16 }, (_, i) => i % 12) }));
  return paths;
}

describe('deepwire fit and evaluate refuse data that does not fit', () => {
  it('refuses labels the output has no value for, naming the layer to widen; nothing is written', async () => {
    const { dir, graph, x, wide } = await workspace();
    const refused = await runCli(['fit', graph, '--data', `${x},${wide}`, '--epochs', '1', '--save', join(dir, 'never.json'), '--history', join(dir, 'never-h.json')]);
    expect(refused.stderr).toBe("deepwire: the training data has labels up to 11 (12 classes), but the output 'dense' [classes] has 2 values a sample, one a class — set the units of 'dense' [classes] to 12\n");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.written.size).toBe(0);
  });

  it('refuses samples of another shape than the Input\'s, in evaluate too', async () => {
    const { dir, x, y } = await workspace();
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ ...GRAPH, nodes: [{ id: 'x', op: 'Input', attrs: { shape: [8, 8, 1] } }, ...GRAPH.nodes.slice(1)] }));
    expect((await runCli(['evaluate', big, '--data', `${x},${y}`])).stderr).toBe("deepwire: the data's samples are 4×4×1, but the graph's Input 'input_1' [x] takes 8×8×1 — give data of that shape, or change the Input's shape to 4×4×1\n");
  });

  it('refuses a folder of one class', async () => {
    const { dir, graph } = await workspace();
    await mkdir(join(dir, 'photos', 'cats'), { recursive: true });
    await writeFile(join(dir, 'photos', 'cats', 'a.png'), encodePng({ width: 4, height: 4, channels: 1, data: new Uint8Array(16) }));
    const refused = await runCli(['fit', graph, '--data', join(dir, 'photos')]);
    expect(refused.stderr).toBe(`deepwire: ${join(dir, 'photos')} holds one class ('cats'): a classifier learns nothing from one — add a subfolder of images for each other class\n`);
    expect(refused.code).toBe(1);
  });

  it('refuses a run that would do nothing', async () => {
    const { graph, x, y } = await workspace();
    const idle = await runCli(['fit', graph, '--data', `${x},${y}`, '--epochs', '0']);
    expect(idle.stderr).toBe('deepwire: --epochs 0 trains nothing, and without --save nothing is written — add --save OUT.json to write the initial weights, or use deepwire evaluate\n');
    expect(idle.code).toBe(2);
  });

  it('says what --data wanted when it names no dataset', async () => {
    const { graph, x } = await workspace();
    expect((await runCli(['fit', graph, '--data', 'fashion_mnist'])).stderr).toBe('deepwire: --data fashion_mnist: no such dataset or folder — did you mean --data fashion-mnist?\n');
    expect((await runCli(['fit', graph, '--data', x])).stderr).toBe(`deepwire: --data ${x}: a .npy of samples needs its labels beside it — give both: --data ${x},Y.npy\n`);
  });
});
