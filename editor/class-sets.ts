/** A user's own classification data in the editor: named classes (buckets filled by dropping photos or
 *  capturing webcam frames, or the subfolders of a picked image folder) holding decoded pictures, and the
 *  training set they make for a graph: each picture resized and preprocessed exactly as Run feeds the
 *  Input (pictureToTensor with the input panel's resize and preprocess), then shuffled once, seeded, as
 *  keras.utils.image_dataset_from_directory does. Pure. */
import { formatShape, pictureToTensor, resizePicture, type ClassDataset, type Picture, type Preprocess, type ResizeMode } from '../src/index.ts';
import { permutation } from '../src/data/batch.ts';

export interface ClassImage {
  /** File name, or "webcam frame 3". */
  name: string;
  picture: Picture;
}

export interface ImageClass {
  name: string;
  images: ClassImage[];
}

export interface ClassSet {
  /** What window.deepwire.fit({ dataset }) and the Train panel's dataset name it by. */
  name: string;
  /** 'buckets': filled by hand; 'folder': read from a picked folder. */
  kind: 'buckets' | 'folder';
  classes: ImageClass[];
}

/** Pictures are kept at most this long on their longer side: a folder of phone photos stays a few MB each. */
export const KEPT_SIDE = 512;

/** A picture shrunk (aspect kept) so its longer side is at most KEPT_SIDE; smaller ones as they are. */
export function keptPicture(p: Picture): Picture {
  const side = Math.max(p.width, p.height);
  if (side <= KEPT_SIDE) return p;
  const f = KEPT_SIDE / side;
  return resizePicture(p, Math.max(1, Math.round(p.width * f)), Math.max(1, Math.round(p.height * f)), 'stretch');
}

/** Why the set cannot train a classifier, or null: named classes, each once, at least two, none empty. */
export function classSetProblem(set: ClassSet): string | null {
  const blank = set.classes.findIndex((c) => !c.name.trim());
  if (blank >= 0) return `class ${blank + 1} of '${set.name}' has no name: name it (the name is what predictions are called)`;
  const seen = new Set<string>();
  for (const c of set.classes) {
    if (seen.has(c.name.trim())) return `two classes of '${set.name}' are named '${c.name.trim()}': give each class its own name`;
    seen.add(c.name.trim());
  }
  const empty = set.classes.filter((c) => c.images.length === 0).map((c) => `'${c.name}'`);
  if (empty.length) return `the class${empty.length === 1 ? '' : 'es'} ${empty.join(', ')} of '${set.name}' ${empty.length === 1 ? 'has' : 'have'} no images: drop photos on ${empty.length === 1 ? 'it' : 'them'}, capture webcam frames, or remove ${empty.length === 1 ? 'it' : 'them'}`;
  if (set.classes.length < 2)
    return `'${set.name}' has ${set.classes.length === 1 ? `one class only ('${set.classes[0].name}')` : 'no classes'}: a classifier needs at least two, add another class with its images`;
  return null;
}

/** The Input a picture set feeds: the graph's first H×W×3 or H×W×1 Input. */
export function pictureInputShape(inputs: readonly { name: string; shape: readonly number[] | null }[]): [number, number, number] | string {
  const input = inputs.find((r) => r.shape?.length === 3 && (r.shape[2] === 3 || r.shape[2] === 1));
  if (!input) return inputs.length
    ? `no Input takes a picture (H×W×3 or H×W×1): ${inputs.map((r) => `${r.name} is ${r.shape ? formatShape(r.shape) : '?'}`).join(', ')}`
    : 'the graph has no Input';
  return [input.shape![0], input.shape![1], input.shape![2]];
}

export interface ClassSetSamples extends ClassDataset {
  /** Each sample's class and picture name, in sample order: "cat/chelsea-1.png". */
  files: string[];
}

/**
 * The set as training samples for an Input of `shape` (H×W×C): x [N, H, W, C] as Run would feed each
 * picture, y [N] class indices, classNames in the set's order, samples shuffled once by `seed`.
 */
export function classSetSamples(set: ClassSet, shape: readonly [number, number, number], feed: { resize: ResizeMode; preprocess: Preprocess }, seed = 0): ClassSetSamples {
  const problem = classSetProblem(set);
  if (problem) throw new Error(problem);
  const all = set.classes.flatMap((c, label) => c.images.map((image) => ({ label, image, file: `${c.name}/${image.name}` })));
  const per = shape[0] * shape[1] * shape[2];
  const order = permutation(all.length, seed, 'image_dataset_from_directory');
  const x = new Float32Array(all.length * per), y = new Float32Array(all.length), files: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const { label, image, file } = all[order[i]];
    x.set(pictureToTensor(image.picture, shape, feed).data, i * per);
    y[i] = label;
    files.push(file);
  }
  return { x: { shape: [all.length, ...shape], data: x }, y: { shape: [all.length], data: y }, classNames: set.classes.map((c) => c.name.trim()), files };
}

/** A name for a new set or class that is not taken: "classes", "classes 2", … */
export function freeName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let k = 2; ; k++) if (!taken.includes(`${base} ${k}`)) return `${base} ${k}`;
}
