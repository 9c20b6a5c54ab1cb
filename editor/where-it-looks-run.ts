/** The editor's side of "where a node looks": the page's graph, weights (as runs use them: imported ones
 *  from the weight store) and input (the first image fed), on the device runs use — src/explain/ computes. */
import { materializeWeights, peakOf, whereItLooks, type Engine, type GraphFile, type GraphReport, type ScoreTarget, type Tensor, type WhereItLooks } from '../src/index.ts';
import type { Feeds } from './feeds.ts';
import { getWeightStore, weightsReady } from './weight-store.ts';

export interface WhereHooks {
  graph(): GraphFile;
  report(): GraphReport;
  feeds(): Feeds;
  engine(): Promise<Engine>;
}

/** What to explain: a node's channel, or a class of a classifier node; with `gradCam`, Grad-CAM too (on that layer, or the last with maps). */
export type WhereRequest = { node: string; channel?: number; class?: number; gradCam?: string | true };

/** The first image of a feed. */
function firstImage(t: Tensor): Tensor {
  const per = t.data.length / t.shape[0];
  return { shape: [1, ...t.shape.slice(1)], data: t.data.subarray(0, per) };
}

export async function computeWhereItLooks(hooks: WhereHooks, request: WhereRequest): Promise<WhereItLooks> {
  await weightsReady();
  const report = hooks.report();
  if (!report.ok) throw new Error(`the graph has problems: ${report.problems[0].message}`);
  const feeds = hooks.feeds();
  if (feeds.error) throw new Error(feeds.error);
  const input = report.nodes.find((r) => r.op === 'Input');
  if (!input || !feeds.tensors[input.id]) throw new Error('nothing feeds the Input');
  const graph = hooks.graph();
  const weights = materializeWeights(report, graph.seed ?? 0, getWeightStore());
  const target: ScoreTarget = request.class !== undefined ? { node: request.node, class: request.class } : { node: request.node, channel: request.channel ?? 0 };
  return whereItLooks(await hooks.engine(), report, weights, firstImage(feeds.tensors[input.id]), target, { gradCam: request.gradCam, classNames: graph.classNames });
}

/** A result as plain data, for window.deepwire.saliency() (tests read it across the page boundary). */
export interface PlainWhereItLooks {
  label: string;
  score: number;
  width: number;
  height: number;
  saliency: number[];
  peak: { x: number; y: number; value: number };
  gradCam?: { layer: string; map: number[]; peak: { x: number; y: number; value: number } };
}

export function plainWhereItLooks(r: WhereItLooks): PlainWhereItLooks {
  const out: PlainWhereItLooks = { label: r.label, score: r.score, width: r.saliency.width, height: r.saliency.height, saliency: Array.from(r.saliency.data), peak: peakOf(r.saliency) };
  if (r.gradCam) out.gradCam = { layer: r.gradCam.layer, map: Array.from(r.gradCam.map.data), peak: peakOf(r.gradCam.map) };
  return out;
}
