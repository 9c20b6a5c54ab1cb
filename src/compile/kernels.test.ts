// Every kernel within the limits WebGPU guarantees on any adapter (the spec's defaults), so that no
// browser's implementation — Dawn in Chrome, wgpu in Firefox, WebKit's in Safari — is asked for more
// than it must offer: storage buffers per stage, workgroup memory, invocations per workgroup. The
// subgroup kernels are the only ones that need an optional feature, and lowering picks them only
// where the device has it (engine.gpu.test.ts checks that on the adapter at hand).
import { describe, expect, it } from 'vitest';
import conv2dPrologue from '../../shaders/conv2d-prologue.wgsl?raw';
import { kernel, KERNELS, TRAINING_KERNELS, orderedBindings, usedPreludes } from './kernels.ts';

const DEFAULT_LIMITS = { maxStorageBuffersPerShaderStage: 8, maxComputeWorkgroupStorageSize: 16_384, maxComputeInvocationsPerWorkgroup: 256 };
const BYTES: Record<string, number> = { f32: 4, u32: 4, i32: 4, 'vec4<f32>': 16, 'vec2<f32>': 8, 'vec4<u32>': 16 };

describe('the kernels fit WebGPU\'s default limits', () => {
  for (const [name, k] of Object.entries(KERNELS)) {
    it(name, () => {
      const storage = k.code.match(/var<storage\b/g)?.length ?? 0;
      expect(storage).toBeLessThanOrEqual(DEFAULT_LIMITS.maxStorageBuffersPerShaderStage);
      let shared = 0;
      for (const [, type, count] of k.code.matchAll(/var<workgroup>\s*\w+\s*:\s*array<(.+?),\s*(\w+)>\s*;/g)) {
        expect(BYTES[type], `${name}: workgroup array of ${type}`).toBeDefined();
        const n = Number(count) || Number(new RegExp(`const\\s+${count}\\s*(?::\\s*\\w+)?\\s*=\\s*(\\d+)`).exec(k.code)?.[1]);
        expect(n, `${name}: size of a workgroup array (${count})`).toBeGreaterThan(0);
        shared += BYTES[type] * n;
      }
      expect(shared).toBeLessThanOrEqual(DEFAULT_LIMITS.maxComputeWorkgroupStorageSize);
      const size = /@workgroup_size\(([^)]*)\)/.exec(k.code)![1].split(',').map((d) => d.trim());
      // A named size is a const or an override with its default (no step overrides a workgroup size).
      const invocations = size.map((d) => Number(d) || Number(new RegExp(`(?:const|override)\\s+${d}\\s*(?::\\s*\\w+)?\\s*=\\s*(\\d+)`).exec(k.code)?.[1])).reduce((a, b) => a * b, 1);
      expect(invocations).toBeGreaterThan(0);
      expect(invocations).toBeLessThanOrEqual(DEFAULT_LIMITS.maxComputeInvocationsPerWorkgroup);
    });
  }

  it('only the subgroup kernels enable an optional feature', () => {
    const enabling = Object.entries(KERNELS).filter(([, k]) => /^\s*enable\s/m.test(k.code)).map(([name]) => name);
    expect(enabling.sort()).toEqual(['conv2dDirectQuad', 'conv2dDirectQuad16', 'winogradGemm']);
  });
});

