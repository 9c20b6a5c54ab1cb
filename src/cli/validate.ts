// `deepwire validate FILE [--json]`: the graph's problems, one a line; exit status 1 if it has any.
import { formatCount } from '../format.ts';
import type { Parsed } from './args.ts';
import type { CliIo } from './io.ts';
import { loadGraph, problemLine } from './load-graph.ts';

export async function validate({ file, flags }: Parsed, io: CliIo): Promise<number> {
  const { report } = await loadGraph(file, io, flags);
  if (flags.json) {
    const problems = report.problems.map((p) => ({ ...p, line: problemLine(p, report) }));
    io.stdout(JSON.stringify({ ok: report.ok, nodes: report.nodes.length, params: report.totals.params, problems }, null, 2) + '\n');
  } else if (report.ok) io.stdout(`ok: ${report.nodes.length} nodes, ${formatCount(report.totals.params)} params\n`);
  else for (const p of report.problems) io.stdout(problemLine(p, report) + '\n');
  return report.ok ? 0 : 1;
}
