// run's --backend: WebGPU (the hand-written WGSL kernels) or the plain-loop CPU reference.
import type { GraphReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';
import { materializeWeights, runReference, type WeightStore } from '../runtime/reference.ts';
import { Engine, EngineError, type RunResult } from '../runtime/engine.ts';
import { runGraphOnGpu, type Losses } from '../runtime/run-graph.ts';
import { CliError, usageError } from './io.ts';

/** What a backend computes: the requested tensors, the regularization losses and, on WebGPU, per-node times. */
export type Backend = (
  report: GraphReport, feeds: Record<string, Tensor>, options: { seed: number; outputs: string[]; store?: WeightStore },
) => Promise<{ tensors: Map<string, Tensor>; losses: Losses; timings?: RunResult['timings'] }>;

/** The one place a backend is picked. */
export function selectBackend(name: string): Backend {
  if (name === 'cpu')
    return async (report, feeds, { seed, outputs, store }) => runReference(report, feeds, { seed, weights: materializeWeights(report, seed, store), outputs });
  if (name === 'webgpu')
    return async (report, feeds, options) => {
      let engine: Engine;
      try {
        engine = await Engine.create();
      } catch (e) {
        if (e instanceof EngineError) throw new CliError(e.message, `${e.hint}; or use --backend cpu`);
        throw e;
      }
      try {
        await engine.tuneOnFirstUse();
        return await runGraphOnGpu(engine, report, feeds, { ...options, timing: true });
      } catch (e) {
        if (e instanceof EngineError) {
          const where = e.node ? `${report.byId.get(e.node)?.name ?? e.node}: ` : '';
          throw new CliError(`${where}${e.message}`, e.hint ?? 'use --backend cpu');
        }
        throw e;
      } finally {
        engine.device.destroy();
      }
    };
  throw usageError(`unknown backend '${name}'`, 'use --backend webgpu or --backend cpu');
}
