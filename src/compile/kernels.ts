// The WGSL kernels, imported as text (Vite `?raw` in the browser and in tests; bin/raw-loader.mjs in
// the CLI), with the preludes each one needs and its uniform layout read from its own `struct Params`.
import activation from '../../shaders/activation.wgsl?raw';
import affine from '../../shaders/affine.wgsl?raw';
import conv2dDirect from '../../shaders/conv2d-direct.wgsl?raw';
import conv2dDirectLib from '../../shaders/conv2d-direct-lib.wgsl?raw';
import conv2dDirectQuad from '../../shaders/conv2d-direct-quad.wgsl?raw';
import conv2dDirectQuad16 from '../../shaders/conv2d-direct-quad16.wgsl?raw';
import conv2dGemm from '../../shaders/conv2d-gemm.wgsl?raw';
import conv2dSplitKReduce from '../../shaders/conv2d-split-k-reduce.wgsl?raw';
import conv2dGrouped from '../../shaders/conv2d-grouped.wgsl?raw';
import conv2dNaive from '../../shaders/conv2d-naive.wgsl?raw';
import depthwiseConv2d from '../../shaders/depthwise-conv2d.wgsl?raw';
import dot from '../../shaders/dot.wgsl?raw';
import elementwise from '../../shaders/elementwise.wgsl?raw';
import epilogue from '../../shaders/epilogue.wgsl?raw';
import globalPool2d from '../../shaders/global-pool2d.wgsl?raw';
import channelShuffle from '../../shaders/channel-shuffle.wgsl?raw';
import pad2d from '../../shaders/pad2d.wgsl?raw';
import pool2d from '../../shaders/pool2d.wgsl?raw';
import pool2dArgmax from '../../shaders/pool2d-argmax.wgsl?raw';
import softmax from '../../shaders/softmax.wgsl?raw';
import softmaxAxis from '../../shaders/softmax-axis.wgsl?raw';
import winogradGemm from '../../shaders/winograd-gemm.wgsl?raw';
import winogradInput from '../../shaders/winograd-input.wgsl?raw';
import winogradOutput from '../../shaders/winograd-output.wgsl?raw';

export interface Kernel {
  name: string;
  /** The module's full source: preludes then the kernel. */
  code: string;
  /** Params field name → byte offset in the uniform buffer; every field is a 4-byte u32 or f32. */
  fields: Map<string, { offset: number; type: 'u32' | 'f32' | 'i32' }>;
  /** Uniform size in bytes, rounded up to 16. */
  uniformSize: number;
  /** Invocations per workgroup along x for 1-D kernels; the GEMM's tiles are its own. */
  workgroupSize: number;
}

export function kernel(name: string, source: string, preludes: string[] = [], workgroupSize = 64): Kernel {
  // Directives (`enable`, `diagnostic`) must open the module, before any prelude.
  const directive = /^(enable|diagnostic|requires)\b.*$/gm;
  const code = [...(source.match(directive) ?? []), ...preludes, source.replace(directive, '')].join('\n');
  const struct = /struct Params\s*\{([^}]*)\}/.exec(code);
  if (!struct) throw new Error(`kernel ${name}: no 'struct Params'`);
  const fields = new Map<string, { offset: number; type: 'u32' | 'f32' | 'i32' }>();
  for (const m of struct[1].matchAll(/(\w+)\s*:\s*(u32|f32|i32)/g)) fields.set(m[1], { offset: fields.size * 4, type: m[2] as 'u32' });
  return { name, code, fields, uniformSize: Math.ceil((fields.size * 4) / 16) * 16, workgroupSize };
}

export const KERNELS = {
  conv2dNaive: kernel('conv2d-naive', conv2dNaive, [activation, epilogue]),
  conv2dGemm: kernel('conv2d-gemm', conv2dGemm, [activation, epilogue]),
  conv2dSplitKReduce: kernel('conv2d-split-k-reduce', conv2dSplitKReduce, [activation, epilogue]),
  conv2dDirect: kernel('conv2d-direct', conv2dDirect, [activation, epilogue, conv2dDirectLib]),
  conv2dDirectQuad: kernel('conv2d-direct-quad', conv2dDirectQuad, [activation, epilogue, conv2dDirectLib]),
  conv2dDirectQuad16: kernel('conv2d-direct-quad16', conv2dDirectQuad16, [activation, epilogue, conv2dDirectLib], 32),
  conv2dGrouped: kernel('conv2d-grouped', conv2dGrouped, [activation, epilogue, conv2dDirectLib]),
  winogradInput: kernel('winograd-input', winogradInput),
  winogradGemm: kernel('winograd-gemm', winogradGemm, [], 32),
  winogradOutput: kernel('winograd-output', winogradOutput, [activation, epilogue]),
  depthwiseConv2d: kernel('depthwise-conv2d', depthwiseConv2d, [activation, epilogue]),
  pool2d: kernel('pool2d', pool2d),
  pool2dArgmax: kernel('pool2d-argmax', pool2dArgmax),
  pad2d: kernel('pad2d', pad2d),
  channelShuffle: kernel('channel-shuffle', channelShuffle),
  globalPool2d: kernel('global-pool2d', globalPool2d),
  elementwise: kernel('elementwise', elementwise, [activation]),
  affine: kernel('affine', affine, [activation]),
  softmax: kernel('softmax', softmax),
  softmaxAxis: kernel('softmax-axis', softmaxAxis),
  dot: kernel('dot', dot),
} as const;

export type KernelName = keyof typeof KERNELS;

/** Writes a step's params into a uniform block laid out as the kernel's `struct Params`. */
export function packParams(k: Kernel, params: Record<string, number>, out: ArrayBuffer, byteOffset: number): void {
  const u32 = new Uint32Array(out, byteOffset, k.uniformSize / 4);
  const f32 = new Float32Array(out, byteOffset, k.uniformSize / 4);
  const i32 = new Int32Array(out, byteOffset, k.uniformSize / 4);
  for (const [name, { offset, type }] of k.fields) {
    const v = params[name];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`kernel ${k.name}: param '${name}' is ${v}`);
    if (type === 'f32') f32[offset / 4] = v;
    else if (type === 'i32') i32[offset / 4] = v;
    else {
      if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new Error(`kernel ${k.name}: param '${name}' = ${v} is not a u32`);
      u32[offset / 4] = v;
    }
  }
  for (const name of Object.keys(params))
    if (!k.fields.has(name)) throw new Error(`kernel ${k.name}: no param '${name}' in its struct Params`);
}
