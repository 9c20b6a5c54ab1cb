// `npm test`: makes sure the system packages the suites need are present (installing them on
// Debian as root), then runs the unit, gpu (Dawn), wgpu (Deno) and browser suites (Vitest), the
// end-to-end suite (Playwright), the site's build and its smoke tests, and the library's packed-package
// test one after another, and exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './gpu-env.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Debian packages the tests use, and how to tell each is installed. Add new ones here. */
const SYSTEM_PACKAGES = [
  // Headless Chromium for the browser and end-to-end suites; it also ships SwiftShader (WebGPU on the CPU).
  { name: 'chromium', what: 'the Chromium browser', present: () => existsSync(chromiumPath()),
    elsewhere: `install Chromium or Chrome and set CHROMIUM_PATH to its binary (now ${chromiumPath()})` },
  // Dawn (the `webgpu` package) loads the system Vulkan loader; without it Node finds no adapter.
  { name: 'libvulkan1', what: 'the Vulkan loader libvulkan.so.1', linuxOnly: true, present: hasLibVulkan,
    elsewhere: 'install your distribution\'s Vulkan loader (libvulkan.so.1)' },
  // ONNX's backend conformance tests (model.onnx and TensorProto data per case) for the ONNX import suite.
  { name: 'libonnx-testdata', what: 'ONNX\'s conformance test data', present: () => existsSync(onnxNodeTests()),
    elsewhere: `copy onnx/backend/test/data/node of ONNX 1.12's sources somewhere and set ONNX_NODE_TESTS to it (now ${onnxNodeTests()})` },
  // Fashion-MNIST's four IDX files (src/data/fashion-mnist.ts): the data set the training tests learn.
  { name: 'dataset-fashion-mnist', what: 'the Fashion-MNIST data set', present: hasFashionMnist,
    elsewhere: `put the four IDX files of github.com/zalandoresearch/fashion-mnist (gzipped or not) in a folder and set FASHION_MNIST_DIR to it (now ${fashionMnistDir()})` },
  // PyTorch and numpy in Debian's Python (/usr/bin/python3): they run the modules export-pytorch writes
  // (src/io/pytorch-export.test.ts, src/testing/torch.ts).
  { name: 'python3-numpy', what: 'numpy for Debian\'s python3', present: () => pythonImports('numpy'),
    elsewhere: 'install numpy for a python3 and set TORCH_PYTHON to that interpreter' },
  { name: 'python3-torch', what: 'PyTorch for Debian\'s python3', present: () => pythonImports('torch'),
    elsewhere: 'install PyTorch (and numpy) for a python3 and set TORCH_PYTHON to that interpreter' },
];

/** Whether the Python the tests use (TORCH_PYTHON, else Debian's /usr/bin/python3) imports `module`. */
function pythonImports(module) {
  const python = process.env.TORCH_PYTHON || '/usr/bin/python3';
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function fashionMnistDir() {
  return process.env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
}

function hasFashionMnist() {
  const files = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  return files.every((f) => existsSync(`${fashionMnistDir()}/${f}.gz`) || existsSync(`${fashionMnistDir()}/${f}`));
}

function onnxNodeTests() {
  return process.env.ONNX_NODE_TESTS ?? '/usr/include/onnx/backend/test/data/node';
}

function hasLibVulkan() {
  if (existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') || existsSync('/usr/lib/aarch64-linux-gnu/libvulkan.so.1')) return true;
  const ldconfig = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' });
  return ldconfig.status === 0 && /\blibvulkan\.so\.1\b/.test(ldconfig.stdout);
}

function fail(message) {
  console.error(`\nnpm test: ${message}`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old: Vitest 4 needs Node 20.19 or newer.`);
  if (!existsSync(`${ROOT}node_modules/.bin/vitest`)) fail('dependencies are missing: run `npm install` first.');
}

function apt(args) {
  return spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !(p.linuxOnly && process.platform !== 'linux') && !p.present());
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name).join(' ');
  const isDebianRoot = existsSync('/etc/debian_version') && process.getuid?.() === 0;
  if (!isDebianRoot) {
    fail(`missing ${missing.map((p) => `${p.what} (Debian package ${p.name})`).join(' and ')}.\n` +
      `  On Debian 12:  sudo apt-get update && sudo apt-get install -y ${names}\n` +
      missing.map((p) => `  Elsewhere, ${p.elsewhere}.`).join('\n'));
  }
  console.log(`npm test: installing Debian packages: ${names} (apt-get)`);
  const install = ['install', '-y', '-qq', ...missing.map((p) => p.name)];
  // A fresh machine has no package lists yet; update only when the install needs it.
  let result = apt(install);
  if (result.status !== 0) {
    const update = apt(['update', '-qq']);
    if (update.status !== 0) fail(`apt-get update failed:\n${update.stdout}${update.stderr}`);
    result = apt(install);
  }
  if (result.status !== 0) fail(`apt-get install ${names} failed:\n${result.stdout}${result.stderr}`);
  const still = missing.filter((p) => !p.present());
  if (still.length) fail(`installed ${names}, but ${still.map((p) => p.what).join(' and ')} still cannot be found.`);
}

/** Runs one suite with its output streaming to ours; true when it passed. */
function runSuite(label, command, args) {
  console.log(`\n── ${label}: ${basename(command)} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.error) console.error(`npm test: could not start ${command}: ${result.error.message}`);
  return result.status === 0;
}

checkNode();
ensureSystemPackages();

const bin = (name) => `${ROOT}node_modules/.bin/${name}`;
// One suite at a time: on a CPU-only machine SwiftShader takes every core, so overlapping suites only thrash.
const suites = [
  ['unit', bin('vitest'), ['run', '--project', 'unit']],
  ['gpu', bin('vitest'), ['run', '--project', 'gpu']],
  // The same GPU suite on wgpu (Firefox's WebGPU), through Deno.
  ['wgpu', process.execPath, [`${ROOT}scripts/test-wgpu.mjs`]],
  ['browser', bin('vitest'), ['run', '--project', 'browser']],
  ['e2e', bin('playwright'), ['test']],
  // The production build (dist/) and the smoke subset against it, served as a static host would.
  ['build', bin('vite'), ['build', '--logLevel', 'warn']],
  ['e2e-built', bin('playwright'), ['test', '--config', 'playwright.built.config.ts']],
  // deepwire as a library: built to dist/lib/ (after the site's build, which empties dist/), packed,
  // installed in an empty folder and used from there by a Node script and a page.
  ['library', process.execPath, [`${ROOT}scripts/test-library.mjs`]],
];
const outcomes = suites.map(([label, command, args]) => [label, runSuite(label, command, args)]);
const failed = outcomes.filter(([, ok]) => !ok).map(([label]) => label);
const summary = outcomes.map(([label, ok]) => `${label} ${ok ? 'passed' : 'FAILED'}`).join(', ');
console.log(`\nnpm test: ${summary}`);
process.exit(failed.length ? 1 : 0);
