// Where WebGPU comes from on a machine without a GPU: SwiftShader, shipped with Debian's chromium
// (SETUP.md). Shared by vitest, playwright, the CLI and the benchmark.
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const commonArgs = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--enable-unsafe-webgpu', '--enable-features=Vulkan',
];

/** Chromium on SwiftShader: the same adapter on every machine, what the tests use. */
export const chromiumArgs = [...commonArgs, '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'];

/**
 * Chromium on the machine's own GPU. Headless Chromium on Linux has no display: ANGLE has to run on
 * Vulkan and Dawn must not ask for a surface, or WebGPU gets no adapter (seen on an H200). Elsewhere
 * Chromium's own choice (Metal, D3D) stands.
 */
export const systemGpuChromiumArgs = process.platform === 'linux'
  ? [...commonArgs, '--use-angle=vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist']
  : [...commonArgs, '--ignore-gpu-blocklist'];

/**
 * The benchmark's choice: the real GPU where there is one (or DEEPWIRE_GPU=system), else SwiftShader;
 * DEEPWIRE_CHROMIUM_ARGS (space-separated) replaces them all, for a machine that needs other flags.
 */
export function benchChromiumArgs() {
  const own = process.env.DEEPWIRE_CHROMIUM_ARGS?.trim();
  if (own) return own.split(/\s+/);
  return hasRealGpu() || process.env.DEEPWIRE_GPU === 'system' ? systemGpuChromiumArgs : chromiumArgs;
}

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