describe('bindings by name, checked both ways', () => {
  it('reads each kernel\'s storage variables, their order and which are written, from its WGSL', () => {
    expect(KERNELS.affine.bindings.map((b) => `${b.index} ${b.name}${b.write ? ' (written)' : ''}`)).toEqual([
      '0 x', '1 scale', '2 shift', '3 y4 (written)', '4 x4', '5 scale4', '6 shift4',
    ]);
    expect(KERNELS.affine.uniformBinding).toBe(7);
    for (const [name, k] of Object.entries(KERNELS)) {
      // Distinct, and apart from the uniform's (the conv prologue's inAffine is binding 7 in every conv kernel).
      const indices = k.bindings.map((b) => b.index);
      expect(new Set([...indices, k.uniformBinding]).size, name).toBe(indices.length + 1);
      // A forward kernel writes its one output; a training kernel may also update state in place
      // (the optimizer its slots, BatchNormalization its moving statistics, the loss its metrics).
      const written = k.bindings.filter((b) => b.write).length;
      if (name in TRAINING_KERNELS) expect(written, name).toBeGreaterThanOrEqual(1);
      else expect(written, `${name} writes one buffer`).toBe(1);
    }
  });

  it('refuses a step that lacks a variable or binds one the shader does not declare', () => {
    const view = (n: number) => `view ${n}`;
    expect(orderedBindings(KERNELS.softmax, { y: view(1), x: view(0) }, 'n')).toEqual(['view 0', 'view 1']);
    expect(() => orderedBindings(KERNELS.softmax, { x: view(0) }, 'n')).toThrow("internal: n's softmax step lacks y");
    expect(() => orderedBindings(KERNELS.softmax, { x: view(0), y: view(1), z: view(2) }, 'n')).toThrow("binds z, which the shader does not declare");
  });
});

describe('preludes, as each shader names them', () => {
  it('a kernel that calls act() or postAct() uses activation; one that calls the epilogue uses it', () => {
    for (const [name, k] of Object.entries(KERNELS)) {
      const own = k.code.slice(k.code.lastIndexOf('// uses:') >= 0 ? k.code.indexOf('\n', k.code.lastIndexOf('// uses:')) : 0);
      if (/\b(act|postAct)\(/.test(own)) expect(k.code, name).toContain('fn activate(');
      if (/\bepilogue\(/.test(own)) expect(k.code, name).toContain('override HAS_BIAS');
    }
  });

  it('every conv kernel that loads its input passes each load through the input prologue', () => {
    const withPrologue = Object.entries(KERNELS).filter(([, k]) => k.bindings.some((b) => b.name === 'inAffine')).map(([name]) => name);
    expect(withPrologue.sort()).toEqual(['conv2dDirect', 'conv2dDirectQuad', 'conv2dDirectQuad16', 'conv2dGemm', 'conv2dGemm64', 'conv2dGrouped', 'conv2dNaive', 'depthwiseConv2d']);
    for (const name of withPrologue) {
      // The pool prologue's own window loads (xAt) read the raw tensor, as the pool did.
      const code = KERNELS[name as keyof typeof KERNELS].code.replace(/\nfn xAt[^]*?\n}\n/, '\n');
      const loads = code.split('\n').filter((l) => /\bx4?\[/.test(l) && !/^\s*(\/\/|\/?\*)/.test(l));
      expect(loads.length, name).toBeGreaterThan(0);
      for (const line of loads) expect(line, name).toMatch(/prologue[14]\(/);
    }
  });

  it('every conv kernel a 1×1 conv can take loads through the pool prologue too', () => {
    for (const name of ['conv2dDirect', 'conv2dDirectQuad', 'conv2dDirectQuad16', 'conv2dGemm', 'conv2dGemm64', 'conv2dNaive'] as const) {
      // Each function of its own that loads through the affine prologue directly has a POOL branch
      // beside it (input1 and input4, the prelude's, have theirs); loads via input1/input4 pool anyway.
      const functions = KERNELS[name].code.replace(conv2dPrologue, '').split(/\n(?=fn )/);
      const direct = functions.filter((f) => /prologue[14]\(\s*(vec4<f32>\()?x4?\[/.test(f));
      for (const f of direct) expect(f, `${name}: ${f.slice(0, f.indexOf('('))}`).toMatch(/\bPOOL\b/);
      expect(functions.some((f) => /\b(input[14]|poolOver)\(/.test(f)), name).toBe(true);
    }
  });

  it('reads the uses line, in order, and only that', () => {
    expect(usedPreludes('enable subgroups;\n// uses: activation, epilogue, conv2d-direct-lib (prepended)\nfn main() {}')).toEqual(['activation', 'epilogue', 'conv2d-direct-lib']);
    expect(usedPreludes('// no preludes here\nfn main() {}')).toEqual([]);
    expect(() => kernel('bad', '// uses: nonsense\nstruct Params { a: u32 }\n@group(0) @binding(0) var<uniform> p: Params;')).toThrow(/unknown prelude 'nonsense'/);
  });
});
