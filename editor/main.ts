// The placeholder page: finds a WebGPU adapter, runs a tiny compute shader on it, and summarises a
// demo graph (per-node shape, params, FLOPs). The node editor replaces this page.
import { acquireDevice, analyzeGraph, formatShape, runSelfTest, type GraphFile } from '../src/index.ts';

// The example file is optional while it is being written: glob yields {} when it is absent.
const examples = import.meta.glob<GraphFile>('../examples/inception-3a.json', { eager: true, import: 'default' });

/** Inception v1 module 3a (GoogLeNet, Szegedy et al. 2014) on a 28×28×192 input: 163,696 parameters. */
const INLINE_DEMO: GraphFile = {
  format: 'deepwire-graph',
  version: 1,
  name: 'Inception 3a (inline)',
  nodes: [
    { id: 'x', op: 'Input', attrs: { shape: [28, 28, 192] } },
    { id: 'b1', op: 'Conv2D', inputs: ['x'], attrs: { filters: 64, kernel_size: 1, activation: 'relu' } },
    { id: 'b2r', op: 'Conv2D', inputs: ['x'], attrs: { filters: 96, kernel_size: 1, activation: 'relu' } },
    { id: 'b2', op: 'Conv2D', inputs: ['b2r'], attrs: { filters: 128, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { id: 'b3r', op: 'Conv2D', inputs: ['x'], attrs: { filters: 16, kernel_size: 1, activation: 'relu' } },
    { id: 'b3', op: 'Conv2D', inputs: ['b3r'], attrs: { filters: 32, kernel_size: 5, padding: 'same', activation: 'relu' } },
    { id: 'b4p', op: 'MaxPool2D', inputs: ['x'], attrs: { pool_size: 3, strides: 1, padding: 'same' } },
    { id: 'b4', op: 'Conv2D', inputs: ['b4p'], attrs: { filters: 32, kernel_size: 1, activation: 'relu' } },
    { id: 'out', op: 'Concatenate', inputs: ['b1', 'b2', 'b3', 'b4'], attrs: { axis: -1 } },
  ],
  outputs: ['out'],
};

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`)!;
const count = (n: number) => n.toLocaleString('en-US');

function setStatus(id: string, state: 'ok' | 'fail', text: string): void {
  const el = byTestId(id);
  el.dataset.state = state;
  el.textContent = text;
}

async function showWebGpu(): Promise<void> {
  const info = await acquireDevice().catch((e: Error) => {
    setStatus('adapter', 'fail', `Requesting a WebGPU device failed: ${e.message}`);
    return undefined;
  });
  if (info === undefined) return;
  if (!info) {
    setStatus('adapter', 'fail', 'No WebGPU adapter found. Use a Chromium-based browser (Chrome 113+) over http://127.0.0.1 or https; on Linux without a GPU, start it with --enable-unsafe-webgpu.');
    setStatus('self-test', 'fail', 'Compute self-test: not run (no device).');
    return;
  }
  const extras = [info.features.timestamps && 'timestamp queries', info.features.subgroups && 'subgroups'].filter(Boolean);
  setStatus('adapter', 'ok', `WebGPU adapter found: ${info.description}${extras.length ? ` (${extras.join(', ')})` : ''}`);
  try {
    const { input, output, ms } = await runSelfTest(info.device);
    const correct = output.length === input.length && output.every((y, i) => y === 2 * input[i] + 1);
    const shown = [...output.subarray(0, 5)].join(', ');
    setStatus('self-test', correct ? 'ok' : 'fail',
      `Compute self-test: y = 2x + 1 over x = 0…${input.length - 1} gave [${shown}, …, ${output[output.length - 1]}]: ` +
      `${correct ? 'correct' : 'WRONG'} (${ms.toFixed(1)} ms)`);
  } catch (e) {
    setStatus('self-test', 'fail', `Compute self-test failed: ${(e as Error).message}`);
  }
}

function showGraph(graph: GraphFile): void {
  const report = analyzeGraph(graph);
  byTestId('graph-name').textContent = graph.name ?? 'Demo graph';
  byTestId('graph-status').textContent = report.ok
    ? `${report.nodes.length} nodes, outputs: ${report.outputs.join(', ')}. FLOPs count one multiply-add as 2.`
    : `${report.problems.length} problem(s) in the graph.`;
  byTestId('summary-rows').replaceChildren(...report.nodes.map((n) => {
    const row = document.createElement('tr');
    row.dataset.testid = 'summary-row';
    row.dataset.node = n.id;
    const params = n.params.trainable + n.params.nonTrainable;
    const cells: [string, boolean][] = [[n.name, false], [n.op, false], [n.shape ? formatShape(n.shape) : '?', false], [count(params), true], [count(n.flops), true]];
    for (const [text, numeric] of cells) {
      const cell = row.insertCell();
      cell.textContent = text;
      if (numeric) cell.className = 'num';
    }
    return row;
  }));
  byTestId('total-params').textContent = count(report.totals.params);
  byTestId('total-flops').textContent = count(report.totals.flops);
  byTestId('problems').replaceChildren(...report.problems.map((p) => {
    const li = document.createElement('li');
    li.textContent = `${p.node ? `${p.node}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`;
    return li;
  }));
}

showGraph(Object.values(examples)[0] ?? INLINE_DEMO);
void showWebGpu();
