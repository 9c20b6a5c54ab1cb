// Never a silent wrong answer: a plan with no dispatch returns the right values on the paths users take
// (timed, as the CLI and the editor run), and any GPU error during a run fails that run, names the node
// where it is known, and leaves nothing that could be shown as a result — in the engine, the incremental
// session (the editor's), the activation pictures and the CLI. The errors are real: WebGPU rejects a
// dispatch the test makes invalid (src/testing/gpu-fault.ts).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { randomInput } from '../testing/compare.ts';
import { runCli } from '../testing/cli-run.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { failDispatchOf } from '../testing/gpu-fault.ts';
import { Engine, GpuRunError } from './engine.ts';
import { materializeWeights, runReference } from './reference.ts';
import { Session } from './session.ts';
import { Visualizer } from './visualize.ts';

const gpu = await testGpu();

const chain: GraphFile = {
  format: 'deepwire-graph', version: 1, seed: 5,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [6, 6, 3] } },
    { id: 'a', op: 'Conv2D', inputs: ['x'], attrs: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'b', op: 'Conv2D', inputs: ['a'], attrs: { filters: 4, kernel_size: 3, padding: 'same' } },
    { id: 'c', op: 'MaxPool2D', inputs: ['b'], attrs: { pool_size: 2 } },
  ],
  outputs: ['c'],
};

const viewsOnly: GraphFile = {
  format: 'deepwire-graph', version: 1,
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [3, 4, 2] } },
    { id: 'flat', op: 'Flatten', inputs: ['x'] },
  ],
  outputs: ['flat'],
};

describe.skipIf(!gpu)('a plan with no dispatch', () => {
  it('returns its input, timed or not, in the engine and in a session', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(viewsOnly);
    const x = randomInput([1, 3, 4, 2], 'x');
    const compiled = engine.compile(report, new Map());
    expect(compiled.plan.steps).toEqual([]);
    for (const timing of [true, false]) {
      const result = await compiled.run({ x }, { timing });
      expect(result.tensors.get('flat')).toEqual({ shape: [1, 24], data: x.data });
      if (timing) expect(result.timings).toMatchObject({ nodes: [], totalMs: 0 });
    }
    const session = new Session(engine);
    await session.run(viewsOnly, { feeds: { x }, timing: true });
    expect((await session.tensor('flat'))?.data).toEqual(x.data);
  });
});

