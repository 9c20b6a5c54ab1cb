// The autotune's policy without a GPU: an engine stand-in whose conv times come from a table (per
// kernel, per tuned conv), so which candidates are timed, dropped and chosen can be read off. That the
// real measurement runs and is cached on an adapter is engine.gpu.test.ts's.
import { describe, expect, it } from 'vitest';
import type { ConvKernel } from '../compile/lower.ts';
import { TUNE_CONVS, TUNE_POOL, TUNE_SPLIT_TARGETS, tuneConvKernel } from './autotune.ts';
import type { Engine } from './engine.ts';

/**
 * An engine whose runs report `table[kernel][conv]` ms as timestamps (at the default split-K target;
 * `splits[target]` on the late conv at another; `pools` for TUNE_POOL apart and fused), recording what
 * was compiled ("kernel conv", plus "@target" where not the default; "kernel pool apart|fused").
 */
function timedEngine(table: Partial<Record<ConvKernel, [number, number]>>, splits: Record<number, number> = {}, pools: { apart: number; fused: number } | 'fails' = { apart: 1, fused: 2 }) {
  const compiled: string[] = [];
  const engine = {
    info: { description: `table ${JSON.stringify(table)} ${JSON.stringify(splits)} ${JSON.stringify(pools)}` },
    compile(report: { nodes: { id: string; shape: number[] }[] }, _w: unknown, { convKernel, gemmWorkgroups, fusePools }: { convKernel: ConvKernel; gemmWorkgroups: number; fusePools: boolean }) {
      const channels = report.nodes.find((n) => n.id === 'x')!.shape.at(-1);
      if (channels === TUNE_POOL.input[2]) {
        compiled.push(`${convKernel} pool ${fusePools ? 'fused' : 'apart'}`);
        if (pools === 'fails') return { run: async () => Promise.reject(new Error('the GPU reported a validation error')), destroy() {} };
        return { run: async () => ({ timings: { source: 'timestamp-query', totalMs: fusePools ? pools.fused : pools.apart } }), destroy() {} };
      }
      const conv = TUNE_CONVS.findIndex((c) => c.input[2] === channels);
      const other = gemmWorkgroups !== TUNE_SPLIT_TARGETS[0];
      compiled.push(`${convKernel} ${conv}${other ? ` @${gemmWorkgroups}` : ''}`);
      const ms = other ? splits[gemmWorkgroups] : table[convKernel]![conv];
      return { run: async () => ({ timings: { source: 'timestamp-query', totalMs: ms } }), destroy() {} };
    },
  } as unknown as Engine;
  return { engine, compiled };
}

