// Fuzzing the entry points the editor and the CLI use for graph files: thousands of mutated graphs
// (and mutated graph texts) go through parse → analyse → lower. Every case must end in a valid plan
// or in problems that are messages, within a time bound, never an exception. Prints the counts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lowerGraph } from '../compile/lower.ts';
import { OpError } from '../ops/op.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { mutateGraph, mutateText, seededRandom } from '../testing/mutate-graph.ts';
import { analyzeGraph, parseGraphText } from './analyze.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));
const BASES = ['inception-3a', 'resnet-bottleneck', 'regularizer', 'broken-add', 'broken-cycle'].map(example);
/** Per case: parse, analyse and (when valid and small) compile; generous for a loaded 2-core machine. */
const CASE_MS = 2_000;

function check(input: unknown, label: string, counts: Record<string, number>): void {
  const started = performance.now();
  const parsed = typeof input === 'string' ? parseGraphText(input) : { graph: input, problems: [] };
  if (parsed.problems.length) {
    counts.unparsable++;
    expect(parsed.problems[0].message.length, label).toBeGreaterThan(0);
    return;
  }
  const report = analyzeGraph(parsed.graph);
  for (const p of report.problems) {
    expect(typeof p.message === 'string' && p.message.length > 0, label).toBe(true);
    expect(p.message, label).not.toMatch(/internal error|undefined|NaN|\[object Object\]/);
  }
  if (!report.ok) counts.refused++;
  else if (report.totals.params > 2_000_000 || report.nodes.length > 60) counts.validLarge++;
  else {
    try {
      lowerGraph(report, materializeWeights(report, 0), { batch: 1, keep: report.outputs });
      counts.compiled++;
    } catch (e) {
      // A valid graph the GPU path cannot take must say so in words (e.g. Dot of rank 3).
      expect(e, `${label}: ${(e as Error).stack}`).toBeInstanceOf(OpError);
      counts.refusedByCompiler++;
    }
  }
  expect(performance.now() - started, label).toBeLessThan(CASE_MS);
}

describe('graph files, fuzzed', () => {
  it('3 000 mutated graphs and 1 000 mutated texts: a plan or messages, every time', () => {
    const rand = seededRandom(20261125);
    const counts = { unparsable: 0, refused: 0, compiled: 0, refusedByCompiler: 0, validLarge: 0 };
    for (let i = 0; i < 3000; i++) {
      const g = mutateGraph(BASES[i % BASES.length], rand);
      check(g, `graph case ${i}`, counts);
    }
    for (let i = 0; i < 1000; i++) {
      const text = mutateText(JSON.stringify(BASES[i % BASES.length], null, 1), rand);
      check(text, `text case ${i}`, counts);
    }
    console.log(`fuzzed graph files: ${JSON.stringify(counts)}`);
    expect(counts.refused + counts.unparsable).toBeGreaterThan(1500); // the error paths really run
    expect(counts.compiled).toBeGreaterThan(100); // and so does the compiler, on the graphs that stay valid
  }, 300_000);
});
