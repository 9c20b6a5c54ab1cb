/** The Train panel's own-data section: class sets (buckets the user names and fills by dropping photos,
 *  picking them, or capturing webcam frames), an image folder (the directory picker, or <input
 *  webkitdirectory> where there is none), the full Fashion-MNIST picked as its IDX files, the preview of a
 *  batch as the network sees it, the one-action softmax head for a set's classes, and the prediction of
 *  the input with the classes' names. It drives data-controller.ts directly (the same object each render:
 *  `version` tells it to draw again).
 *  @fires data-command - detail: { name: 'add-head', set, classes } | { name: 'predict' } */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { pictureFromSource, previewPixels } from '../src/index.ts';
import { folderFromInput, pickFolder, type DataController, type PreviewShown, type ShownImage } from './data-controller.ts';
import type { Prediction } from './predictions.ts';

/** The preview's images as data URLs, made once per preview. */
const previewUrls = new WeakMap<PreviewShown, string[]>();

function imagesOf(p: PreviewShown): string[] {
  let urls = previewUrls.get(p);
  if (urls) return urls;
  const [B, H, W, C] = p.x.shape;
  const canvas = Object.assign(document.createElement('canvas'), { width: W, height: H });
  const context = canvas.getContext('2d')!;
  urls = Array.from({ length: B }, (_, b) => {
    const one = { shape: [1, H, W, C], data: p.x.data.subarray(b * H * W * C, (b + 1) * H * W * C) };
    context.putImageData(new ImageData(previewPixels(one, p.preprocess) as Uint8ClampedArray<ArrayBuffer>, W, H), 0, 0);
    return canvas.toDataURL('image/png');
  });
  previewUrls.set(p, urls);
  return urls;
}

@customElement('dw-data-panel')
export class DataPanel extends LitElement {
  static override styles = css`
    :host { display: grid; gap: 6px; font-size: 12px; }
    h3 { font-size: 12.5px; margin: 4px 0 0; }
    .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    button { padding: 2px 8px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 12px; cursor: pointer; }
    button:disabled { opacity: 0.45; cursor: default; }
    input[type='text'] { font: inherit; font-size: 12px; padding: 2px 4px; min-width: 0; border: 1px solid var(--dw-border); border-radius: 4px; background: var(--dw-input-bg); color: var(--dw-fg); }
    .set { border: 1px solid var(--dw-border); border-radius: 6px; padding: 6px; display: grid; gap: 5px; }
    .bucket { border: 1px dashed var(--dw-border); border-radius: 5px; padding: 4px 6px; display: grid; gap: 4px; }
    .bucket.over { border-color: var(--dw-accent); background: var(--dw-hover); }
    .thumbs { display: flex; flex-wrap: wrap; gap: 3px; }
    .thumbs img { height: 34px; border-radius: 3px; cursor: pointer; }
    .count { color: var(--dw-muted); }
    .problem { color: var(--dw-error); }
    .error { color: var(--dw-error); background: var(--dw-error-bg); border: 1px solid var(--dw-error); border-radius: 4px; padding: 5px 8px; }
    .notice { color: var(--dw-muted); }
    video { width: 160px; border-radius: 4px; }
    .preview { display: flex; flex-wrap: wrap; gap: 4px; }
    .preview figure { margin: 0; display: grid; justify-items: center; font-size: 10.5px; }
    .preview img { width: 56px; height: 56px; object-fit: contain; image-rendering: pixelated; background: #000; }
    .hidden { display: none; }
    ol { margin: 0; padding-left: 18px; }
  `;

  @property({ attribute: false }) data!: DataController;
  /** Changes with every change of `data` (the same object): makes Lit draw again. */
  @property({ attribute: false }) version = 0;
  /** The Train panel's fields (the preview uses its dataset, batch size, seed and split). */
  @property({ attribute: false }) fields: Record<string, string> = {};
  @property({ attribute: false }) busy = false;
  @property({ attribute: false }) prediction: Prediction | null = null;
  @property({ attribute: false }) predictionError = '';
  @state() private camera: MediaStream | null = null;
  @state() private cameraError = '';
  @state() private over = '';
  private frames = 0;

  override disconnectedCallback(): void {
    this.stopCamera();
    super.disconnectedCallback();
  }

