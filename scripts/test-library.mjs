// `npm run test:library`: deepwire as a user gets it. Packs the package (`npm pack`, which builds the
// library: dist/lib/), installs the tarball and the `webgpu` package into an empty folder (from npm's
// cache where it has them), then, from that folder: checks that the bundle holds no editor code and
// that its types resolve, runs the example Node script and more checks on Dawn against deepwire's CPU
// reference (`consumer.mjs`: Keras model.json, ONNX and a converted graph through the installed CLI, every
// node's output), and builds the example page with Vite against the installed package and runs it in
// Chromium. Node's test runner; part of `npm test` after the site's build.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath, useSwiftShaderInNode } from './gpu-env.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'deepwire-library-'));
const APP = join(DIR, 'app');
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
// Dawn finds SwiftShader on a machine without a GPU (as the gpu suite does); the child processes inherit it.
useSwiftShaderInNode();
const env = { ...process.env, XDG_CACHE_HOME: join(DIR, 'cache'), npm_config_update_notifier: 'false' };

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

before(() => {
  // What `npm pack`'s prepack does, apart so that its output stays out of pack's JSON: Vite library mode, then tsc for the declarations.
  sh('npm', ['run', 'build:lib'], { cwd: ROOT });
  const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', DIR], { cwd: ROOT }));
  mkdirSync(APP);
  writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const webgpu = JSON.parse(readFileSync(join(ROOT, 'node_modules/webgpu/package.json'), 'utf8')).version;
  // The registry only where npm's cache lacks a package (CI's `npm ci` fills the cache first).
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(DIR, packed.filename), `webgpu@${webgpu}`], { cwd: APP });
  // The examples as a user would copy them, with the files they refer to at the same relative places.
  mkdirSync(join(APP, 'examples/library'), { recursive: true });
  for (const f of ['index.html', 'main.js', 'node.mjs']) cpSync(join(ROOT, 'examples/library', f), join(APP, 'examples/library', f));
  for (const f of ['inception-3a.json', 'inception-v1-stem.json', 'fashion-small.json', 'fashion-cnn.json', 'broken-add.json']) cpSync(join(ROOT, 'examples', f), join(APP, 'examples', f));
  cpSync(join(ROOT, 'public/samples/chelsea.png'), join(APP, 'public/samples/chelsea.png'));
  cpSync(join(ROOT, 'scripts/library-consumer.mjs'), join(APP, 'consumer.mjs'));
});

after(() => rmSync(DIR, { recursive: true, force: true }));

const installed = () => join(APP, 'node_modules/deepwire');

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('the package holds the built library, its types, the CLI, and no editor', () => {
  const files = filesUnder(installed()).map((f) => relative(installed(), f));
  for (const want of ['dist/lib/browser.js', 'dist/lib/node.js', 'dist/lib/types/lib/browser.d.ts', 'dist/lib/types/lib/node.d.ts', 'bin/deepwire.mjs', 'src/cli.ts'])
    assert.ok(files.includes(want), `${want} is in the package`);
  assert.ok(!files.some((f) => f.startsWith('editor/') || f.endsWith('.test.ts') || f.startsWith('e2e/')), 'no editor, tests or e2e in the package');
  // Every module the bundles were built from (their source maps list them): the engine and its shaders only.
  const sources = filesUnder(join(installed(), 'dist/lib')).filter((f) => f.endsWith('.js.map'))
    .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).sources);
  assert.ok(sources.some((s) => s.includes('src/runtime/engine.ts')) && sources.some((s) => s.includes('src/lib/model.ts')), 'the bundles hold the engine');
  const editorish = sources.filter((s) => /(^|\/)editor\/|node_modules\/(lit|lit-html|lit-element|@lit|rete|rete-[a-z-]+|@retejs|elkjs)\//.test(s));
  assert.deepEqual(editorish, [], 'no editor module, Lit, Rete or ELK in the library');
  const code = filesUnder(join(installed(), 'dist/lib')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(!/(from\s*|import\s*\(\s*)['"][^'"]*\?raw['"]/.test(code), 'no ?raw import left: the WGSL is inlined');
  assert.match(code, /@compute @workgroup_size/, 'the WGSL kernels are in the bundle');
});

test('its types resolve for a TypeScript user, in Node and in a bundler', () => {
  const source = `import { loadModel, Device, type Tensor, type History } from 'deepwire';
const model = await loadModel('examples/fashion-small.json');
const device: Device = await Device.request();
const compiled = await model.compile({ device, keep: 'all' });
const out: Record<string, Tensor> = await compiled.run(new Float32Array(784));
const h: History = await model.fit(out.classes, out.classes, { epochs: 1, optimizer: { name: 'sgd', momentum: 0.9 } });
console.log(h.history.loss[0], model.inputs[0].shape, device.description);
`;
  writeFileSync(join(APP, 'check.ts'), source);
  // and one mistake, so that a pass means the types were really read: a number is no model source.
  writeFileSync(join(APP, 'wrong.ts'), `import { loadModel } from 'deepwire';\nexport const m = await loadModel(42);\n`);
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const common = ['--noEmit', '--strict', '--target', 'es2022', 'check.ts', 'wrong.ts'];
  // Neither @types/node nor anything else installed beside deepwire: its declarations bring what they
  // need. Node's resolution checks every declaration file too (skipLibCheck off); the bundler's, the
  // browser entry's, only the user's files (the same declarations, checked once is enough: it is slow).
  const modes = [
    ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'false'],
    ['--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2023,dom', '--skipLibCheck', 'true'],
  ];
  for (const mode of modes) {
    const result = spawnSync(process.execPath, [tsc, ...common, ...mode], { cwd: APP, encoding: 'utf8' });
    const errors = result.stdout.split('\n').filter((line) => /error TS/.test(line));
    assert.equal(errors.length, 1, `${mode.join(' ')}: only the planted error:\n${result.stdout}`);
    assert.match(errors[0], /^wrong\.ts\(2,\d+\): error TS2345/);
  }
});

