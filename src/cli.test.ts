import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli.ts';
import { USAGE } from './cli/main.ts';
import { jsonSyntaxError } from './cli/json-syntax.ts';
import { readNpy, writeNpy } from './io/npy.ts';
import { IMAGENET_CLASSES } from './io/imagenet-classes.ts';
import { tensor } from './tensor.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `deepwire ...argv` in-process; files in `virtual` shadow the disk, writes are kept in memory.
 * `run` gets `--backend cpu` unless a backend is named: the unit suite stays off the GPU
 * (the WebGPU backend's own tests are in cli.gpu.test.ts).
 */
async function cli(argv: string[], virtual: Record<string, string | Uint8Array> = {}) {
  if (argv[0] === 'run' && !argv.includes('--backend') && !argv.includes('--help')) argv = [...argv, '--backend', 'cpu'];
  const result = { code: -1, stdout: '', stderr: '', written: new Map<string, Uint8Array>() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => {
      const v = virtual[path];
      if (v !== undefined) return typeof v === 'string' ? new TextEncoder().encode(v) : v;
      return readFile(new URL(path, `file://${ROOT}`));
    },
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}

const ADD_PROBLEM = 'add (Add): Add needs equal shapes: 28×28×64 vs 28×28×128 — hint: insert a 1×1 Conv2D projection';

describe('deepwire summary', () => {
  it('prints the Inception 3a module like Keras, with a FLOPs column', async () => {
    const { code, stdout, stderr } = await cli(['summary', 'examples/inception-3a.json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Model: "inception_3a"');
    expect(lines[2]).toMatch(/^ Layer \(type\) +Output Shape +Param # +FLOPs +Connected to$/);
    const row = (name: string) => lines.find((l) => l.startsWith(` ${name} `))!.trim().split(/\s{3,}/);
    expect(row('input_1')).toEqual(['input_1 (Input)', '(None, 28, 28, 192)', '0', '0']);
    expect(row('inception_3a_3x3')).toEqual(['inception_3a_3x3 (Conv2D)', '(None, 28, 28, 128)', '110,720', '173.61 M', 'inception_3a_3x3_reduce']);
    expect(row('inception_3a_pool')).toEqual(['inception_3a_pool (MaxPool2D)', '(None, 28, 28, 192)', '0', '1.35 M', 'input_1']);
    // a merge lists its first input on its row and one more per continuation line, as Keras does
    const concat = lines.findIndex((l) => l.startsWith(' inception_3a_output '));
    expect(row('inception_3a_output')).toEqual(['inception_3a_output (Concatenate)', '(None, 28, 28, 256)', '0', '0', 'inception_3a_1x1']);
    expect(lines.slice(concat + 1, concat + 4).map((l) => l.trim())).toEqual(['inception_3a_3x3', 'inception_3a_5x5', 'inception_3a_pool_proj']);
    expect(lines.slice(concat + 5, concat + 9)).toEqual([
      'Total params: 163,696',
      'Trainable params: 163,696',
      'Non-trainable params: 0',
      'Total FLOPs: 258.03 MFLOPs per image (1 multiply-add = 2 FLOPs)',
    ]);
    // the rules are as wide as the widest row
    const width = lines[1].length;
    expect(lines[1]).toBe('_'.repeat(width));
    expect(lines[3]).toBe('='.repeat(width));
    expect(Math.max(...lines.slice(2, concat + 4).map((l) => l.length))).toBeLessThanOrEqual(width);
  });

  it('splits trainable and non-trainable params (BatchNormalization) and names the model after the file', async () => {
    const graph = JSON.parse(await readFile(`${ROOT}examples/resnet-bottleneck.json`, 'utf8'));
    delete graph.name;
    const { code, stdout } = await cli(['summary', 'my-models/block.json'], { 'my-models/block.json': JSON.stringify(graph) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Model: "block"\n/);
    expect(stdout).toContain('\nTotal params: 383,232\nTrainable params: 380,672\nNon-trainable params: 2,560\n');
    expect(stdout).toMatch(/\n conv3_block1_0_bn \(BatchNormalization\) +\(None, 28, 28, 512\) +2,048 +802.82 k +conv3_block1_0_conv\n/);
  });

  it('--json gives the same numbers, machine-readably', async () => {
    const { code, stdout } = await cli(['summary', 'examples/inception-3a.json', '--json']);
    expect(code).toBe(0);
    const s = JSON.parse(stdout);
    expect(s.name).toBe('inception_3a');
    expect(s.totals).toEqual({ params: 163_696, trainable: 163_696, nonTrainable: 0, flops: 258_030_080 });
    expect(s.layers).toHaveLength(9);
    expect(s.layers[8]).toMatchObject({
      id: 'concat', name: 'inception_3a_output', op: 'Concatenate', outputShape: [null, 28, 28, 256], params: 0,
      inputs: ['b1_1x1', 'b2_3x3', 'b3_5x5', 'b4_proj'],
      connectedTo: ['inception_3a_1x1', 'inception_3a_3x3', 'inception_3a_5x5', 'inception_3a_pool_proj'],
    });
    expect(s.outputs).toEqual(['concat']);
  });

  it('refuses a graph with problems: lists them on stderr, then one line', async () => {
    const { code, stdout, stderr } = await cli(['summary', 'examples/broken-add.json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${ADD_PROBLEM}\ndeepwire: examples/broken-add.json has a problem (listed above) — fix it and try again\n`);
  });
});

describe('deepwire validate', () => {
  it('says ok with the node and param counts', async () => {
    expect(await cli(['validate', 'examples/inception-3a.json'])).toMatchObject({ code: 0, stdout: 'ok: 9 nodes, 163,696 params\n', stderr: '' });
    expect(await cli(['validate', 'examples/regularizer.json'])).toMatchObject({ code: 0, stdout: 'ok: 2 nodes, 30 params\n' });
  });

  it('lists every problem on its own line, with the node name and op', async () => {
    expect(await cli(['validate', 'examples/broken-add.json'])).toMatchObject({ code: 1, stdout: `${ADD_PROBLEM}\n`, stderr: '' });
    const cycle = await cli(['validate', 'examples/broken-cycle.json']);
    expect(cycle.code).toBe(1);
    const hint = ' — hint: a network flows one way: remove one of these connections';
    expect(cycle.stdout.split('\n')).toEqual([
      `add (Add): 'add' is part of a cycle: add → conv2d → conv2d_1 → add${hint}`,
      `conv2d (Conv2D): 'conv2d' [conv_a] is part of a cycle: conv2d → conv2d_1 → add → conv2d${hint}`,
      `conv2d_1 (Conv2D): 'conv2d_1' [conv_b] is part of a cycle: conv2d_1 → add → conv2d → conv2d_1${hint}`,
      '',
    ]);
  });

  it('prints problems of the whole file as graph:, and those of nameless nodes by id', async () => {
    const file = JSON.stringify({
      format: 'deepwire-graph', version: 2,
      nodes: [{ id: 'x', op: 'Input', attrs: { shape: [4] } }, { id: 'y' }, { id: 'd', op: 'Dense', inputs: ['x'], attrs: { unit: 3 } }],
    });
    const { code, stdout } = await cli(['validate', 'g.json'], { 'g.json': file });
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'graph: unsupported graph version 2 — hint: this file is from a newer deepwire: update deepwire',
      'y: node \'y\' needs an "op" such as "Conv2D"',
      "dense (Dense): Dense has no attribute 'unit' — hint: did you mean 'units'?",
      '',
    ]);
  });

  it('--json lists the problems with their lines', async () => {
    const { code, stdout } = await cli(['validate', '--json', 'examples/broken-add.json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false, nodes: 3, params: 73_856,
      problems: [{ node: 'add', message: 'Add needs equal shapes: 28×28×64 vs 28×28×128', hint: 'insert a 1×1 Conv2D projection', line: ADD_PROBLEM }],
    });
  });
});

describe('deepwire run', () => {
  it('runs the lecture regularizer example: outputs of 10, kernel 0.25 + activity 5 = 5.25', async () => {
    const { code, stdout, stderr, written } = await cli(['run', 'examples/regularizer.json', '--input', 'examples/regularizer-input.npy', '--out', 'results']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('results/dense.npy: 5×5, min 10, max 10, mean 10\nlosses: kernel 0.25, activity 5, total 5.25\n');
    const y = readNpy(written.get('results/dense.npy')!);
    expect(y.shape).toEqual([5, 5]);
    expect([...y.data]).toEqual(new Array(25).fill(10));
  });

  it("names a 1000-way output's top 5 as ImageNet classes", async () => {
    const graph = {
      format: 'deepwire-graph', version: 1, outputs: ['p'],
      nodes: [
        { id: 'x', op: 'Input', attrs: { shape: [3] } },
        { id: 'p', op: 'Dense', name: 'predictions', inputs: ['x'], attrs: { units: 1000, kernel_initializer: { name: 'random_uniform', minval: -1, maxval: 1 } } },
      ],
    };
    const { code, stdout, written } = await cli(['run', 'c.json', '--input', 'x.npy'], { 'c.json': JSON.stringify(graph), 'x.npy': writeNpy(tensor([3], [1, 2, 3])) });
    expect(code).toBe(0);
    const y = readNpy(written.get('out/predictions.npy')!).data;
    const top = [...y.keys()].sort((a, b) => y[b] - y[a]).slice(0, 5);
    const line = stdout.split('\n').find((l) => l.startsWith('  top 5 (ImageNet classes): '))!;
    expect(line.slice(28).split(', ').map((s) => s.replace(/ -?[\d.e-]+$/, ''))).toEqual(top.map((i) => IMAGENET_CLASSES[i].split(',')[0]));
    expect(IMAGENET_CLASSES[281]).toBe('tabby, tabby cat');
  });

  it('the example input is float32 ones((5, 5)) * 2', async () => {
    const x = readNpy(await readFile(`${ROOT}examples/regularizer-input.npy`));
    expect(x.shape).toEqual([5, 5]);
    expect([...x.data]).toEqual(new Array(25).fill(2));
  });

  it('adds the batch to an input of exactly the Input shape, and writes outputs named or by id', async () => {
    const x = writeNpy(tensor([5], [1, 2, 3, 4, 5]));
    const { code, stdout, written } = await cli(['run', 'examples/regularizer.json', '--input=x.npy', '--output', 'input_1', '--output', 'dense'], { 'x.npy': x });
    expect(code).toBe(0);
    // kernel ones: every unit sums the input, 15; activity 0.01·5·15² over a batch of 1
    expect(stdout).toBe('out/input_1.npy: 1×5, min 1, max 5, mean 3\nout/dense.npy: 1×5, min 15, max 15, mean 15\nlosses: kernel 0.25, activity 11.25, total 11.5\n');
    expect([...written.keys()]).toEqual(['out/input_1.npy', 'out/dense.npy']);
    expect(readNpy(written.get('out/input_1.npy')!).shape).toEqual([1, 5]);
  });

  it('feeds a seeded pseudo-random input when given none, and says so', async () => {
    const a = await cli(['run', 'examples/regularizer.json']);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe("note: no --input given: feeding 'input_1' a pseudo-random 1×5 tensor (uniform in [0, 1), seed 0)\n");
    const b = await cli(['run', 'examples/regularizer.json']);
    const c = await cli(['run', 'examples/regularizer.json', '--seed', '7']);
    expect(b.written.get('out/dense.npy')).toEqual(a.written.get('out/dense.npy'));
    expect(c.written.get('out/dense.npy')).not.toEqual(a.written.get('out/dense.npy'));
    const y = readNpy(a.written.get('out/dense.npy')!);
    expect(y.data[0]).toBeGreaterThan(0);
    expect(y.data[0]).toBeLessThan(5); // the sum of 5 numbers in [0, 1)
  });

  it.each([
    [['--output', 'dens'], "deepwire: --output 'dens' is neither a node id nor a node name — did you mean 'dense'?"],
    [['--image', 'cat.jpg'], 'deepwire: cannot read photo cat.jpg: no such file — check the path'],
    [['--input', 'missing.npy'], 'deepwire: cannot read input missing.npy: no such file — check the path'],
    [['--input', 'wrong.npy'], "deepwire: wrong.npy holds a 2×3 array but 'input_1' takes 5 (or N×5 for a batch) — save the array with that shape"],
  ])('fails in one line for run %j', async (flags, line) => {
    const virtual = { 'wrong.npy': writeNpy(tensor([2, 3])) };
    const { code, stdout, stderr, written } = await cli(['run', 'examples/regularizer.json', ...flags], virtual);
    expect(code).toBe(1);
    expect(stderr).toBe(line + '\n');
    expect(stdout).toBe('');
    expect(written.size).toBe(0);
  });

  it('names a few nodes of a big model, not all, for an --output it does not have', async () => {
    const { code, stderr } = await cli(['run', 'zoo:ResNet50', '--output', 'nosuchlayer', '--backend', 'cpu']);
    expect(code).toBe(1);
    expect(stderr).toBe("deepwire: --output 'nosuchlayer' is neither a node id nor a node name — one of its 177 nodes, e.g. conv1_pad, conv1_conv, conv1_bn, predictions (`deepwire summary` lists them)\n");
  });

  it('says so when an --input is not an .npy file', async () => {
    const { code, stderr } = await cli(['run', 'examples/regularizer.json', '--input', 'x.npy'], { 'x.npy': 'not numpy' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^deepwire: cannot read x\.npy as \.npy: .+ — save the array with numpy\.save\(path, x\.astype\("float32"\)\)\n$/);
  });

  it('refuses a broken graph before running anything', async () => {
    const { code, stderr, written } = await cli(['run', 'examples/broken-add.json']);
    expect(code).toBe(1);
    expect(stderr).toBe(`${ADD_PROBLEM}\ndeepwire: examples/broken-add.json has a problem (listed above) — fix it and try again\n`);
    expect(written.size).toBe(0);
  });
});

describe('deepwire: the command line and its files', () => {
  it('prints the usage for --help, -h, help and no arguments', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['run', 'x.json', '--help']]) expect(await cli(argv)).toMatchObject({ code: 0, stdout: USAGE, stderr: '' });
    expect(USAGE).toContain('deepwire summary FILE');
  });

  it.each([
    [['sumary', 'x.json'], "deepwire: unknown command 'sumary' — did you mean 'summary'? commands are summary, validate, run, export-keras, export-pytorch, convert, fit, evaluate, explain; run 'deepwire --help' for usage"],
    [['--verbose'], "deepwire: unknown option '--verbose' — commands are summary, validate, run, export-keras, export-pytorch, convert, fit, evaluate, explain; run 'deepwire --help' for usage"],
    [['run', 'x.json', '--ouput', 'a'], "deepwire: unknown option '--ouput' for 'run' — did you mean '--output'?"],
    [['summary', 'x.json', '--csv'], "deepwire: unknown option '--csv' for 'summary' — 'summary' takes --json, --no-top, --input-shape, --classes"],
    [['run', 'x.json', '--out'], "deepwire: option '--out' needs a value — e.g. --out out"],
    [['run', 'x.json', '--input', '--seed', '1'], "deepwire: option '--input' needs a value — e.g. --input x.npy"],
    [['run', 'x.json', '--seed', '1', '--seed', '2'], "deepwire: option '--seed' is given twice — give it once"],
    [['run', 'x.json', '--seed', '-1'], "deepwire: --seed must be a whole number ≥ 0, got '-1' — e.g. --seed 0"],
    [['run', 'x.json', '--backend', 'tpu'], "deepwire: unknown backend 'tpu' — use --backend webgpu or --backend cpu"],
    [['run', 'x.json', '--input', 'a.npy', '--image', 'b.jpg'], 'deepwire: --input and --image both feed the Input — give one of them'],
    [['validate', 'x.json', '--json=yes'], "deepwire: option '--json' takes no value — write just --json"],
    [['validate'], "deepwire: 'validate' needs a graph file — e.g. deepwire validate examples/inception-3a.json"],
    [['validate', 'a.json', 'b.json'], "deepwire: 'validate' takes one graph file, got 2: a.json b.json — give one file; options start with --"],
  ])('refuses %j with exit 2 and one line', async (argv, line) => {
    expect(await cli(argv)).toMatchObject({ code: 2, stdout: '', stderr: line + '\n' });
  });

  it.each([
    ['nope.json', {}, 'deepwire: cannot read graph file nope.json: no such file — check the path'],
    ['examples', {}, 'deepwire: cannot read graph file examples: it is a folder — check the path'],
    ['bad.json', { 'bad.json': '{\n  "format": "deepwire-graph",\n  "nodes": [1, 2,]\n}' },
      "deepwire: bad.json is not valid JSON: expected a value at line 3, column 18 (found \"]\") — fix the file there, or save the graph again from the editor"],
    ['empty.json', { 'empty.json': '' }, 'deepwire: empty.json is not valid JSON: expected a value at line 1, column 1 (found the end of the file) — fix the file there, or save the graph again from the editor'],
    ['list.json', { 'list.json': '[1, 2]' }, 'deepwire: list.json is not a deepwire graph: it holds a list, not an object — open a graph saved by the editor; examples/ has some'],
    ['package.json', {}, 'deepwire: package.json is not a deepwire graph: it has no "format": "deepwire-graph" and no "nodes" list — open a graph saved by the editor; examples/ has some'],
  ])('reads %s into one clear line', async (file, virtual, line) => {
    for (const command of ['summary', 'validate', 'run']) expect(await cli([command, file], virtual)).toMatchObject({ code: 1, stdout: '', stderr: line + '\n' });
  });

  it('turns an unexpected failure into one line that asks for a report', async () => {
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (err += t), readFile: async () => { throw new RangeError('boom'); }, writeFile: async () => {} };
    let err = '';
    // a readFile failure without an errno code is not a user mistake we know of: it still reads as one line
    expect(await main(['validate', 'x.json'], io)).toBe(1);
    expect(err).toBe('deepwire: cannot read graph file x.json: boom — check the path\n');
    err = '';
    const broken: CliIo = { ...io, readFile: async () => 42 as unknown as Uint8Array };
    expect(await main(['validate', 'x.json'], broken)).toBe(1);
    expect(err).toMatch(/^deepwire: internal error: .+ — please report this, with the command and the graph file\n$/);
  });

  it('runs as `node bin/deepwire.mjs`, TypeScript loaded by the launcher', () => {
    const p = spawnSync(process.execPath, ['bin/deepwire.mjs', 'validate', 'examples/broken-add.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.stdout).toBe(`${ADD_PROBLEM}\n`);
    expect(p.status).toBe(1);
  });

  it('imports .wgsl?raw as text through the launcher\'s hooks (bin/register.mjs)', () => {
    const p = spawnSync(process.execPath, ['--import', './bin/register.mjs', 'src/cli-fixtures/print-probe.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(JSON.parse(p.stdout)).toEqual({ length: 125, firstLine: '// probe: a kernel that only proves `?raw` imports reach Node (bin/raw-loader.mjs).' });
  });
});

describe('JSON syntax errors in a graph file', () => {
  it.each([
    ['{"a": }', 1, 7, 'a value', '"}"'],
    ['{"a": 1,}', 1, 9, 'a "quoted" property name', '"}"'],
    ['{"a" 1}', 1, 6, "':'", '"1"'],
    ['[1 2]', 1, 4, "',' or ']'", '"2"'],
    ['{"a": "x\ny"}', 1, 9, 'no line breaks or control characters inside a string (write \\n)', '"\\n"'],
    ['{"a": "\\q"}', 1, 9, 'an escape such as \\n, \\" or \\u00e9', '"q"'],
    ['{"a": 01}', 1, 8, "',' or '}'", '"1"'],
    ['{}\n\n  x', 3, 3, 'the end of the file', '"x"'],
    ['{"a": "open', 1, 12, 'a closing "', 'the end of the file'],
    ['{"a": tru}', 1, 7, 'a value', '"t"'],
  ])('finds the JSON error in %j at line %i, column %i', (text, line, column, expected, found) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxError(text)).toEqual({ line, column, expected, found });
  });

  it('finds no error where JSON.parse finds none', () => {
    for (const text of ['{}', '[]', ' 0 ', '-1.5e+3', '"\\u00e9\\n"', 'null', '{"a": [true, false, null, {"b": -0.0}]}', '\n{\n}\n'])
      expect(jsonSyntaxError(text), text).toBeNull();
  });
});
