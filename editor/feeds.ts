// What each Input of the graph is fed: the photo (resized and normalised) for the first Input shaped like
// a picture (H×W×3 or H×W×1), a .npy tensor for the first Input of its shape, seeded random values
// (uniform in [0, 1)) for any other — so every graph runs, and says what it ran on. A .npy that fits no
// Input leaves the photo in use (and says so) until an Input is edited to its shape.
import {
  formatShape, pictureToTensor, previewPixels, uniforms, type GraphReport, type Picture, type Preprocess, type ResizeMode, type Tensor,
} from '../src/index.ts';
import type { FeedInfo } from './input-panel.ts';

export interface InputChoice {
  picture: Picture | null;
  /** Where the photo came from: "chelsea.png (451×300)". */
  label: string;
  /** The .npy picked after the photo (a photo picked later drops it); fed in the photo's place where an Input takes it. */
  npy: Tensor | null;
  /** Where the .npy came from: "boot.npy (28×28×1)". */
  npyLabel: string;
  resize: ResizeMode;
  preprocess: Preprocess;
  /** Bumped whenever picture or npy change (a cache key). */
  version: number;
}

export interface Feeds {
  tensors: Record<string, Tensor>;
  info: FeedInfo;
  /** The photo tensor as the picture it is (what the network sees), when a photo is fed. */
  preview: ImageData | null;
  /** Why the graph cannot be fed as chosen: Run refuses it. */
  error: string;
  /** Why the .npy picked is not fed, while the photo is: said, but Run goes on with the photo. */
  refused: string;
}

let cached: { key: string; tensor: Tensor; preview: ImageData } | null = null;

const pictureLike = (shape: readonly number[] | null) => !!shape && shape.length === 3 && (shape[2] === 3 || shape[2] === 1);

export function buildFeeds(report: GraphReport, choice: InputChoice, seed: number): Feeds {
  const inputs = report.order.map((id) => report.byId.get(id)!).filter((r) => r.op === 'Input' && r.shape);
  const tensors: Record<string, Tensor> = {};
  let info: FeedInfo = { target: '', kind: 'none', label: '' };
  let preview: ImageData | null = null;
  let error = '', refused = '';
  // A batch (N× an Input's shape) first, else one sample of exactly an Input's shape, as `deepwire run --input` takes it.
  const npy = choice.npy;
  const batched = npy && inputs.find((r) => formatShape(r.shape!) === formatShape(npy.shape.slice(1)));
  const single = npy && !batched ? inputs.find((r) => formatShape(r.shape!) === formatShape(npy.shape)) : undefined;
  const npyTarget = batched || single;
  const photoTarget = !npyTarget ? inputs.find((r) => pictureLike(r.shape)) : undefined;
  if (npy && !npyTarget && inputs.length) {
    const why = `the .npy holds ${formatShape(npy.shape)}; no Input is ${formatShape(npy.shape)} (one sample) or ${formatShape(npy.shape.slice(1))} (a batch of ${npy.shape[0]}): ${inputs.map((r) => `${r.name}: ${formatShape(r.shape!)}`).join(', ')}`;
    if (photoTarget && choice.picture) refused = `${choice.npyLabel ? `${choice.npyLabel}: ` : ''}${why}. The photo stays the input.`;
    else error = why;
  }
  if (npyTarget) {
    tensors[npyTarget.id] = single ? { shape: [1, ...npy!.shape], data: npy!.data } : npy!;
    info = { target: `${npyTarget.name} · ${formatShape(npyTarget.shape!)}`, kind: 'npy', label: choice.npyLabel };
  } else if (photoTarget && choice.picture) {
    const shape = photoTarget.shape!;
    const key = `${choice.version}|${shape.join('x')}|${choice.resize}|${choice.preprocess}`;
    try {
      if (cached?.key !== key) {
        const tensor = pictureToTensor(choice.picture, shape, { resize: choice.resize, preprocess: choice.preprocess });
        cached = { key, tensor, preview: new ImageData(previewPixels(tensor, choice.preprocess) as Uint8ClampedArray<ArrayBuffer>, shape[1], shape[0]) };
      }
      tensors[photoTarget.id] = cached.tensor;
      preview = cached.preview;
      info = { target: `${photoTarget.name} · ${formatShape(shape)}`, kind: 'photo', label: choice.label };
    } catch (e) {
      error = (e as Error).message;
    }
  } else if (!npy && inputs.length && !inputs.some((r) => pictureLike(r.shape)))
    info = { target: inputs.map((r) => `${r.name} · ${formatShape(r.shape!)}`).join(', '), kind: 'random', label: 'no Input is shaped like a photo (H×W×3): open a .npy to feed your own' };
  const batch = Object.values(tensors)[0]?.shape[0] ?? 1;
  for (const r of inputs) {
    if (tensors[r.id]) continue;
    const shape = [batch, ...r.shape!];
    const n = shape.reduce((a, b) => a * b, 1);
    tensors[r.id] = { shape, data: Float32Array.from(uniforms(n, seed, `input/${r.id}`)) };
    if (info.kind === 'none') info = { target: `${r.name} · ${formatShape(r.shape!)}`, kind: 'random', label: `seed ${seed}` };
  }
  return { tensors, info, preview, error, refused };
}
