// deepwire in the benchmark: the Engine as the editor uses it (its default kernels for this adapter).
import { Engine } from '../../src/runtime/engine.ts';
import type { CompiledGraph } from '../../src/runtime/engine.ts';
import type { Prepare } from './types.ts';

export const prepare: Prepare = async (w) => {
  const engine = await Engine.create();
  const feeds = { [w.inputId]: w.input };
  let compiled: CompiledGraph | null = null;
  return {
    adapter: engine.info.description,
    async build() {
      compiled = engine.compile(w.report, w.weights, { batch: 1 });
    },
    async run() {
      return (await compiled!.run(feeds)).tensors.get(w.output)!.data;
    },
    toNhwc: (y) => y,
    async dispose() {
      compiled?.destroy();
      engine.device.destroy();
    },
  };
};