test('the example Node script runs a graph on Dawn as the CPU reference does, and trains', () => {
  const out = sh(process.execPath, ['examples/library/node.mjs'], { cwd: APP });
  console.log(out.trimEnd().replace(/^/gm, '  | '));
  assert.match(out, /^device: /m);
  const [, diff, scale] = out.match(/output inception_3a_output: max \|GPU − CPU reference\| = (\S+) \(values up to (\S+)\)/);
  assert.ok(Number(diff) <= 1e-4 + 1e-3 * Number(scale), `GPU within 1e-4 + 1e-3·max of the reference (got ${diff}, max ${scale})`);
  assert.match(out, /output inception_3a_output: 1×28×28×256/);
  assert.match(out, /node inception_3a_1x1: 1×28×28×64, mean/);
  const losses = out.match(/trained: loss (.+);/)[1].split(' → ').map(Number);
  assert.equal(losses.length, 2);
  assert.ok(losses.every(Number.isFinite) && losses[1] < losses[0], `the loss falls: ${losses.join(' → ')}`);
  const accuracy = Number(out.match(/evaluate: loss \S+, accuracy (\S+)/)[1]);
  assert.ok(accuracy > 0.5, `it learnt the made-up task (4 classes): accuracy ${accuracy}`);
  assert.match(out, /predict: 1×10, class \d/);
});

test('Keras model.json, ONNX and converted graphs load and run as the graph does; every node readable; clear errors', () => {
  const out = sh(process.execPath, ['consumer.mjs'], { cwd: APP });
  console.log(out.trimEnd().replace(/^/gm, '  | '));
  assert.match(out, /^all checks passed$/m);
});

test('the example page, built with Vite against the installed package, runs a graph in Chromium', async () => {
  sh(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'examples/library', '--logLevel', 'warn', '--outDir', join(DIR, 'site'), '--emptyOutDir'], { cwd: APP });
  const server = await serve(join(DIR, 'site'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.getByTestId('log').filter({ hasText: /^(done|failed)$/m }).waitFor({ timeout: 150_000 });
    const log = await page.getByTestId('log').textContent();
    console.log(log.trimEnd().replace(/^/gm, '  | '));
    assert.deepEqual(errors, []);
    assert.match(log, /^done$/m);
    assert.match(log, /WebGPU adapter: /);
    assert.match(log, /output inception_3a_output: 1×28×28×256; strongest channels: #\d+/);
    const [, diff, scale] = log.match(/max \|GPU − CPU reference\| = (\S+) \(values up to (\S+)\)/);
    assert.ok(Number(diff) <= 1e-4 + 1e-3 * Number(scale), `GPU within 1e-4 + 1e-3·max of the reference (got ${diff}, max ${scale})`);
  } finally {
    await browser.close();
    server.close();
  }
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.map': 'application/json' };

/** A static server for the built page on a free loopback port. */
function serve(dir) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : decodeURIComponent(path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
