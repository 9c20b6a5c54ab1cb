// PyTorch export, run by PyTorch (Debian's python3-torch): the exported file, run as a script on an .npy,
// writes what deepwire computes — for one graph holding every case of every op of the registry
// (src/ops/*.cases.ts, side by side), and for ResNet50, InceptionV3, DenseNet121 and MobileNetV2 at
// small inputs through the CLI (`export-pytorch`, then `run --backend cpu`, the float64-accumulating
// reference; the GPU suite compares with the default WebGPU backend). Without torch these skip,
// except under CI=true, where they fail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { OPS } from '../ops/index.ts';
import { materializeWeights, runReference } from '../runtime/reference.ts';
import type { Tensor } from '../tensor.ts';
import { caseGraph, type OpCase } from '../testing/cases.ts';
import { runCli } from '../testing/cli-run.ts';
import { randomInput } from '../testing/compare.ts';
import { expectClose } from '../testing/expect-close.ts';
import { compareZooModel, MODELS } from '../testing/pytorch-compare.ts';
import { runPython, torchPython } from '../testing/torch.ts';
import { readNpy, writeNpy } from './npy.ts';
import { exportPytorch } from './pytorch-export.ts';
import { PYTORCH_OPS } from './pytorch-ops.ts';

const tables = import.meta.glob<{ op: string; cases: OpCase[] }>('../ops/*.cases.ts', { eager: true });
const python = torchPython();
const dir = mkdtempSync(join(tmpdir(), 'deepwire-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 6–12 s each on an idle 2-core machine; the unit suite runs files in parallel, so allow for a busy one. */
const MODEL_TIMEOUT = 120_000;

/** The issue's bar: equal within 1e-4 relative (1e-5 absolute near zero), as the ONNX export's. */
const EXPORT_TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

/** Every case of every op's table in one graph: each case's nodes under its own prefix, each with its own Inputs and output. */
function everyOpGraph(): { graph: GraphFile; cases: string[] } {
  const nodes: GraphNode[] = [];
  const outputs: string[] = [];
  const cases: string[] = [];
  let k = 0;
  for (const { op, cases: opCases } of Object.values(tables))
    for (const c of opCases) {
      const prefix = `c${k++}_`;
      const g = caseGraph(op, c);
      for (const node of g.nodes) nodes.push({ ...node, id: prefix + node.id, name: `${prefix}${node.id}`, inputs: node.inputs?.map((i) => prefix + i) });
      outputs.push(...g.outputs!.map((o) => prefix + o));
      cases.push(`${op}: ${c.name}`);
    }
  return { graph: { format: 'deepwire-graph', version: 1, name: 'every_op', nodes, outputs }, cases };
}

describe('the PyTorch export table', () => {
  it('has a row for every op of the registry', () => {
    expect(OPS.map((op) => op.type).filter((type) => !PYTORCH_OPS[type])).toEqual([]);
  });

  it('names the node and the op it has no row for (a new op before its row)', () => {
    const report = analyzeGraph(JSON.parse(readFileSync('examples/inception-3a.json', 'utf8')));
    report.byId.get(report.outputs[0])!.op = 'Mystery';
    expect(() => exportPytorch(report, { scriptFile: 'm.py', weightsFile: 'm.npz' }))
      .toThrow("inception_3a_output (Mystery): has no PyTorch export");
  });
});

describe.skipIf(!python)('export-pytorch, run by PyTorch', () => {
  it('every case of every op: the module equals the CPU reference within 1e-4 relative', () => {
    const { graph, cases } = everyOpGraph();
    const report = analyzeGraph(graph);
    expect(report.problems).toEqual([]);
    expect(new Set(report.nodes.map((r) => r.op))).toEqual(new Set(OPS.map((op) => op.type)));
    const seed = 1;
    const feeds: Record<string, Tensor> = {};
    const inputs = report.order.map((id) => report.byId.get(id)!).filter((r) => r.op === 'Input');
    for (const r of inputs) feeds[r.id] = randomInput([2, ...r.shape!], r.id);
    const want = runReference(report, feeds, { weights: materializeWeights(report, seed) }).tensors;
    const exported = exportPytorch(report, { seed, name: 'every_op', scriptFile: 'every_op.py', weightsFile: 'every_op.npz' });
    writeFileSync(join(dir, 'every_op.py'), exported.script);
    writeFileSync(join(dir, 'every_op.npz'), exported.weights);
    const inputPaths = inputs.map((r) => {
      writeFileSync(join(dir, `${r.id}.npy`), writeNpy(feeds[r.id]));
      return `${r.id}.npy`;
    });
    const outputPaths = report.outputs.map((id) => `out_${id}.npy`);
    runPython(python!, ['every_op.py', ...inputPaths, ...outputPaths], dir);
    report.outputs.forEach((id, i) => {
      const got = readNpy(readFileSync(join(dir, outputPaths[i])));
      const w = want.get(id)!;
      const which = cases[Number(/^c(\d+)_/.exec(id)![1])];
      expect(got.shape, which).toEqual(w.shape);
      try {
        expectClose(got.data, w.data, EXPORT_TOLERANCE);
      } catch (e) {
        throw new Error(`${which}: ${(e as Error).message}`);
      }
    });
  }, MODEL_TIMEOUT);

  it('the CLI writes OUT.py and OUT.npz beside it, and says so', async () => {
    const { code, stdout, written } = await runCli(['export-pytorch', 'examples/inception-3a.json', join(dir, 'inception.py')]);
    expect(code).toBe(0);
    expect([...written.keys()].map((p) => basename(p))).toEqual(['inception.py', 'inception.npz']);
    expect(stdout).toMatch(/^.*inception\.py: class Inception3a\(nn\.Module\), 7 layers; weights in .*inception\.npz \(163,696 values, 0\.7 MB\)\n/);
    const script = new TextDecoder().decode(written.get(join(dir, 'inception.py'))!);
    expect(script).toContain('self.inception_3a_1x1 = nn.Conv2d(192, 64, kernel_size=1)');
    expect(script).toContain('input_1 = nhwc_to_nchw(input_1)');
    expect(script).toContain('return nchw_to_nhwc(inception_3a_output)');
  });

  it('refuses an output that is not a .py file', async () => {
    const { code, stderr } = await runCli(['export-pytorch', 'examples/inception-3a.json', 'model.onnx']);
    expect(code).toBe(2);
    expect(stderr).toContain('export-pytorch writes a .py file, not model.onnx');
  });
});

describe.skipIf(!python)('export-pytorch of the zoo at small inputs equals deepwire run --backend cpu', () => {
  it.each(MODELS)('%s', async (name, args) => {
    const errors = await compareZooModel(python!, dir, name, args, ['--backend', 'cpu']);
    console.log(`export-pytorch zoo:${name} vs run --backend cpu, max relative error: ${Object.entries(errors).map(([o, e]) => `${o} ${e.toExponential(2)}`).join(', ')}`);
    for (const [output, error] of Object.entries(errors)) expect(error, output).toBeLessThanOrEqual(1e-4);
  }, MODEL_TIMEOUT);
});
