/** The user's own data in the editor: class sets (buckets named by the user, filled by dropping photos or
 *  capturing webcam frames), image folders picked with the directory picker (one subfolder per class, as
 *  keras.utils.image_dataset_from_directory), and the full Fashion-MNIST picked as its four IDX files.
 *  It is the Train panel's DatasetSource (the built-in subset first), makes the preview of a batch and
 *  says in words what is wrong with what was given. The class sets are kept across reloads (class-set-db.ts);
 *  a picked folder is kept as the set it became; the Fashion-MNIST files are picked again. A Lit reactive controller. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  fashionMnistFromIdx, formatCount, isGzip, parseIdx,
  type ClassDataset, type FashionMnist, type GraphReport, type IdxArray, type Picture, type Preprocess, type ResizeMode,
} from '../src/index.ts';
import { indexImagePaths } from '../src/data/image-folder-index.ts';
import { previewBatch, type BatchPreview } from './batch-preview.ts';
import { loadClassSets, saveClassSets } from './class-set-db.ts';
import { classSetProblem, classSetSamples, freeName, keptPicture, pictureInputShape, type ClassImage, type ClassSet } from './class-sets.ts';
import { BUILTIN_SOURCE, type DatasetEntry, type DatasetSource, type LoadedDataset } from './dataset-source.ts';
import { pictureThumbnail } from './picture-canvas.ts';
import { decodePhoto } from './image-decode.ts';
import { resolveTrainOptions, type TrainOptions } from './train-options.ts';

export const FASHION_FILES_ID = 'fashion-mnist-files';
const FASHION_FILE_NAMES = { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' } as const;

export interface DataHooks {
  report(): GraphReport;
  /** How Run feeds a picture to the Input now (the input panel's resize and preprocess). */
  feed(): { resize: ResizeMode; preprocess: Preprocess };
}

/** A file of a picked folder: its path inside the folder ("cats/001.jpg"). */
export interface FolderFile { path: string; file: File }

/** A class image with a small picture to show. */
export interface ShownImage extends ClassImage { thumb: string }

export interface PreviewShown extends BatchPreview {
  /** The preprocessing to undo when drawing it. */
  preprocess: Preprocess;
  dataset: string;
}

const messageOf = (e: unknown): string => {
  const error = e as Error & { hint?: string };
  return `${error?.message ?? e}${error?.hint ? ` — ${error.hint}` : ''}`;
};

export class DataController implements ReactiveController, DatasetSource {
  sets: ClassSet[] = [];
  /** The full Fashion-MNIST from the user's IDX files. */
  fashionFiles: FashionMnist | null = null;
  error = '';
  /** What is under way ("decoding 3 of 12 photos…") or was just done. */
  notice = '';
  preview: PreviewShown | null = null;
  /** Bumped on every change: the panel's cue to draw again (the controller is the same object). */
  version = 0;

  constructor(private host: ReactiveControllerHost, private hooks: DataHooks) {
    host.addController(this);
  }

  /** The sets as last written to (or read from) the browser's storage. */
  private keptSets: ClassSet[] | null = null;
  private saveTimer = 0;

  hostConnected(): void {
    void loadClassSets().then((kept) => {
      // Sets made before the storage answered come after the kept ones; a kept name taken meanwhile is renamed.
      const made = this.sets;
      const restored = kept.map((s) => (made.some((m) => m.name === s.name) ? { ...s, name: freeName(s.name, made.map((m) => m.name)) } : s));
      this.sets = [...restored, ...made];
      // Nothing made meanwhile: the page holds what is stored, so nothing is written back on start-up.
      this.keptSets = made.length ? null : this.sets;
      if (kept.length) this.notice = `Restored ${kept.length} class set${kept.length === 1 ? '' : 's'} from this browser: ${kept.map((s) => `'${s.name}'`).join(', ')}.`;
      this.changed();
    }, (e) => this.fail(`Your class sets could not be read back: ${messageOf(e)}.`));
  }

  private changed(): void {
    this.version++;
    this.host.requestUpdate();
    if (this.sets !== this.keptSets) {
      clearTimeout(this.saveTimer);
      this.saveTimer = window.setTimeout(() => this.keep(), 300);
    }
  }

