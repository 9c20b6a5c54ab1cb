/** The trained model on images it did not learn from: its confusion matrix and wrongly classified images on the
 *  run's validation split (Keras' last fraction of the training data), or on the test set when the run held
 *  none out; and those images again by index, for thumbnails and to open one as the input. */
import { predict, validationSplit, type ClassDataset, type Engine, type GraphReport, type Tensor, type TrainingEvaluation } from '../src/index.ts';
import { loadBuiltinDataset, type BuiltinDatasetId } from './builtin-data.ts';
import { confusionOf } from './confusion.ts';

type Weights = Map<string, Record<string, Tensor>>;

/** The images a run is evaluated on: its validation split, else the test set. */
export function heldOut(data: { train: ClassDataset; test: ClassDataset }, split: TrainingEvaluation['split'], fraction: number): ClassDataset {
  return split === 'validation' ? validationSplit(data.train, fraction).validation! : data.test;
}

export async function evaluateHeldOut(engine: Engine, report: GraphReport, weights: Weights, data: { train: ClassDataset; test: ClassDataset; classNames: string[] },
  validationFraction: number, batch: number): Promise<TrainingEvaluation> {
  const split = validationFraction > 0 ? 'validation' : 'test';
  const set = heldOut(data, split, validationFraction);
  const outputs = await predict(engine, report, weights, set.x, batch);
  return confusionOf(outputs.data, set.y.data, data.classNames, split);
}

/** One image of a built-in set's split as a [1, H, W, C] tensor with its label, or null when it is not there. */
export async function heldOutImage(dataset: string, split: TrainingEvaluation['split'], fraction: number, index: number): Promise<{ image: Tensor; label: number } | null> {
  const data = await loadBuiltinDataset(dataset as BuiltinDatasetId);
  const set = heldOut(data, split, fraction);
  if (!(index >= 0 && index < set.x.shape[0])) return null;
  const per = set.x.data.length / set.x.shape[0];
  return { image: { shape: [1, ...set.x.shape.slice(1)], data: set.x.data.slice(index * per, (index + 1) * per) }, label: set.y.data[index] };
}

/** A [1, H, W, 1] (or ×3) image in [0, 1] as a canvas of its own size: what the input panel takes as a frame. */
export function imageCanvas(image: Tensor): HTMLCanvasElement {
  const [, h, w, c] = image.shape;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const pixels = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) pixels.data[i * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, image.data[i * c + (c === 3 ? k : 0)])));
    pixels.data[i * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  return canvas;
}
