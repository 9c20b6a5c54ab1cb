// Naming a node from the outside: by id, by name (what the editor shows, Keras' layer name) or, in an
// imported ONNX model, by the ONNX value name; a wrong name gets the nearest match or a few real ones.
import type { GraphReport } from '../graph/analyze.ts';
import type { OnnxImport } from '../io/onnx-import.ts';
import { nearest } from '../ops/attrs.ts';
import { OpError } from '../ops/op.ts';

/** The node id that `ref` names: an id, else a node name, else an ONNX value name. */
export function nodeId(report: GraphReport, ref: string, onnx?: OnnxImport): string {
  if (report.byId.has(ref)) return ref;
  const named = report.nodes.find((r) => r.name === ref);
  if (named) return named.id;
  const value = onnx?.values.get(ref);
  if (value && report.byId.has(value.node)) return value.node;
  const names = report.nodes.map((r) => r.name);
  const guess = nearest(ref, [...names, ...(onnx ? onnx.values.keys() : [])]);
  const list = names.length <= 20 ? `its nodes: ${names.join(', ')}` : `one of its ${names.length} nodes, e.g. ${[...names.slice(1, 4), names.at(-1)].join(', ')} (model.nodes lists them)`;
  throw new OpError(`the model has no node '${ref}'`, guess ?? list);
}
