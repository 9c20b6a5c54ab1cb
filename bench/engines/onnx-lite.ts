// A minimal ONNX writer for the benchmark's small workloads (W1, W2), used while src/io/onnx-export.ts
// does not exist: NCHW, opset 13, protobuf written field by field (field numbers from onnx/onnx.proto).
// Covers Conv (+ bias, ReLU), MaxPool, Concat and Relu — nothing more on purpose.
import protobuf from 'protobufjs/minimal.js';
import { window2d, type Padding } from '../../src/ops/geometry.ts';
import type { Workload } from '../workloads.ts';

type Writer = protobuf.Writer;
const LEN = 2, VARINT = 0, FIXED32 = 5;
const tag = (w: Writer, field: number, wire: number) => w.uint32((field << 3) | wire);

interface OnnxNode {
  op: string;
  inputs: string[];
  output: string;
  ints?: Record<string, number[] | number>;
}

interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

function writeTensor(w: Writer, t: Initializer): void {
  for (const d of t.dims) tag(w, 1, VARINT).int64(d);
  tag(w, 2, VARINT).int32(1); // FLOAT
  tag(w, 8, LEN).string(t.name);
  tag(w, 9, LEN).bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: Writer, name: string, dims: number[]): void {
  tag(w, 1, LEN).string(name);
  tag(w, 2, LEN).fork(); // TypeProto
  tag(w, 1, LEN).fork(); // tensor_type
  tag(w, 1, VARINT).int32(1);
  tag(w, 2, LEN).fork(); // shape
  for (const d of dims) {
    tag(w, 1, LEN).fork();
    tag(w, 1, VARINT).int64(d);
    w.ldelim();
  }
  w.ldelim().ldelim().ldelim();
}

function writeNode(w: Writer, n: OnnxNode): void {
  for (const i of n.inputs) tag(w, 1, LEN).string(i);
  tag(w, 2, LEN).string(n.output);
  tag(w, 3, LEN).string(n.output);
  tag(w, 4, LEN).string(n.op);
  for (const [name, value] of Object.entries(n.ints ?? {})) {
    tag(w, 5, LEN).fork();
    tag(w, 1, LEN).string(name);
    if (Array.isArray(value)) {
      for (const v of value) tag(w, 8, VARINT).int64(v);
      tag(w, 20, VARINT).int32(7); // INTS
    } else {
      tag(w, 3, VARINT).int64(value);
      tag(w, 20, VARINT).int32(2); // INT
    }
    w.ldelim();
  }
}

/** Serialises one graph: `input` and `output` are its value names, shapes NCHW. */
export function writeOnnx(nodes: OnnxNode[], initializers: Initializer[], input: { name: string; dims: number[] }, output: { name: string; dims: number[] }): Uint8Array {
  const w = protobuf.Writer.create();
  tag(w, 1, VARINT).int64(7); // ir_version
  tag(w, 2, LEN).string('deepwire-bench');
  tag(w, 7, LEN).fork(); // graph
  for (const n of nodes) {
    tag(w, 1, LEN).fork();
    writeNode(w, n);
    w.ldelim();
  }
  tag(w, 2, LEN).string('bench');
  for (const t of initializers) {
    tag(w, 5, LEN).fork();
    writeTensor(w, t);
    w.ldelim();
  }
  tag(w, 11, LEN).fork();
  writeValueInfo(w, input.name, input.dims);
  w.ldelim();
  tag(w, 12, LEN).fork();
  writeValueInfo(w, output.name, output.dims);
  w.ldelim();
  w.ldelim();
  tag(w, 8, LEN).fork(); // opset_import
  tag(w, 2, VARINT).int64(13);
  w.ldelim();
  return w.finish();
}

/** NHWC [H, W, C] → NCHW dims with the batch. */
const nchw = (shape: readonly number[], batch = 1) => [batch, shape[2], shape[0], shape[1]];

