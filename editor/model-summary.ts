// What the editor's summary shows and window.deepwire.summary() returns: one row per layer for the
// table, and Keras' model.summary() text, the same as `deepwire summary` prints (src/graph/summary.ts).
import { formatShape, modelSummary, type GraphFile, type GraphReport } from '../src/index.ts';
import type { SummaryRow } from './summary-table.ts';

export interface Summary {
  rows: SummaryRow[];
  totals: GraphReport['totals'];
  problems: string[];
  /** model.summary() as Keras prints it, plus FLOPs. */
  text: string;
}

export function summaryRows(report: GraphReport): SummaryRow[] {
  return report.nodes.map((n) => ({
    id: n.id, name: n.name, op: n.op, shape: n.shape ? formatShape(n.shape) : '?',
    params: n.params.trainable + n.params.nonTrainable, flops: n.flops,
    inputs: n.inputs.map((i) => report.byId.get(i)?.name ?? i),
    error: n.problems[0]?.message ?? null,
  }));
}

export function graphSummary(graph: GraphFile, report: GraphReport): Summary {
  return {
    rows: summaryRows(report),
    totals: { ...report.totals },
    problems: report.problems.map((p) => p.message),
    text: modelSummary(graph.name ?? 'untitled', report),
  };
}
