// `deepwire fit` and `deepwire evaluate` as a user runs them, on .npy data: Keras' epoch lines, a model
// that learns a separable task, the saved model (Keras JSON + weights) that `deepwire run` opens and
// that `--epochs 0` writes with the initial weights, --augment, and the one-line refusals.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../io/npy.ts';
import { runCli } from '../testing/cli-run.ts';
import { testGpu } from '../testing/gpu.ts';
import { uniforms } from '../weights/random.ts';

const gpu = await testGpu();

/** 128 samples of 4×4×1: class 1 where the left half is brighter than the right. */
async function dataset(dir: string): Promise<{ x: string; y: string }> {
  const n = 128;
  const x = Float32Array.from(uniforms(n * 16, 1, 'x'));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let p = 0; p < 16; p++) d += (p % 4 < 2 ? 1 : -1) * x[i * 16 + p];
    y[i] = d > 0 ? 1 : 0;
  }
  const paths = { x: join(dir, 'x.npy'), y: join(dir, 'y.npy') };
  await writeFile(paths.x, writeNpy({ shape: [n, 4, 4, 1], data: x }));
  await writeFile(paths.y, writeNpy({ shape: [n], data: y }));
  return paths;
}

const GRAPH = {
  format: 'deepwire-graph', version: 1, seed: 2,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [4, 4, 1] } },
    { id: 'conv', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'flat', op: 'Flatten', inputs: ['conv'] },
    { id: 'classes', op: 'Dense', inputs: ['flat'], attrs: { units: 2, activation: 'softmax' } },
  ],
  outputs: ['classes'],
};

/** A fresh folder with the data set and GRAPH written into it. */
async function workspace(): Promise<{ dir: string; x: string; y: string; graph: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'deepwire-fit-'));
  const graph = join(dir, 'graph.json');
  await writeFile(graph, JSON.stringify(GRAPH));
  return { dir, graph, ...(await dataset(dir)) };
}