/** ONNX pads [top, left, bottom, right] of a Keras padding over an input. */
function pads(op: string, x: readonly number[], kernel: [number, number], strides: [number, number], dilation: [number, number], padding: Padding): number[] {
  const [h, w] = window2d(op, x, kernel, strides, dilation, padding);
  return [h.padBefore, w.padBefore, h.padAfter, w.padAfter];
}

/** The workload as ONNX; throws for ops beyond W1/W2's. */
export function workloadToOnnx(wl: Workload): Uint8Array {
  const { report } = wl;
  const nodes: OnnxNode[] = [];
  const inits: Initializer[] = [];
  for (const id of report.order) {
    const n = report.byId.get(id)!;
    const a = n.attrs as Record<string, unknown>;
    const x = n.inputs[0] ? report.byId.get(n.inputs[0])!.shape! : [];
    switch (n.op) {
      case 'Input': break;
      case 'Conv2D': {
        const k = wl.weights.get(id)!.kernel;
        const [KH, KW, CG, OC] = k.shape;
        const oihw = new Float32Array(k.data.length);
        for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let c = 0; c < CG; c++) for (let o = 0; o < OC; o++)
          oihw[((o * CG + c) * KH + kh) * KW + kw] = k.data[((kh * KW + kw) * CG + c) * OC + o];
        inits.push({ name: `${id}/W`, dims: [OC, CG, KH, KW], data: oihw });
        const ins = [n.inputs[0], `${id}/W`];
        if (a.use_bias) {
          inits.push({ name: `${id}/B`, dims: [OC], data: wl.weights.get(id)!.bias.data });
          ins.push(`${id}/B`);
        }
        const act = a.activation as string;
        if (act !== 'linear' && act !== 'relu') throw new Error(`onnx-lite: Conv2D activation '${act}'`);
        const strides = a.strides as [number, number], dilations = a.dilation_rate as [number, number];
        nodes.push({
          op: 'Conv', inputs: ins, output: act === 'relu' ? `${id}/conv` : id,
          ints: { kernel_shape: [KH, KW], strides, dilations, group: a.groups as number, pads: pads('Conv2D', x, [KH, KW], strides, dilations, a.padding as Padding) },
        });
        if (act === 'relu') nodes.push({ op: 'Relu', inputs: [`${id}/conv`], output: id });
        break;
      }
      case 'MaxPool2D': {
        const size = a.pool_size as [number, number], strides = (a.strides ?? a.pool_size) as [number, number];
        if (a.ceil_mode) throw new Error('onnx-lite: ceil_mode');
        nodes.push({ op: 'MaxPool', inputs: n.inputs, output: id, ints: { kernel_shape: size, strides, pads: pads('MaxPool2D', x, size, strides, [1, 1], a.padding as Padding) } });
        break;
      }
      case 'Concatenate': {
        if (a.axis !== -1 && a.axis !== 3) throw new Error('onnx-lite: Concatenate on a spatial axis');
        nodes.push({ op: 'Concat', inputs: n.inputs, output: id, ints: { axis: 1 } });
        break;
      }
      case 'ReLU': nodes.push({ op: 'Relu', inputs: n.inputs, output: id }); break;
      default: throw new Error(`needs src/io/onnx-export.ts (the benchmark's stand-in writes no ${n.op})`);
    }
  }
  const inputShape = report.byId.get(wl.inputId)!.shape!;
  const outputShape = report.byId.get(wl.output)!.shape!;
  return writeOnnx(nodes, inits, { name: wl.inputId, dims: nchw(inputShape) }, { name: wl.output, dims: nchw(outputShape) });
}

/** A one-Relu model: opens ONNX Runtime's runtime and device before anything is timed. */
export function warmupOnnx(): Uint8Array {
  return writeOnnx([{ op: 'Relu', inputs: ['x'], output: 'y' }], [], { name: 'x', dims: [1, 4, 2, 2] }, { name: 'y', dims: [1, 4, 2, 2] });
}