describe('tuneConvKernel', () => {
  it('on a GPU-like adapter times all three on both convs, keeps the smallest sum, then tunes its split K', async () => {
    const { engine, compiled } = timedEngine({ direct: [0.3, 0.5], gemm: [0.2, 0.4], gemm64: [0.25, 0.2] }, { 0: 0.3, 1024: 0.15 }, { apart: 0.3, fused: 0.2 });
    const result = await tuneConvKernel(engine, 3);
    expect(compiled).toEqual(['direct 0', 'gemm 0', 'gemm64 0', 'direct 1', 'gemm 1', 'gemm64 1', 'gemm64 1 @0', 'gemm64 1 @1024', 'gemm64 pool apart', 'gemm64 pool fused']);
    expect(result).toEqual({
      kernel: 'gemm64', gemmWorkgroups: 1024, ms: { direct: 0.8, gemm: 0.6000000000000001, gemm64: 0.45 }, pruned: [],
      splitMs: { 256: 0.2, 0: 0.3, 1024: 0.15 }, fusePools: true, poolMs: { apart: 0.3, fused: 0.2 },
    });
  });

  it('keeps the default split-K target where no other is faster (a tie included)', async () => {
    const { engine } = timedEngine({ direct: [1, 1], gemm: [0.5, 0.4], gemm64: [0.6, 0.5] }, { 0: 0.9, 1024: 0.4 });
    expect(await tuneConvKernel(engine, 3)).toMatchObject({ kernel: 'gemm', gemmWorkgroups: 256, splitMs: { 256: 0.4, 0: 0.9, 1024: 0.4 } });
  });

  it('on a CPU-like adapter drops the GEMM after the first conv and never builds the wide one', async () => {
    // SwiftShader's 28×28×64: direct 15.6 ms, gemm 187 ms (12×).
    const { engine, compiled } = timedEngine({ direct: [15.6, 139], gemm: [187, 1034], gemm64: [234, 1260] });
    expect(await tuneConvKernel(engine, 3)).toEqual({ kernel: 'direct', ms: { direct: 154.6 }, pruned: ['gemm', 'gemm64'] });
    expect(compiled).toEqual(['direct 0', 'gemm 0', 'direct 1']);
  });

  it('a candidate far behind only on the last conv stays in the comparison; ties go to the earlier', async () => {
    const { engine, compiled } = timedEngine({ direct: [1, 1], gemm: [1, 5], gemm64: [1, 1] });
    const result = await tuneConvKernel(engine, 3);
    expect(compiled).toHaveLength(6);
    expect(result).toEqual({ kernel: 'direct', ms: { direct: 2, gemm: 6, gemm64: 2 }, pruned: [] });
  });

  it('keeps the wide GEMM in where it keeps up although the 32×32 one dropped out after the first conv', async () => {
    // gemm within 3× of direct, so gemm64 is tried; then gemm is over 3× gemm64's time and drops out.
    const { engine, compiled } = timedEngine({ direct: [1, 1], gemm: [2.9, 1], gemm64: [0.9, 0.5] }, { 0: 0.7, 1024: 0.6 });
    expect(await tuneConvKernel(engine, 3)).toEqual({
      kernel: 'gemm64', gemmWorkgroups: 256, ms: { direct: 2, gemm64: 1.4 }, pruned: ['gemm'], splitMs: { 256: 0.5, 0: 0.7, 1024: 0.6 }, fusePools: false, poolMs: { apart: 1, fused: 2 },
    });
    expect(compiled).toEqual(['direct 0', 'gemm 0', 'gemm64 0', 'direct 1', 'gemm64 1', 'gemm64 1 @0', 'gemm64 1 @1024', 'gemm64 pool apart', 'gemm64 pool fused']);
  });

  it('does not try the wide GEMM where the 32×32 one is far behind on the first conv', async () => {
    const { engine, compiled } = timedEngine({ direct: [1, 1], gemm: [3.5, 1], gemm64: [0.1, 0.1] });
    expect(await tuneConvKernel(engine, 3)).toEqual({ kernel: 'direct', ms: { direct: 2 }, pruned: ['gemm', 'gemm64'] });
    expect(compiled).toEqual(['direct 0', 'gemm 0', 'direct 1']);
  });

  it('with a GEMM, runs pools in the 1×1 convs\' loads only where that measured faster; a tie keeps them apart', async () => {
    const tie = timedEngine({ direct: [1, 1], gemm: [0.5, 0.5], gemm64: [0.6, 0.6] }, { 0: 0.9, 1024: 0.9 }, { apart: 0.2, fused: 0.2 });
    expect((await tuneConvKernel(tie.engine, 3)).fusePools).toBe(false);
    const gpu = timedEngine({ direct: [1, 1], gemm: [0.5, 0.5], gemm64: [0.6, 0.6] }, { 0: 0.9, 1024: 0.9 }, { apart: 0.2, fused: 0.15 });
    expect(await tuneConvKernel(gpu.engine, 3)).toMatchObject({ kernel: 'gemm', fusePools: true });
    // Timed with the kernel and split-K target just chosen.
    expect(gpu.compiled.slice(-2)).toEqual(['gemm pool apart', 'gemm pool fused']);
    // A pool timing that fails keeps the pools apart and the kernel and split-K choice measured before it.
    const failing = timedEngine({ direct: [1, 1], gemm: [0.5, 0.5], gemm64: [0.6, 0.6] }, { 0: 0.9, 1024: 0.4 }, 'fails');
    const result = await tuneConvKernel(failing.engine, 3);
    expect(result).toMatchObject({ kernel: 'gemm', gemmWorkgroups: 1024 });
    expect(result.fusePools).toBe(false);
    expect(result.poolMs).toBeUndefined();
  });
});
