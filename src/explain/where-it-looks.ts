// "Where a node looks": a saliency map and, with a layer, Grad-CAM for one score (a node's channel, a
// classifier's class), over the Input's H×W — computed on WebGPU (saliency-gradients.ts) or by the CPU
// reference (saliency-reference.ts). What the CLI's --saliency/--grad-cam and the editor's buttons call.
import type { GraphReport } from '../graph/analyze.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import { gradCam, gradCamAt } from './grad-cam.ts';
import type { Heatmap } from './heatmap.ts';
import { gradientsOnGpu } from './saliency-gradients.ts';
import { gradientsReference } from './saliency-reference.ts';
import { saliencyMap } from './saliency.ts';
import { defaultCamLayer, gradientProblem, type ScoreTarget } from './saliency-target.ts';

type Weights = Map<string, Record<string, Tensor>>;

export interface WhereItLooksOptions {
  /** Also Grad-CAM, on this layer (a node id), or on the last layer with maps before the target (true). */
  gradCam?: string | true;
  /** The graph's own class names (GraphFile.classNames), for the label. */
  classNames?: readonly string[];
}

export interface WhereItLooks {
  /** The score, in words (GradientProblem.label). */
  label: string;
  score: number;
  /** The saliency map, at the Input's H×W. */
  saliency: Heatmap;
  /** Grad-CAM on `layer` (a node id of the user's graph), upsampled to the Input's H×W, and its channel weights. */
  gradCam?: { layer: string; map: Heatmap; coarse: Heatmap; weights: Float64Array };
}

/** `engine` null: the CPU reference. x is one image, [1, H, W, C]. */
export async function whereItLooks(
  engine: Engine | null, report: GraphReport, weights: Weights, x: Tensor, target: ScoreTarget, options: WhereItLooksOptions = {},
): Promise<WhereItLooks> {
  const layer = options.gradCam === true ? defaultCamLayer(report, target.node) : options.gradCam;
  const problem = gradientProblem(report, target, { camLayer: layer, classNames: options.classNames });
  const g = engine ? await gradientsOnGpu(engine, problem, weights, x) : gradientsReference(problem, weights, x);
  const saliency = saliencyMap(g.input);
  const out: WhereItLooks = { label: problem.label, score: g.score, saliency };
  if (layer && g.cam) {
    const cam = gradCam(g.cam.activation, g.cam.gradient);
    out.gradCam = { layer, map: gradCamAt(cam, saliency.width, saliency.height), coarse: cam.coarse, weights: cam.weights };
  }
  return out;
}
