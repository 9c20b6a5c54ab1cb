// deepwire in the benchmark: the Engine as the editor uses it, with the conv kernel its autotune picks
// for this adapter. Tuning happens once per adapter (cached) on a device of its own, so none of its
// pipelines warm up the timed cold run.
import { Engine } from '../../src/runtime/engine.ts';
import type { CompiledGraph } from '../../src/runtime/engine.ts';
import { freshOutputs, type Prepare } from './types.ts';

export const prepare: Prepare = async (w) => {
  let engine = await Engine.create();
  let note: string | undefined;
  if (engine.tuned === undefined) {
    const t = performance.now();
    await engine.tune();
    note = `conv kernel autotuned for this adapter in ${(performance.now() - t).toFixed(0)} ms (once, cached; not timed)`;
    engine.device.destroy();
    engine = await Engine.create();
  }
  const feeds = { [w.inputId]: w.input };
  let compiled: CompiledGraph | null = null;
  // Warm runs read the output into one array, as a loop over frames would (RunOptions.into); `?fresh`
  // (bench/run.ts --fresh-outputs) allocates a new one each run instead.
  const into = freshOutputs() ? undefined : { [w.output]: new Float32Array(w.report.byId.get(w.output)!.shape!.reduce((a, b) => a * b, 1)) };
  return {
    adapter: `${engine.info.description} (conv kernel ${engine.convKernel}${engine.tuned?.gemmWorkgroups === undefined ? '' : `, split K past ${engine.tuned.gemmWorkgroups || 'never'} workgroups`}${engine.tuned?.fusePools ? ', pools in the 1×1 convs\' loads' : ''})`,
    note,
    async build() {
      // `lower` (bench/run.ts --deepwire-variants): lowering options to compare kernels.
      const lower = JSON.parse(new URLSearchParams(location.search).get('lower') ?? '{}');
      compiled = engine.compile(w.report, w.weights, { ...lower, batch: 1 });
    },
    async run() {
      return (await compiled!.run(feeds, { into })).tensors.get(w.output)!.data;
    },
    toNhwc: (y) => y,
    async dispose() {
      compiled?.destroy();
    },
  };
};
