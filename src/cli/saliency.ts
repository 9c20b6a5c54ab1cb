// run's --saliency NODE[:CHANNEL] and --grad-cam NODE[:CHANNEL] (with --class N|NAME for a classifier,
// --layer L for Grad-CAM's layer): where the node looks in the photo, as a PNG — the map over the photo
// (src/explain/heatmap-overlay.ts) at the photo's size, or alone at the Input's size when the input is
// an .npy or random. Without a channel or class: a classifier's top class, else the most active channel.
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import type { GraphReport } from '../graph/analyze.ts';
import { formatNumber } from '../format.ts';
import { decodeImage } from '../io/image.ts';
import type { ResizeMode } from '../io/resize.ts';
import { OpError } from '../ops/op.ts';
import { Engine, EngineError } from '../runtime/engine.ts';
import { materializeWeights } from '../runtime/reference.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { peakOf, type Heatmap } from '../explain/heatmap.ts';
import { overlayHeatmap, SALIENCY_SATURATE } from '../explain/heatmap-overlay.ts';
import { gradientsOnGpu } from '../explain/saliency-gradients.ts';
import { gradientsReference } from '../explain/saliency-reference.ts';
import { gradientProblem, isClassifier, resolveClass, type ScoreTarget } from '../explain/saliency-target.ts';
import { whereItLooks } from '../explain/where-it-looks.ts';
import type { Flags } from './args.ts';
import { CliError, readInput, usageError, writeOutput, type CliIo } from './io.ts';
import type { Loaded } from './load-graph.ts';
import { fileSafe, findNode } from './outputs.ts';

export const wantsSaliency = (flags: Flags) => flags.saliency !== undefined || flags['grad-cam'] !== undefined;

/** The flags that only a map takes: refused without --saliency or --grad-cam. */
export function checkSaliencyFlags(flags: Flags): void {
  if (flags.saliency !== undefined && flags['grad-cam'] !== undefined) throw usageError('--saliency and --grad-cam each write a map: give one of them', 'run twice for both');
  for (const flag of ['class', 'layer', 'out-png', 'opacity'])
    if (flags[flag] !== undefined && !wantsSaliency(flags)) throw usageError(`--${flag} applies to a map`, 'add --saliency NODE[:CHANNEL] or --grad-cam NODE[:CHANNEL]');
  if (flags.output !== undefined && wantsSaliency(flags)) throw usageError('--output writes tensors; with --saliency or --grad-cam run writes the map instead', 'leave --output out, or run twice');
  if (flags.layer !== undefined && flags['grad-cam'] === undefined) throw usageError('--layer names the Grad-CAM layer', 'use it with --grad-cam');
  const opacity = flags.opacity as string | undefined;
  if (opacity !== undefined && !(Number(opacity) >= 0 && Number(opacity) <= 1 && opacity.trim() !== '')) throw usageError(`--opacity must be a number in 0…1, got '${opacity}'`, 'e.g. --opacity 0.5');
}

/** NODE or NODE:CHANNEL (a trailing `:digits`). */
function parseTarget(ref: string): { node: string; channel?: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  if (!m || !m[1]) return { node: ref };
  return { node: m[1], channel: Number(m[2]) };
}

async function createEngine(): Promise<Engine> {
  try {
    const engine = await Engine.create();
    await engine.tuneOnFirstUse();
    return engine;
  } catch (e) {
    if (e instanceof EngineError) throw new CliError(e.message, `${e.hint}; or use --backend cpu`);
    throw e;
  }
}

/** The channel or class to explain when the command names none: the top class, or the channel with the largest mean. */
async function defaultTarget(engine: Engine | null, report: GraphReport, weights: Map<string, Record<string, Tensor>>, x: Tensor, node: string, classifier: boolean): Promise<ScoreTarget> {
  const probe: ScoreTarget = classifier ? { node, class: 0 } : { node, channel: 0 };
  const problem = gradientProblem(report, probe);
  const { output } = engine ? await gradientsOnGpu(engine, problem, weights, x) : gradientsReference(problem, weights, x);
  const C = output.shape.at(-1)!;
  const means = new Float64Array(C);
  for (let i = 0; i < output.data.length; i++) means[i % C] += output.data[i];
  let best = 0;
  for (let c = 1; c < C; c++) if (means[c] > means[best]) best = c;
  return classifier ? { node, class: best } : { node, channel: best };
}

