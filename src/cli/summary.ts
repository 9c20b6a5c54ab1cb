// `deepwire summary FILE [--json]`: Keras' model.summary() with a FLOPs column, or the same numbers as JSON.
import { modelSummary } from '../graph/summary.ts';
import type { Parsed } from './args.ts';
import type { CliIo } from './io.ts';
import { loadValidGraph } from './load-graph.ts';

export async function summary({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const loaded = await loadValidGraph(file, io, flags);
  const { report } = loaded;
  if (!flags.json) {
    io.stdout(modelSummary(loaded.name, report));
    return 0;
  }
  const nameOf = (id: string) => report.byId.get(id)?.name ?? id;
  const layers = report.nodes.map((r) => ({
    id: r.id, name: r.name, op: r.op, outputShape: [null, ...r.shape!],
    params: r.params.trainable + r.params.nonTrainable, trainableParams: r.params.trainable, nonTrainableParams: r.params.nonTrainable,
    flops: r.flops, inputs: r.inputs, connectedTo: r.inputs.map(nameOf),
  }));
  io.stdout(JSON.stringify({ name: loaded.name, layers, outputs: report.outputs, totals: report.totals, flopsConvention: '1 multiply-add = 2 FLOPs' }, null, 2) + '\n');
  return 0;
}
