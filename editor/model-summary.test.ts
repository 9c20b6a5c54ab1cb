import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphFile } from '../src/index.ts';
import { main, type CliIo } from '../src/cli.ts';
import { emptyGraph, normalizeGraph } from './graph-edits.ts';
import { graphSummary } from './model-summary.ts';

const ROOT = new URL('..', import.meta.url);

/** `deepwire summary FILE`'s stdout. */
async function cliSummary(file: string): Promise<string> {
  let stdout = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stdout += text),
    readFile: (path) => readFile(new URL(path, ROOT)),
    writeFile: async () => undefined,
  };
  expect(await main(['summary', file], io)).toBe(0);
  return stdout;
}

describe("the editor's model summary", () => {
  it('prints the same table as `deepwire summary`', async () => {
    const graph = normalizeGraph(JSON.parse(await readFile(new URL('examples/inception-3a.json', ROOT), 'utf8')) as GraphFile);
    const summary = graphSummary(graph, analyzeGraph(graph));
    const cli = await cliSummary('examples/inception-3a.json');
    expect(summary.text).toBe(cli);
    expect(summary.text).toContain('\nTotal params: 163,696\n');
    expect(summary.totals).toEqual({ params: 163_696, trainable: 163_696, nonTrainable: 0, flops: 258_030_080 });
  });

  it('lists a row per layer for the table, with the problem of a broken one', () => {
    const graph: GraphFile = {
      ...emptyGraph(),
      nodes: [
        { id: 'x', op: 'Input', name: 'x', attrs: { shape: [4, 4, 2] }, inputs: [] },
        { id: 'c', op: 'Conv2D', name: 'c', attrs: { filters: 3, kernel_size: 1 }, inputs: ['x'] },
        { id: 'bad', op: 'Add', name: 'bad', attrs: {}, inputs: ['x', 'c'] },
      ],
      outputs: ['bad'],
    };
    const summary = graphSummary(graph, analyzeGraph(graph));
    expect(summary.rows.slice(0, 2)).toEqual([
      { id: 'x', name: 'x', op: 'Input', shape: '4×4×2', params: 0, flops: 0, inputs: [], error: null },
      { id: 'c', name: 'c', op: 'Conv2D', shape: '4×4×3', params: 9, flops: expect.any(Number), inputs: ['x'], error: null },
    ]);
    expect(summary.rows[2]).toMatchObject({ shape: '?', inputs: ['x', 'c'], error: expect.stringContaining('Add needs equal shapes') });
    expect(summary.problems).toEqual([expect.stringContaining('Add needs equal shapes')]);
    // a graph that cannot run still has its table: the broken layer's shape is '?'
    expect(summary.text).toMatch(/^Model: "untitled"\n/);
    expect(summary.text).toMatch(/\n bad \(Add\) +\? +0 +0 +x\n +c\n/);
  });
});