export async function runSaliency(
  flags: Flags, loaded: Loaded, report: GraphReport, x: Tensor, seed: number, io: CliIo,
): Promise<number> {
  const gradCamFlag = flags['grad-cam'] !== undefined;
  const flag = gradCamFlag ? '--grad-cam' : '--saliency';
  const { node: ref, channel } = parseTarget((flags['grad-cam'] ?? flags.saliency) as string);
  const node = findNode(report, ref, flag);
  const r = report.byId.get(node)!;
  const classRef = flags.class as string | undefined;
  if (classRef !== undefined && channel !== undefined) throw usageError(`${flag} ${ref}:${channel} names a channel and --class a class`, 'give one of them');
  if (x.shape[0] !== 1) throw new CliError(`a map explains one image; the input holds ${x.shape[0]}`, 'give one image');
  const isVector = r.shape?.length === 1;
  const classNames = (loaded.raw.classNames as string[] | undefined) ?? undefined;
  const classifier = isClassifier(report, node, classNames);
  if (classRef !== undefined && !isVector) throw new CliError(`--class needs a classifier output; '${r.name}' outputs ${formatShape(r.shape ?? [])} maps`, `pick a channel instead: ${flag} ${r.name}:0`);
  const weights = materializeWeights(report, seed, loaded.weights);
  const cpu = flags.backend === 'cpu';
  const engine = cpu ? null : await createEngine();
  try {
    let target: ScoreTarget;
    try {
      target = classRef !== undefined ? { node, class: resolveClass(classRef, r.shape![0], classNames) }
        : channel !== undefined ? { node, channel }
        : await defaultTarget(engine, report, weights, x, node, classifier);
    } catch (e) {
      if (e instanceof OpError) throw new CliError(e.message, e.hint ?? 'check the node and channel');
      throw e;
    }
    if (classRef === undefined && channel === undefined)
      io.stderr(`note: no channel or --class given: explaining ${'class' in target ? `the top class, ${target.class}` : `the most active ${isVector ? 'unit' : 'channel'}, ${target.channel}`}\n`);
    const layer = gradCamFlag ? (flags.layer !== undefined ? findNode(report, flags.layer as string, '--layer') : true) : undefined;
    let result;
    try {
      result = await whereItLooks(engine, report, weights, x, target, { gradCam: layer, classNames });
    } catch (e) {
      if (e instanceof OpError) throw new CliError(e.message, e.hint ?? 'pick another node');
      if (e instanceof EngineError) throw new CliError(e.message, e.hint ?? 'use --backend cpu');
      throw e;
    }
    const map: Heatmap = result.gradCam ? result.gradCam.map : result.saliency;
    const what = result.gradCam ? `Grad-CAM on '${report.byId.get(result.gradCam.layer)!.name}' (${result.gradCam.coarse.height}×${result.gradCam.coarse.width} maps)` : 'saliency |d score/d pixel|';
    io.stdout(`score: ${result.label} = ${formatNumber(result.score)}\n`);
    const peak = peakOf(map);
    io.stdout(`${what}: peak ${formatNumber(peak.value)} at input pixel (x ${peak.x}, y ${peak.y}) of ${map.width}×${map.height}\n`);
    if (!(peak.value > 0))
      io.stderr(`note: the map is zero everywhere: ${result.gradCam ? "no part of the layer's maps raises this score (Grad-CAM keeps only what raises it)" : 'the score does not depend on the input here'}\n`);

    const opacity = flags.opacity !== undefined ? Number(flags.opacity) : 0.5;
    const photoFile = flags.image as string | undefined;
    const photo = photoFile ? decodeImage(await readInput(photoFile, io, 'photo')).picture : null;
    const resize = ((flags.resize as string | undefined) ?? 'crop') as ResizeMode;
    // Without a photo: the map alone, opaque, at the Input's size.
    const saturate = result.gradCam ? 1 : SALIENCY_SATURATE;
    const rgba = photo ? overlayHeatmap(photo, map, { resize, opacity, saturate })
      : overlayHeatmap({ width: map.width, height: map.height, data: new Float32Array(map.width * map.height * 3) }, map, { resize: 'stretch', opacity: 1, saturate });
    const out = (flags['out-png'] as string | undefined) ?? join((flags.out as string | undefined) ?? 'out', `${fileSafe(r.name)}-${gradCamFlag ? 'grad-cam' : 'saliency'}.png`);
    await writeOutput(out, encodePng({ width: rgba.width, height: rgba.height, data: rgba.data, channels: 4, depth: 8 }), io, 'choose another path with --out-png FILE');
    io.stdout(`${out}: ${rgba.width}×${rgba.height} PNG, ${photo ? `the map over ${photoFile} at opacity ${opacity}` : 'the map alone (no --image photo to draw it on)'}\n`);
    return 0;
  } finally {
    engine?.device.destroy();
  }
}