describe.skipIf(!gpu)('a GPU error during a run', () => {
  const x = randomInput([1, 6, 6, 3], 'x');
  const want = runReference(analyzeGraph(chain), { x }, { seed: 5, outputs: ['a', 'b', 'c'] }).tensors;

  it('a weight upload the GPU refuses fails the build: no numbers from unwritten weights; it builds right afterwards', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(chain);
    const compiled = engine.compile(report, materializeWeights(report, 5));
    const queue = engine.device.queue;
    const write = queue.writeBuffer;
    // Past the end of the weights' buffers: WebGPU reports it as a validation error, not an exception.
    queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, ...rest: unknown[]) {
      return (write as (...a: unknown[]) => void).call(this, buffer, buffer.label.startsWith('weights') ? offset + buffer.size : offset, ...rest);
    } as GPUQueue['writeBuffer'];
    try {
      const failure = await compiled.run({ x }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(GpuRunError);
      expect(failure).toMatchObject({ kind: 'validation' });
      expect((failure as Error).message).toMatch(/^the GPU reported a validation error uploading the graph's weights: /);
    } finally {
      queue.writeBuffer = write;
    }
    const ok = await compiled.run({ x });
    expectClose(ok.tensors.get('c')!.data, want.get('c')!.data, TOLERANCE.conv);
    compiled.destroy();
  });

  it('fails the run with the node it concerns, timed or not; the same graph runs right afterwards', async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(chain);
    const compiled = engine.compile(report, materializeWeights(report, 5), { keep: ['a', 'b', 'c'] });
    await compiled.prepare();
    for (const timing of [false, true]) {
      const undo = failDispatchOf('b');
      try {
        const failure = await compiled.run({ x }, { timing }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(GpuRunError);
        expect(failure).toMatchObject({ kind: 'validation', node: 'b' });
        expect((failure as Error).message).toMatch(/^the GPU reported a validation error during the run: /);
      } finally {
        undo();
      }
    }
    const ok = await compiled.run({ x }, { read: ['c'] });
    expectClose(ok.tensors.get('c')!.data, want.get('c')!.data, TOLERANCE.conv);
  });

  it("leaves the caller's arrays (RunOptions.into) as they were when the run fails", async () => {
    const engine = await Engine.create(async () => gpu);
    const report = analyzeGraph(chain);
    const compiled = engine.compile(report, materializeWeights(report, 5), { keep: ['a', 'b', 'c'] });
    const into = { a: new Float32Array(6 * 6 * 4).fill(-7), c: new Float32Array(3 * 3 * 4).fill(-7) };
    await compiled.prepare();
    const undo = failDispatchOf('b');
    try {
      await expect(compiled.run({ x }, { read: ['a', 'c'], into })).rejects.toMatchObject({ name: 'GpuRunError', node: 'b' });
    } finally {
      undo();
    }
    // 'a' ran before the failing dispatch and its values were read back: they still must not land.
    expect(into.a.every((v) => v === -7) && into.c.every((v) => v === -7)).toBe(true);
    const ok = await compiled.run({ x }, { read: ['a', 'c'], into });
    expectClose(into.c, want.get('c')!.data, TOLERANCE.conv);
    expect(ok.tensors.get('a')!.data).toBe(into.a);
  });

  it('makes the session (the editor\'s runs) forget every result, then recompute all of them', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    await session.run(chain, { feeds: { x }, timing: true });
    expect(session.nodes).toContain('c');
    // An edit downstream of 'a': the rerun computes b and c; a's earlier result must not outlive the failure either.
    const edited: GraphFile = { ...chain, nodes: chain.nodes.map((n) => (n.id === 'c' ? { ...n, attrs: { pool_size: 3 } } : n)) };
    const undo = failDispatchOf('c');
    try {
      await expect(session.run(edited, { feeds: { x }, timing: true })).rejects.toMatchObject({ name: 'GpuRunError', node: 'c' });
    } finally {
      undo();
    }
    expect(session.nodes).toEqual([]);
    for (const id of ['a', 'b', 'c']) expect(await session.tensor(id), id).toBeNull();
    const again = await session.run(chain, { feeds: { x }, timing: true });
    expect(again.ran).toEqual(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) expectClose((await session.tensor(id))!.data, want.get(id)!.data, TOLERANCE.conv);
  });

  it('fails the activation pictures too, instead of drawing what the buffers hold', async () => {
    const viz = new Visualizer(gpu!.device);
    const source = viz.upload(want.get('a')!);
    const undo = failDispatchOf('partials');
    try {
      await expect(viz.stats(source)).rejects.toMatchObject({ name: 'GpuRunError', kind: 'validation' });
    } finally {
      undo();
    }
    expect((await viz.stats(source)).max[0]).toBeCloseTo(Math.max(...want.get('a')!.data.filter((_, i) => i % 4 === 0)), 5);
    viz.destroy();
  });

  it('makes `deepwire run` exit non-zero, name the node and write nothing', async () => {
    const undo = failDispatchOf('b2_3x3'); // the node named inception_3a_3x3
    let result;
    try {
      result = await runCli(['run', 'examples/inception-3a.json', '--out', 'out/fault']);
    } finally {
      undo();
    }
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^deepwire: inception_3a_3x3: the GPU reported a validation error during the run: .*— no results were kept/m);
    expect(result.written.size).toBe(0);
    expect(result.stdout).not.toMatch(/\.npy/);
  });
});