describe.skipIf(!gpu)('deepwire fit and evaluate', () => {
  it('trains with Keras\' epoch lines, learns, saves a model deepwire run opens', async () => {
    const { dir, x, y, graph } = await workspace();
    const out = join(dir, 'trained.json');
    const fit = await runCli(['fit', graph, '--data', `${x},${y}`, '--epochs', '8', '--batch-size', '8', '--optimizer', 'adam', '--learning-rate', '0.02', '--validation-split', '0.25', '--save', out, '--history', join(dir, 'history.json')]);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toContain("compile(optimizer=adam(learning_rate=0.02), loss='sparse_categorical_crossentropy', metrics=['accuracy']), batch 8");
    const epochs = [...fit.stdout.matchAll(/^Epoch (\d)\/8 - \d+s [\d.]+ms\/sample - loss: ([\d.]+) - accuracy: ([\d.]+) - val_loss: ([\d.]+) - val_accuracy: ([\d.]+)$/gm)];
    expect(epochs.map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const [first, last] = [epochs[0], epochs[7]];
    expect(Number(last[2]), 'training loss falls').toBeLessThan(Number(first[2]));
    expect(Number(last[5]), 'validation accuracy of a separable task').toBeGreaterThanOrEqual(0.75);
    expect([...fit.written.keys()]).toEqual([join(dir, 'history.json'), out, join(dir, 'trained.weights.bin')]);
    // --history: Keras' History, the printed epochs' numbers, and every batch's loss.
    const history = JSON.parse(new TextDecoder().decode(fit.written.get(join(dir, 'history.json'))));
    expect(history.history.loss.map((v: number) => v.toFixed(4))).toEqual(epochs.map((m) => m[2]));
    expect(history.history.val_accuracy.map((v: number) => v.toFixed(4))).toEqual(epochs.map((m) => m[5]));
    expect(history.params).toMatchObject({ epochs: 8, batchSize: 8, validationSplit: 0.25, optimizer: { name: 'adam', learningRate: 0.02 } });
    expect(history.batches.loss.length).toBe(history.params.steps.reduce((a: number, b: number) => a + b, 0));
    expect(history.batches.loss.every(Number.isFinite)).toBe(true);

    for (const [path, bytes] of fit.written) await writeFile(path, bytes);
    const evaluated = await runCli(['evaluate', out, '--data', `${x},${y}`, '--batch-size', '8']);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/^x\.npy: loss: [\d.]+ - accuracy: (0\.[89]\d+|1\.0+)\n$/);
    const run = await runCli(['run', out, '--input', x, '--out', join(dir, 'out')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('--augment puts RandomFlip and RandomTranslation after the Input while training; the saved model is the graph as given', async () => {
    const { dir, x, y, graph } = await workspace();
    const out = join(dir, 'trained.json');
    // a vertical flip and small shifts keep the task's label (left half brighter)
    const fit = await runCli(['fit', graph, '--data', `${x},${y}`, '--epochs', '6', '--batch-size', '8', '--learning-rate', '0.02', '--validation-split', '0.25', '--augment', 'flip=vertical,translate=0.1', '--save', out]);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toContain('augmented by RandomFlip + RandomTranslation');
    const accuracy = [...fit.stdout.matchAll(/val_accuracy: ([\d.]+)$/gm)].map((m) => Number(m[1]));
    expect(accuracy.at(-1), 'validation accuracy of a separable task').toBeGreaterThanOrEqual(0.75);
    const saved = new TextDecoder().decode(fit.written.get(out));
    expect(saved).not.toContain('Random');
  });

  it('--steps-per-epoch beyond the data: the batches there are, and a note that says so', async () => {
    const { x, y, graph } = await workspace();
    const fit = await runCli(['fit', graph, '--data', `${x},${y}`, '--epochs', '1', '--batch-size', '32', '--steps-per-epoch', '10']);
    expect(fit.code).toBe(0);
    expect(fit.stderr).toBe('note: --steps-per-epoch 10 asks for more batches than the training samples make: each epoch runs 4 batches of 32\n');
    expect(fit.stdout).toMatch(/^Epoch 1\/1 - /m);
    const fewer = await runCli(['fit', graph, '--data', `${x},${y}`, '--epochs', '1', '--batch-size', '32', '--steps-per-epoch', '3']);
    expect(fewer.stderr).toBe('');
  });

  it('--epochs 0 --save writes the initial weights without data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deepwire-fit-'));
    const graph = join(dir, 'graph.json');
    await writeFile(graph, JSON.stringify(GRAPH));
    const saved = await runCli(['fit', graph, '--epochs', '0', '--save', join(dir, 'initial.json')]);
    expect(saved.code).toBe(0);
    const exported = await runCli(['export-keras', graph, join(dir, 'initial.json')]);
    expect(saved.written.get(join(dir, 'initial.weights.bin'))).toEqual(exported.written.get(join(dir, 'initial.weights.bin')));
  });

  it('says in one line what is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deepwire-fit-'));
    const { x, y } = await dataset(dir);
    const graph = join(dir, 'graph.json');
    await writeFile(graph, JSON.stringify(GRAPH));
    expect((await runCli(['fit', graph, '--epochs', '1'])).stderr).toBe("deepwire: fit and evaluate need --data — e.g. --data fashion-mnist, --data photos/ (one folder per class) or --data x.npy,y.npy\n");
    expect((await runCli(['fit', graph, '--data', `${x},${y}`, '--optimizer', 'adagrad'])).stderr).toBe("deepwire: unknown optimizer 'adagrad' — use one of sgd, adam, rmsprop\n");
    expect((await runCli(['fit', graph, '--data', `${x},${y}`, '--batch-size', '200'])).stderr).toBe('deepwire: 128 training samples make no batch of 200 — use --batch-size 128 or less, or more data\n');
    expect((await runCli(['fit', graph, '--data', `${x},${y}`, '--save', 'model.h5'])).code).toBe(2);
    expect((await runCli(['fit', graph, '--data', `${x},${y}`, '--samples', '500'])).stderr).toBe('deepwire: --samples 500 is more than the 128 training samples of x.npy — use --samples 128 or less\n');
    // --samples takes x_train[:N]: 20 samples make 2 batches of 8 an epoch.
    const few = await runCli(['fit', graph, '--data', `${x},${y}`, '--samples', '20', '--batch-size', '8', '--history', join(dir, 'h.json')]);
    expect(few.stderr).toBe('');
    expect(JSON.parse(new TextDecoder().decode(few.written.get(join(dir, 'h.json')))).params.steps).toEqual([2]);
    const rotate = await runCli(['fit', graph, '--data', `${x},${y}`, '--augment', 'rotate']);
    expect(rotate.code).toBe(2);
    expect(rotate.stderr).toMatch(/^deepwire: --augment: unknown augmentation 'rotate' — use flip/);
  });
});
