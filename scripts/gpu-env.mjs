// Where WebGPU comes from on a machine without a GPU: SwiftShader, shipped with Debian's chromium
// (SETUP.md). Shared by vitest, playwright, the CLI and the benchmark.
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const chromiumArgs = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader',
];

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** A machine with a GPU driver keeps it; otherwise Dawn is pointed at SwiftShader. */
export function hasRealGpu() {
  return existsSync('/dev/nvidia0') || existsSync('/dev/dri/renderD128') || process.platform !== 'linux';
}

/** Points Dawn at SwiftShader unless the user chose an ICD or the machine has a GPU. Call before Dawn loads. */
export function useSwiftShaderInNode() {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  if (process.env.VK_ICD_FILENAMES || process.env.DEEPWIRE_GPU === 'system' || hasRealGpu()) return;
  if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}
