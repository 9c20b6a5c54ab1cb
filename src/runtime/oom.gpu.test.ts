// A genuine GPU out-of-memory error, not a mocked one: SwiftShader's Vulkan refuses one allocation of
// the adapter's maxBufferSize (vkAllocateMemory → VK_ERROR_OUT_OF_DEVICE_MEMORY) before touching any
// memory, so a tensor of exactly that size passes the limit check and fails at allocation. The run
// stops with the node named, and the same engine runs a smaller graph afterwards.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze.ts';
import { singleOpGraph } from '../testing/compare.ts';
import { tensor } from '../tensor.ts';
import { acquireDevice } from './device.ts';
import { Engine, EngineError } from './engine.ts';
import { materializeWeights } from './reference.ts';

const info = await acquireDevice();
const limit = info?.device.limits.maxBufferSize ?? 0;
info?.device.destroy();
// On a real GPU an allocation of maxBufferSize may well succeed, and really take that memory.
const swiftShader = !!info && /swiftshader/i.test(info.description) && limit <= 2 ** 30;

describe.skipIf(!swiftShader)('out of GPU memory', () => {
  it('stops the run naming the node whose output did not fit; a smaller graph runs on the same engine', async () => {
    const engine = await Engine.create(() => acquireDevice());
    const [H, W] = [64, 64];
    const big = analyzeGraph(singleOpGraph('Conv2D', [[H, W, 3]], { filters: limit / 4 / (H * W), kernel_size: 1, use_bias: false }));
    const compiled = engine.compile(big, materializeWeights(big, 1));
    const x = tensor([1, H, W, 3], new Float32Array(H * W * 3).fill(1));
    const error = await compiled.run({ x0: x }).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).node).toBe('y');
    expect((error as Error).message).toMatch(/^the GPU ran out of memory allocating 1\.00 GiB for its output 1×64×64×65536 \(1\.00 GiB for the whole graph\)$/);
    expect(engine.lost).toBe(false);

    const small = analyzeGraph(singleOpGraph('Conv2D', [[H, W, 3]], { filters: 8, kernel_size: 1, use_bias: false }));
    const result = await engine.compile(small, materializeWeights(small, 1)).run({ x0: x });
    expect(result.tensors.get('y')!.shape).toEqual([1, H, W, 8]);
  });

  it('says out of memory, not a validation error, where a weights buffer did not fit (its upload then fails too)', async () => {
    const engine = await Engine.create(() => acquireDevice());
    const graph = analyzeGraph(singleOpGraph('Conv2D', [[4, 4, 3]], { filters: 8, kernel_size: 3 }));
    const compiled = engine.compile(graph, materializeWeights(graph, 1));
    const device = engine.device;
    const create = device.createBuffer;
    // The kernel's buffer asks for maxBufferSize: a real allocation failure, and a real refused write into it.
    device.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
      return create.call(this, d.label === 'weights 0' ? { ...d, size: limit } : d);
    } as GPUDevice['createBuffer'];
    try {
      const error = await compiled.run({ x0: tensor([1, 4, 4, 3], new Float32Array(48)) }).then(() => null, (e) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as Error).message).toMatch(/^the GPU ran out of memory allocating \S+ (KiB|MiB|GiB) for this graph: /);
    } finally {
      device.createBuffer = create;
    }
  });
});
