// `npm run test:wgpu`: the GPU suite (every op's case table with every conv kernel the adapter takes,
// the lecture's blocks, the Keras applications at small size, ONNX conformance, the runtime) on
// Firefox's WebGPU implementation: wgpu with the naga shader compiler, as Deno ships it (the `deno`
// npm package). The same Vitest files as `npm run test:gpu`, run by Deno instead of Node, so
// navigator.gpu is wgpu's and not Dawn's; src/testing/gpu.ts refuses any other under this script.
// Extra arguments go to Vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useSwiftShaderInNode } from './gpu-env.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const deno = `${ROOT}node_modules/.bin/deno`;
if (!existsSync(deno)) {
  console.error('npm run test:wgpu: Deno is missing (the `deno` dev dependency): run `npm install` first.');
  process.exit(1);
}
// On a machine without a GPU wgpu finds SwiftShader's Vulkan driver the way Dawn does.
useSwiftShaderInNode();
const result = spawnSync(deno, ['run', '--allow-all', `${ROOT}node_modules/vitest/vitest.mjs`, 'run', '--project', 'gpu', ...process.argv.slice(2)], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, DEEPWIRE_WEBGPU: 'wgpu' },
});
if (result.error) console.error(`npm run test:wgpu: could not start Deno: ${result.error.message}`);
process.exit(result.status ?? 1);