  /** Writes the sets to the browser's storage; a refusal is said, and the sets stay on the page. */
  private keep(): void {
    const sets = this.sets;
    if (sets === this.keptSets) return;
    this.keptSets = sets;
    // A refusal is not retried for the same sets (the message would loop); the next edit tries again.
    saveClassSets(sets).catch((e) => {
      this.fail(`Your class sets are on this page but were not kept for the next visit: ${messageOf(e)}.`);
    });
  }

  private fail(text: string): void {
    this.error = text;
    this.notice = '';
    this.changed();
  }

  // ── DatasetSource ──────────────────────────────────────────────────────

  list(): DatasetEntry[] {
    return [
      ...BUILTIN_SOURCE.list(),
      ...(this.fashionFiles ? [{ id: FASHION_FILES_ID, label: `Fashion-MNIST from your files: ${formatCount(this.fashionFiles.train.x.shape[0])} train, ${formatCount(this.fashionFiles.test.x.shape[0])} test` }] : []),
      ...this.sets.map((s) => ({ id: s.name, label: `${s.name}: ${s.kind === 'folder' ? 'folder, ' : ''}${s.classes.length} classes, ${s.classes.reduce((n, c) => n + c.images.length, 0)} images` })),
    ];
  }

  async load(id: string, report: GraphReport): Promise<LoadedDataset> {
    if (id === FASHION_FILES_ID && this.fashionFiles) return { train: this.fashionFiles.train, test: this.fashionFiles.test };
    const set = this.sets.find((s) => s.name === id);
    if (!set) return BUILTIN_SOURCE.load(id, report);
    const shape = pictureInputShape(report.nodes.filter((r) => r.op === 'Input'));
    if (typeof shape === 'string') throw new Error(`'${set.name}' holds photos: ${shape}`);
    // Exactly as Run feeds the Input a photo, so a prediction after training sees what training saw.
    return { train: classSetSamples(set, shape, this.hooks.feed()), test: null };
  }

  /** A picture of class set `dataset` (with its thumbnail) by the sample file name training gave it ("cat/chelsea-1.png"); null when it is gone. */
  picture(dataset: string, file: string): { picture: Picture; thumb: string } | null {
    const set = this.sets.find((s) => s.name === dataset);
    for (const c of set?.classes ?? []) {
      for (const image of c.images) {
        if (`${c.name}/${image.name}` === file) return { picture: image.picture, thumb: (image as Partial<ShownImage>).thumb ?? pictureThumbnail(image.picture) };
      }
    }
    return null;
  }

  // ── class sets ─────────────────────────────────────────────────────────

  private taken(): string[] {
    return [...BUILTIN_SOURCE.list().map((d) => d.id), FASHION_FILES_ID, ...this.sets.map((s) => s.name)];
  }

  private set(name: string): ClassSet {
    const set = this.sets.find((s) => s.name === name);
    if (!set) throw new Error(`no class set '${name}'`);
    return set;
  }

  /** A new set with two empty classes, named "classes" (or "classes 2", …); returns its name. */
  newSet(): string {
    const name = freeName('classes', this.taken());
    this.sets = [...this.sets, { name, kind: 'buckets', classes: [{ name: 'class 1', images: [] }, { name: 'class 2', images: [] }] }];
    this.error = '';
    this.changed();
    return name;
  }

  renameSet(from: string, to: string): boolean {
    const name = to.trim();
    if (name === from) return true;
    const refusal = !name ? `A class set needs a name: '${from}' kept its name.`
      : this.taken().includes(name) ? `There is already a data set named '${name}': '${from}' kept its name.` : '';
    if (refusal) {
      this.fail(refusal);
      return false;
    }
    this.sets = this.sets.map((s) => (s.name === from ? { ...s, name } : s));
    if (this.preview?.dataset === from) this.preview = null;
    this.error = '';
    this.changed();
    return true;
  }

  removeSet(name: string): void {
    this.sets = this.sets.filter((s) => s.name !== name);
    if (this.preview?.dataset === name) this.preview = null;
    this.changed();
  }

  addClass(setName: string): void {
    const set = this.set(setName);
    set.classes = [...set.classes, { name: freeName(`class ${set.classes.length + 1}`, set.classes.map((c) => c.name)), images: [] }];
    this.edited(set);
  }

  renameClass(setName: string, index: number, name: string): void {
    const set = this.set(setName);
    set.classes = set.classes.map((c, i) => (i === index ? { ...c, name } : c));
    this.edited(set);
  }

  removeClass(setName: string, index: number): void {
    const set = this.set(setName);
    set.classes = set.classes.filter((_, i) => i !== index);
    this.edited(set);
  }

