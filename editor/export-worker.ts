// The export worker: one export (Keras model JSON + weights, or ONNX) of a graph and the weights it refers
// to, off the page's thread and outside its Content-Security-Policy (protobufjs's encoder uses Function).
import type { GraphFile } from '../src/graph/types.ts';
import type { WeightStore } from '../src/runtime/reference.ts';
import { exportFiles, type ExportFormat, type ExportReply } from './model-export.ts';

self.onmessage = (e: MessageEvent<{ format: ExportFormat; graph: GraphFile; weights: WeightStore }>) => {
  let reply: ExportReply;
  try {
    reply = { ok: true, files: exportFiles(e.data.format, e.data.graph, e.data.weights) };
  } catch (err) {
    const error = err as Error & { hint?: string };
    reply = { ok: false, message: error.message, hint: error.hint };
  }
  (self as unknown as Worker).postMessage(reply, reply.ok ? reply.files.map((f) => f.bytes.buffer as ArrayBuffer) : []);
};