  override render() {
    const d = this.data;
    if (!d) return nothing;
    return html`
      <h3>Your data</h3>
      <div class="row">
        <button data-testid="data-new-set" ?disabled=${this.busy} @click=${() => d.newSet()} title="Classes you name and fill with photos or webcam frames">New class set</button>
        <button data-testid="data-open-folder" ?disabled=${this.busy} @click=${this.openFolder} title="A folder with one subfolder of photos per class, as Keras' image_dataset_from_directory reads it">Open image folder…</button>
        <button data-testid="data-fashion-files" ?disabled=${this.busy} @click=${() => this.pick('fashion-input')} title="train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (.gz or not)">Full Fashion-MNIST files…</button>
        <button data-testid="data-camera" @click=${this.toggleCamera}>${this.camera ? 'Camera off' : 'Camera'}</button>
        <input id="folder-input" class="hidden" data-testid="data-folder-input" type="file" webkitdirectory multiple @change=${this.folderPicked} />
        <input id="fashion-input" class="hidden" data-testid="data-fashion-input" type="file" multiple @change=${this.fashionPicked} />
      </div>
      ${this.camera ? html`<video data-testid="data-camera-video" autoplay muted playsinline .srcObject=${this.camera}></video>` : nothing}
      ${this.cameraError ? html`<div class="problem">${this.cameraError}</div>` : nothing}
      ${d.sets.map((set) => this.renderSet(set.name))}
      <div class="row">
        <button data-testid="data-preview" @click=${() => void d.makePreview(this.fields)} title="The first batch of the dataset chosen above, after resize, preprocessing and the graph's augmentation layers">Preview a batch</button>
        <button data-testid="data-predict" ?disabled=${this.busy} @click=${() => this.fire({ name: 'predict' })} title="Run the graph on the input photo and name its top classes">Predict the input</button>
      </div>
      ${d.notice ? html`<div class="notice" role="status" data-testid="data-notice">${d.notice}</div>` : nothing}
      ${d.error ? html`<div class="error" role="alert" data-testid="data-error">${d.error}</div>` : nothing}
      ${d.preview ? this.renderPreview(d.preview) : nothing}
      ${this.predictionError ? html`<div class="error" role="alert" data-testid="data-prediction-error">${this.predictionError}</div>` : nothing}
      ${this.prediction ? html`<ol data-testid="data-prediction">${this.prediction.top.map((t) => html`<li>${t.name ?? `class ${t.index}`}: ${(100 * t.value).toFixed(1)} %</li>`)}</ol>` : nothing}
    `;
  }

  private renderSet(name: string) {
    const d = this.data;
    const set = d.sets.find((s) => s.name === name)!;
    const problem = d.problem(name);
    return html`<div class="set" data-testid="class-set" data-name=${name}>
      <div class="row">
        <input type="text" data-testid="set-name" aria-label="Name of the class set (the dataset's name)" .value=${name} ?disabled=${this.busy}
          @change=${(e: Event) => { const input = e.target as HTMLInputElement; if (!d.renameSet(name, input.value)) input.value = name; }} />
        <button data-testid="set-add-class" ?disabled=${this.busy} @click=${() => d.addClass(name)}>+ class</button>
        <button data-testid="set-add-head" ?disabled=${this.busy || !!problem} title="Keras' transfer learning: freeze the graph's layers, then GlobalAveragePooling2D (for a feature map) and Dense(classes, softmax) on its output"
          @click=${() => this.fire({ name: 'add-head', set: name, classes: set.classes.length })}>Add a softmax head for ${set.classes.length} classes</button>
        <button data-testid="set-remove" ?disabled=${this.busy} @click=${() => d.removeSet(name)} aria-label=${`Remove the class set ${name}`}>Remove</button>
      </div>
      ${problem ? html`<div class="problem" data-testid="set-problem">${problem}</div>` : nothing}
      ${set.classes.map((c, i) => html`
        <div class="bucket ${this.over === `${name}/${i}` ? 'over' : ''}" data-testid="bucket" data-class=${c.name}
          @dragover=${(e: DragEvent) => this.dragOver(e, `${name}/${i}`)} @dragleave=${() => (this.over = '')}
          @drop=${(e: DragEvent) => this.drop(e, name, i)}>
          <div class="row">
            <input type="text" data-testid="bucket-name" aria-label="Class name" .value=${c.name} ?disabled=${this.busy}
              @change=${(e: Event) => d.renameClass(name, i, (e.target as HTMLInputElement).value)} />
            <span class="count" data-testid="bucket-count">${c.images.length} image${c.images.length === 1 ? '' : 's'}</span>
            <button ?disabled=${this.busy} @click=${() => this.pick(`files-${name}-${i}`)}>Add photos…</button>
            <input id=${`files-${name}-${i}`} class="hidden" data-testid="bucket-files" type="file" accept="image/*" multiple
              @change=${(e: Event) => this.filesPicked(e, name, i)} />
            ${this.camera ? html`<button data-testid="bucket-capture" ?disabled=${this.busy} @click=${() => this.capture(name, i)}>Capture</button>` : nothing}
            <button ?disabled=${this.busy} aria-label=${`Remove the class ${c.name}`} @click=${() => d.removeClass(name, i)}>×</button>
          </div>
          <div class="thumbs">${(c.images as ShownImage[]).map((img, k) => html`<img src=${img.thumb} alt=${img.name} title=${`${img.name} (click to remove)`}
            @click=${() => !this.busy && d.removeImage(name, i, k)} />`)}${c.images.length ? nothing : html`<span class="count">drop photos here</span>`}</div>
        </div>`)}
    </div>`;
  }