  removeImage(setName: string, classIndex: number, imageIndex: number): void {
    const set = this.set(setName);
    set.classes = set.classes.map((c, i) => (i === classIndex ? { ...c, images: c.images.filter((_, k) => k !== imageIndex) } : c));
    this.edited(set);
  }

  private edited(set: ClassSet): void {
    this.sets = this.sets.map((s) => (s.name === set.name ? { ...set } : s));
    if (this.preview?.dataset === set.name) this.preview = null;
    this.error = '';
    this.changed();
  }

  /** What keeps a set from training, for the panel (null: it can train). */
  problem(setName: string): string | null {
    const set = this.sets.find((s) => s.name === setName);
    return set ? classSetProblem(set) : null;
  }

  /** Photos dropped on or picked for a class; those that do not decode are named and left out. */
  async addFiles(setName: string, classIndex: number, files: File[]): Promise<void> {
    const added: ShownImage[] = [], refused: string[] = [];
    for (const [k, file] of files.entries()) {
      this.notice = `decoding ${k + 1} of ${files.length} photo${files.length === 1 ? '' : 's'}…`;
      this.changed();
      try {
        const picture = keptPicture((await decodePhoto(file)).picture);
        added.push({ name: file.name, picture, thumb: pictureThumbnail(picture) });
      } catch (e) {
        refused.push(`${file.name}: ${messageOf(e)}`);
      }
    }
    const set = this.sets.find((s) => s.name === setName);
    if (!set || !set.classes[classIndex]) return this.fail(`The class set '${setName}' changed while its photos were decoding: add them again.`);
    const target = set.classes[classIndex];
    set.classes = set.classes.map((c) => (c === target ? { ...c, images: [...c.images, ...added] } : c));
    this.edited(set);
    this.notice = added.length ? `Added ${added.length} photo${added.length === 1 ? '' : 's'} to '${target.name}'.` : '';
    if (refused.length) this.fail(`${refused.length === 1 ? 'A file was' : `${refused.length} files were`} not added to '${target.name}' (not an image this browser decodes): ${refused.join('; ')}.`);
    else this.changed();
  }

  /** A webcam frame (or any picture) into a class. */
  addPicture(setName: string, classIndex: number, picture: Picture, name: string): void {
    const set = this.set(setName);
    const kept = keptPicture(picture);
    set.classes = set.classes.map((c, i) => (i === classIndex ? { ...c, images: [...c.images, { name, picture: kept, thumb: pictureThumbnail(kept) } as ShownImage] } : c));
    this.edited(set);
  }

  // ── image folders ──────────────────────────────────────────────────────

  /**
   * A folder read as image_dataset_from_directory reads it: its subfolders are the classes. Every image is
   * decoded now; one that does not decode stops the load with its path, as Keras' decode does.
   */
  async addFolder(folderName: string, files: FolderFile[]): Promise<string | null> {
    this.error = '';
    let index;
    try {
      index = indexImagePaths(files.map((f) => f.path), `the folder '${folderName}'`);
    } catch (e) {
      this.fail(`${messageOf(e)}.`);
      return null;
    }
    const byPath = new Map(files.map((f) => [f.path, f.file]));
    const classes = index.classNames.map((name) => ({ name, images: [] as ShownImage[] }));
    for (const [k, path] of index.files.entries()) {
      this.notice = `decoding ${k + 1} of ${index.files.length} images of '${folderName}'…`;
      this.changed();
      try {
        const picture = keptPicture((await decodePhoto(byPath.get(path)!)).picture);
        classes[index.labels[k]].images.push({ name: path.slice(path.indexOf('/') + 1), picture, thumb: pictureThumbnail(picture) });
      } catch (e) {
        this.fail(`The folder '${folderName}' was not opened: ${folderName}/${path} does not decode (${messageOf(e)}). Remove it or replace it with a PNG or JPEG.`);
        return null;
      }
    }
    const name = freeName(folderName, this.taken());
    this.sets = [...this.sets, { name, kind: 'folder', classes }];
    this.notice = `Opened the folder '${folderName}' as '${name}': ${classes.length} classes (${classes.map((c) => `${c.name} ${c.images.length}`).join(', ')})`
      + `${index.skipped.length ? `; ${index.skipped.length} file${index.skipped.length === 1 ? '' : 's'} that ${index.skipped.length === 1 ? 'is' : 'are'} not a class's image skipped` : ''}.`;
    this.changed();
    return name;
  }

