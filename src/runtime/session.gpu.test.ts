// Incremental runs on a real device: after an edit only the changed nodes and their descendants run,
// and every node's result still equals a fresh CPU reference run of the edited graph.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile } from '../graph/types.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { Engine } from './engine.ts';
import { materializeWeights, runReference } from './reference.ts';
import { RunCancelled, Session } from './session.ts';

const gpu = await testGpu();

/** Two branches into a concat (written in place), one of them conv → BN → ReLU (fusable). */
function graph(b2Filters = 4): GraphFile {
  return {
    format: 'deepwire-graph', version: 1, seed: 3,
    nodes: [
      { id: 'x', op: 'Input', attrs: { shape: [7, 9, 3] } },
      { id: 'b1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 5, kernel_size: 3, padding: 'same', activation: 'relu' } },
      { id: 'b2', op: 'Conv2D', inputs: ['x'], attrs: { filters: b2Filters, kernel_size: 1 } },
      { id: 'bn', op: 'BatchNormalization', inputs: ['b2'], attrs: { moving_mean_initializer: { class_name: 'RandomUniform', config: { minval: -0.2, maxval: 0.2 } } } },
      { id: 'act', op: 'ReLU', inputs: ['bn'] },
      { id: 'cat', op: 'Concatenate', inputs: ['b1', 'act'] },
      { id: 'pool', op: 'MaxPool2D', inputs: ['cat'], attrs: { pool_size: 2 } },
    ],
    outputs: ['pool'],
  };
}

const ALL = ['b1', 'b2', 'bn', 'act', 'cat', 'pool'];

async function expectMatchesReference(session: Session, g: GraphFile, x: ReturnType<typeof randomInput>, ids = ALL): Promise<void> {
  const report = analyzeGraph(g);
  const want = runReference(report, { x }, { seed: g.seed, outputs: ids }).tensors;
  for (const id of ids) {
    const got = await session.tensor(id);
    expect(got?.shape, id).toEqual(want.get(id)!.shape);
    expectClose(got!.data, want.get(id)!.data, TOLERANCE.conv);
  }
}

describe.skipIf(!gpu)('Session', () => {
  it('runs everything once, nothing when nothing changed, then only an edited branch and what follows it', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    const x = randomInput([1, 7, 9, 3], 'x');

    const first = await session.run(graph(), { feeds: { x } });
    expect(first.ran).toEqual(ALL);
    expect(first.compiled).toBe('new');
    await expectMatchesReference(session, graph(), x);

    const again = await session.run(graph(), { feeds: { x: { shape: x.shape, data: x.data.slice() } } });
    expect(again).toMatchObject({ ran: [], compiled: 'none', reused: ALL });

    // b2's filters change: b2, bn, act, cat and pool change shape or values; b1 is reused as a fed frontier.
    const edited = await session.run(graph(6), { feeds: { x } });
    expect(edited.ran).toEqual(['b2', 'bn', 'act', 'cat', 'pool']);
    expect(edited.reused).toEqual(['b1']);
    await expectMatchesReference(session, graph(6), x);
    expect(session.stats).toMatchObject({ runs: 3, nodesRun: 11, compiles: 2 });
    session.clear();
  });

  it('building kernels ahead for progress creates exactly the pipelines a plain run would', async () => {
    const x = randomInput([1, 7, 9, 3], 'x');
    const plain = await Engine.create(async () => gpu);
    const report = analyzeGraph(graph());
    const compiled = plain.compile(report, materializeWeights(report, 3), { keep: ALL });
    await compiled.run({ x }, { read: [] });
    compiled.destroy();
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    await session.run(graph(), { feeds: { x } });
    expect(engine.pipelinesCreated).toBe(plain.pipelinesCreated);
    session.clear();
  });

  it('a new photo reruns everything with the compiled graph it already has', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    await session.run(graph(), { feeds: { x: randomInput([1, 7, 9, 3], 'x') } });
    const pipelines = engine.pipelinesCreated;
    const y = randomInput([1, 7, 9, 3], 'y');
    const second = await session.run(graph(), { feeds: { x: y }, timing: true });
    expect(second.ran).toEqual(ALL);
    expect(second.compiled).toBe('reused');
    expect(engine.pipelinesCreated).toBe(pipelines);
    // The concat has no dispatch of its own: its inputs write straight into its buffer.
    expect(second.timings!.nodes.map((t) => t.node).sort()).toEqual(ALL.filter((id) => id !== 'cat').sort());
    await expectMatchesReference(session, graph(), y);
    session.clear();
  });

  it('without inspectAll keeps only dispatch outputs: fused nodes have no result, and an edit after them reruns from the last kept one', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    const x = randomInput([1, 7, 9, 3], 'x');
    const first = await session.run(graph(), { feeds: { x }, inspectAll: false });
    expect(first.ran).toEqual(ALL);
    // b2 → bn → act is one dispatch writing into the concat: only act has a tensor of its own.
    expect(session.gpuTensor('b2')).toBeNull();
    expect(session.gpuTensor('bn')).toBeNull();
    await expectMatchesReference(session, graph(), x, ['b1', 'act', 'cat', 'pool']);

    const g = graph();
    g.nodes[6].attrs = { pool_size: 3 };
    const edited = await session.run(g, { feeds: { x }, inspectAll: false });
    expect(edited.ran).toEqual(['pool']);
    await expectMatchesReference(session, g, x, ['pool']);

    // Asking for every node later computes only the ones that were fused away.
    const all = await session.run(g, { feeds: { x }, inspectAll: true });
    expect(all.ran).toEqual(['b2', 'bn']);
    await expectMatchesReference(session, g, x);
    session.clear();
  });

  it('a cancelled run keeps nothing of itself, and the next run completes', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    const x = randomInput([1, 7, 9, 3], 'x');
    const controller = new AbortController();
    const phases: string[] = [];
    const cancelled = session.run(graph(), {
      feeds: { x }, signal: controller.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'kernels') controller.abort();
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(RunCancelled);
    expect(phases).toContain('kernels');
    expect(await session.tensor('b1')).toBeNull();

    const next = await session.run(graph(), { feeds: { x } });
    expect(next.ran).toEqual(ALL);
    await expectMatchesReference(session, graph(), x);
    session.clear();
  });

  it('says which Input has nothing to run on, and refuses a graph with problems naming the first', async () => {
    const engine = await Engine.create(async () => gpu);
    const session = new Session(engine);
    await expect(session.run(graph(), { feeds: {} })).rejects.toThrow("Input 'input_1' has nothing to run on");
    await expect(session.run(graph(), { feeds: { x: randomInput([1, 5, 5, 3], 'x') } })).rejects.toThrow("Input 'input_1' expects N×7×9×3, got 1×5×5×3");
    const broken = graph();
    broken.nodes[5].inputs = ['b1', 'nowhere'];
    await expect(session.run(broken, { feeds: { x: randomInput([1, 7, 9, 3], 'x') } })).rejects.toThrow(/the graph has \d problem\(s\); first: .*nowhere/);
  });
});
