// Random graphs on WebGPU against the float64 CPU reference: what no hand-written case table covers —
// fusions, concat-in-place, buffer sharing and kernel choices meeting in orders nobody wrote (a conv
// with an odd kernel feeding a BN, a merge of two of its views, a concat of a member and its copy).
// Each graph runs on one conv path (the engine's choice, each kernel, Winograd forced, pools fused;
// not the 64×64 GEMM, whose pipelines take seconds each to build on SwiftShader: the blocks and the
// sweep cover it), with some intermediate nodes kept. A failure prints its graph, and its name the
// seed that rebuilds it (randomGraph(seededRandom(seed), …)).
import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../graph/types.ts';
import { Engine } from '../runtime/engine.ts';
import { compareWithReference } from '../testing/compare.ts';
import { convKernelPaths, type ConvPath } from '../testing/conv-paths.ts';
import { mismatches, scaledToPeak, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { seededRandom } from '../testing/mutate-graph.ts';
import { randomGraph } from '../testing/random-graph.ts';

const gpu = await testGpu();
const engine = gpu ? await Engine.create(async () => gpu) : null;

const PATHS: [string, ConvPath & { winograd?: boolean; fusePools?: boolean }][] = [
  ['the engine\'s choice', {}],
  ...convKernelPaths(!!gpu?.features.subgroups).filter(([name]) => !name.startsWith('gemm64')),
  ['Winograd forced', { winograd: true }],
  ['pools fused into 1×1 convs', { fusePools: true }],
];
const GRAPHS = 30, TWO_INPUT_GRAPHS = 12;

async function compare(graph: GraphFile, batch: number, keep: string[], path: ConvPath & { winograd?: boolean; fusePools?: boolean }): Promise<void> {
  const { gpu: out, reference, nodes } = await compareWithReference(engine!, graph, { batch, keep, ...path });
  for (const id of nodes) {
    const want = reference.get(id)!.data;
    const bad = mismatches(out.tensors.get(id)!.data, want, scaledToPeak(want, TOLERANCE.conv));
    expect(bad, `node ${id} at batch ${batch} of ${JSON.stringify(graph)}\n${bad.join('\n')}`).toEqual([]);
  }
}

describe.skipIf(!engine)('random graphs on WebGPU = the CPU reference', () => {
  for (let seed = 1; seed <= GRAPHS; seed++) {
    const [pathName, path] = PATHS[seed % PATHS.length];
    it(`seed ${seed}, ${pathName}`, async () => {
      const graph = randomGraph(seededRandom(seed), { size: 8 + (seed % 13) });
      await compare(graph, 2, seed % 3 ? [] : graph.nodes.filter((_, i) => i % 4 === 1).map((n) => n.id), path);
    });
  }

  // Two Inputs of their own shapes (one may be a vector) on branches that merge, at batch 1 and 3.
  for (let seed = 1; seed <= TWO_INPUT_GRAPHS; seed++) {
    const [pathName, path] = PATHS[(seed + 1) % PATHS.length];
    const batch = seed % 2 ? 1 : 3;
    it(`two Inputs, seed ${seed}, batch ${batch}, ${pathName}`, async () => {
      const graph = randomGraph(seededRandom(seed), { size: 6 + (seed % 9), inputs: 2 });
      await compare(graph, batch, seed % 3 ? [] : graph.nodes.filter((_, i) => i % 3 === 1).map((n) => n.id), path);
    });
  }
});