  // ── the full Fashion-MNIST ──────────────────────────────────────────────

  /** The four IDX files (gzipped or not), recognised by their names as Keras' loader names them. */
  async loadFashionFiles(files: File[]): Promise<void> {
    this.error = '';
    this.notice = 'reading the Fashion-MNIST files…';
    this.changed();
    try {
      const found: Partial<Record<keyof typeof FASHION_FILE_NAMES, IdxArray>> = {};
      for (const file of files) {
        const key = (Object.keys(FASHION_FILE_NAMES) as (keyof typeof FASHION_FILE_NAMES)[]).find((k) => file.name.replace(/\.gz$/i, '') === FASHION_FILE_NAMES[k]);
        if (!key) throw new Error(`${file.name} is not one of Fashion-MNIST's files (${Object.values(FASHION_FILE_NAMES).join(', ')}, each may end in .gz)`);
        let bytes = new Uint8Array(await file.arrayBuffer());
        if (isGzip(bytes)) bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
        found[key] = parseIdx(bytes, file.name);
      }
      const missing = (Object.keys(FASHION_FILE_NAMES) as (keyof typeof FASHION_FILE_NAMES)[]).filter((k) => !found[k]).map((k) => FASHION_FILE_NAMES[k]);
      if (missing.length) throw new Error(`pick all four files at once: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
      this.fashionFiles = fashionMnistFromIdx(found as Required<typeof found>);
      this.notice = `Fashion-MNIST from your files: ${formatCount(this.fashionFiles.train.x.shape[0])} training and ${formatCount(this.fashionFiles.test.x.shape[0])} test images, as dataset '${FASHION_FILES_ID}'.`;
      this.changed();
    } catch (e) {
      this.fail(`Fashion-MNIST was not loaded: ${messageOf(e)}.`);
    }
  }

  // ── the batch preview ──────────────────────────────────────────────────

  /** The first batch of `fields`' data set as training will see it (see batch-preview.ts). */
  async makePreview(fields: Record<string, string>): Promise<void> {
    this.error = '';
    let options: TrainOptions;
    try {
      options = resolveTrainOptions(fields, this.list().map((d) => d.id));
    } catch (e) {
      return this.fail(`No preview: check the options: ${messageOf(e)}.`);
    }
    try {
      const report = this.hooks.report();
      const data = (await this.load(options.dataset, report)).train;
      const isSet = this.sets.some((s) => s.name === options.dataset);
      this.preview = { ...previewBatch(report, data, options), preprocess: isSet ? this.hooks.feed().preprocess : 'unit', dataset: options.dataset };
      this.changed();
    } catch (e) {
      this.preview = null;
      this.fail(`No preview of '${options.dataset}': ${messageOf(e)}.`);
    }
  }

  clearMessages(): void {
    this.error = this.notice = '';
    this.changed();
  }
}

/** The files of a folder from the directory picker, paths relative to it; null when the user cancels. */
export async function pickFolder(): Promise<{ name: string; files: FolderFile[] } | null> {
  type Handle = { kind: 'file' | 'directory'; name: string; getFile(): Promise<File>; values(): AsyncIterable<Handle> };
  const picker = (window as unknown as { showDirectoryPicker?: (o?: object) => Promise<Handle> }).showDirectoryPicker;
  if (!picker) throw new Error('no directory picker here');
  let root: Handle;
  try {
    root = await picker({ mode: 'read' });
  } catch (e) {
    if ((e as DOMException)?.name === 'AbortError') return null;
    throw e;
  }
  const files: FolderFile[] = [];
  const walk = async (dir: Handle, prefix: string): Promise<void> => {
    for await (const entry of dir.values()) {
      if (entry.kind === 'directory') await walk(entry, `${prefix}${entry.name}/`);
      else files.push({ path: `${prefix}${entry.name}`, file: await entry.getFile() });
    }
  };
  await walk(root, '');
  return { name: root.name, files };
}

/** The files of <input webkitdirectory>: their paths start with the folder's name, which is cut off. */
export function folderFromInput(list: FileList | File[]): { name: string; files: FolderFile[] } | null {
  const all = [...list];
  if (!all.length) return null;
  const rel = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
  const name = rel(all[0]).split('/')[0];
  return { name, files: all.map((file) => ({ path: rel(file).split('/').slice(1).join('/'), file })) };
}
