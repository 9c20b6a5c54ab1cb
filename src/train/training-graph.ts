// The graph a training step runs: each layer's own `activation=` split into an Activation node after
// it (Conv2D(activation='relu') → Conv2D, Activation('relu')), so that backward has the
// pre-activation its derivative needs and every op's backward sees a linear layer. The layer keeps
// its id, so its weights stay where they are; the new node is `<id>/activation`, and whatever read the
// layer reads it instead. A plain data rewrite of the report: nothing is re-analysed.
import type { GraphReport, NodeReport } from '../graph/analyze.ts';
import { findOp } from '../ops/index.ts';

/** The ops whose `activation` attr runs inside them (the conv family and Dense). */
const WITH_ACTIVATION = new Set(['Conv2D', 'Dense', 'DepthwiseConv2D', 'SeparableConv2D']);

export const activationId = (id: string) => `${id}/activation`;

export function splitActivations(report: GraphReport): GraphReport {
  const renamed = new Map<string, string>();
  const nodes: NodeReport[] = [];
  const order: string[] = [];
  const byId = new Map<string, NodeReport>();
  const add = (r: NodeReport) => {
    nodes.push(r);
    byId.set(r.id, r);
  };
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    const inputs = r.inputs.map((i) => renamed.get(i) ?? i);
    const activation = r.attrs.activation as string | undefined;
    if (!WITH_ACTIVATION.has(r.op) || !activation || activation === 'linear') {
      add({ ...r, inputs });
      order.push(id);
      continue;
    }
    add({ ...r, inputs, attrs: { ...r.attrs, activation: 'linear' } });
    const split: NodeReport = {
      id: activationId(id), name: `${r.name}/${activation}`, op: 'Activation', def: findOp('Activation'),
      attrs: { activation }, inputs: [id], shape: r.shape, weights: [], params: { trainable: 0, nonTrainable: 0 }, flops: 0, problems: [],
    };
    add(split);
    order.push(id, split.id);
    renamed.set(id, split.id);
  }
  return { ...report, nodes, byId, order, outputs: report.outputs.map((o) => renamed.get(o) ?? o) };
}
