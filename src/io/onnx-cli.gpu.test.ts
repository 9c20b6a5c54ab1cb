// `deepwire run model.onnx` on its default backend, WebGPU: an ONNX conformance case and a PyTorch
// export, compared with their expected outputs (the "verified by").
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-run.ts';
import { expectClose, TOLERANCE } from '../testing/expect-close.ts';
import { testGpu } from '../testing/gpu.ts';
import { ONNX_NODE_TESTS } from '../testing/onnx-cases.ts';
import { readNpy } from './npy.ts';
import { decodeTensorProto, readTensor } from './onnx-proto.ts';

const gpu = await testGpu();


const pb = async (path: string) => readTensor(decodeTensorProto(await readFile(path)));

describe.skipIf(!gpu)('deepwire run model.onnx --backend webgpu (the default)', () => {
  it("runs ONNX's test_maxpool_2d_ceil (the ceil-mode pool ONNX Runtime's WebGPU backend lacks)", async () => {
    const dir = `${ONNX_NODE_TESTS}/test_maxpool_2d_ceil`;
    const { code, stdout, written } = await runCli(['run', `${dir}/model.onnx`, '--input', `${dir}/test_data_set_0/input_0.pb`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^out\/y\.npy: 1×1×2×2, min 11, max 16, mean 13\.5\nGPU time/);
    expect([...readNpy(written.get('out/y.npy')!).data]).toEqual([...(await pb(`${dir}/test_data_set_0/output_0.pb`)).data]);
  });

  it.each([
    ['tiny GoogLeNet', 'tiny-googlenet'],
    // x.mean((2, 3)) squeeze-excite, x.sum/amax((2, 3)), two channel shuffles, a strided dilated conv, BatchNorm1d on the pooled vector
    ['tiny ShuffleNet-style net', 'tiny-shuffle'],
    // Conv1d with strides and dilation, BatchNorm1d of N×C×L, MaxPool1d, a mean over L
    ['tiny 1-D net', 'tiny-conv1d'],
    // torchvision's ShuffleNetV2 units: x.chunk(2, dim=1), depthwise convs, channel shuffles
    ['tiny ShuffleNetV2', 'tiny-shufflenet-v2'],
    // torchvision's ConvNeXt blocks: LayerNorm on N×H×W×C and GELU, written op by op at opset 13
    ['tiny ConvNeXt', 'tiny-convnext'],
  ])('runs the PyTorch-exported %s like PyTorch', async (_what, name) => {
    const stem = `src/io/fixtures/${name}`;
    const { code, written } = await runCli(['run', `${stem}.onnx`, '--input', `${stem}.input.pb`]);
    expect(code).toBe(0);
    expectClose(readNpy(written.get('out/output.npy')!).data, (await pb(`${stem}.output.pb`)).data, TOLERANCE.conv);
  });
});