  private renderPreview(p: PreviewShown) {
    const urls = imagesOf(p);
    const [, H, W, C] = p.x.shape;
    return html`<div data-testid="data-preview-batch">
      <div class="notice">First batch of '${p.dataset}' as the network sees it: ${urls.length} image${urls.length === 1 ? '' : 's'} of ${H}×${W}×${C}, preprocessed '${p.preprocess}'${p.applied.length ? `, then ${p.applied.join(', ')} as drawn for step 1` : ', no augmentation layer after the Input'}.${p.notApplied.length ? ` Not shown: ${p.notApplied.join(', ')} (not right after the Input).` : ''}</div>
      <div class="preview">${urls.map((url, b) => html`<figure><img src=${url} alt=${p.labels[b]} /><figcaption>${p.labels[b]}</figcaption></figure>`)}</div>
    </div>`;
  }

  private pick(id: string): void {
    (this.renderRoot.querySelector(`#${CSS.escape(id)}`) as HTMLInputElement | null)?.click();
  }

  private filesPicked(e: Event, set: string, index: number): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) void this.data.addFiles(set, index, files);
  }

  private dragOver(e: DragEvent, key: string): void {
    if (!e.dataTransfer?.types.includes('Files')) return;
    // Photos dropped here go into this class, not to the Input (the page's own drop).
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = 'copy';
    this.over = key;
  }

  private drop(e: DragEvent, set: string, index: number): void {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    e.stopPropagation();
    this.over = '';
    void this.data.addFiles(set, index, files);
  }

  private openFolder = async (): Promise<void> => {
    if (!('showDirectoryPicker' in window)) return this.pick('folder-input');
    try {
      const folder = await pickFolder();
      if (folder) await this.data.addFolder(folder.name, folder.files);
    } catch (e) {
      this.data.error = `The folder could not be read: ${(e as Error).message}.`;
      this.requestUpdate();
    }
  };

  private folderPicked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const folder = folderFromInput(input.files ?? []);
    input.value = '';
    if (folder) void this.data.addFolder(folder.name, folder.files);
  };

  private fashionPicked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) void this.data.loadFashionFiles(files);
  };

  private toggleCamera = async (): Promise<void> => {
    if (this.camera) return this.stopCamera();
    this.cameraError = '';
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera');
      this.camera = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } } });
    } catch (e) {
      this.cameraError = `The webcam is not available: ${(e as Error).message || (e as Error).name}`;
    }
  };

  private stopCamera(): void {
    this.camera?.getTracks().forEach((t) => t.stop());
    this.camera = null;
  }

  private capture(set: string, index: number): void {
    const video = this.renderRoot.querySelector('video');
    if (!video || !video.videoWidth) {
      this.cameraError = 'The webcam has no picture yet: wait a moment and capture again.';
      return;
    }
    this.cameraError = '';
    this.data.addPicture(set, index, pictureFromSource(video, video.videoWidth, video.videoHeight), `webcam frame ${++this.frames}`);
  }

  private fire(detail: { name: string; set?: string; classes?: number }): void {
    this.dispatchEvent(new CustomEvent('data-command', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-data-panel': DataPanel }
}
