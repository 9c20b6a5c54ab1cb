/** What the graph runs on: a photo from a file, a drop, the clipboard, the webcam (freeze a frame) or the
 *  sample gallery, or a .npy tensor; how it is resized and normalised; and a preview of the tensor fed.
 *  @fires image-file - detail: { file } from the picker (photos and .npy)
 *  @fires image-sample - detail: { url, name }
 *  @fires image-frame - detail: { canvas, name } a frozen webcam frame
 *  @fires resize-change - detail: { mode }
 *  @fires preprocess-change - detail: { mode } */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PixelRect } from '../src/index.ts';
import { drawField } from './field-photo.ts';

export interface Sample { url: string; name: string; credit: string }

export interface FeedInfo {
  /** The Input fed and its shape, e.g. "input_1 · 224×224×3". */
  target: string;
  kind: 'photo' | 'npy' | 'random' | 'none';
  /** Where the data came from: "chelsea.png (451×300)". */
  label: string;
}

const RESIZE: [string, string][] = [['crop', 'center-crop'], ['letterbox', 'letterbox'], ['stretch', 'stretch']];
const PREPROCESS: [string, string][] = [['unit', '[0, 1]'], ['tf', 'tf: [-1, 1]'], ['caffe', 'caffe: BGR − mean'], ['torch', 'torch: mean/std'], ['raw', 'raw 0–255']];

@customElement('dw-input-panel')
export class InputPanel extends LitElement {
  static override styles = css`
    :host { display: block; padding: 8px 10px; border-bottom: 1px solid var(--dw-border); font-size: 12px; }
    h2 { margin: 0 0 4px; font-size: 13px; }
    .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
    button, select {
      font: inherit; font-size: 12px; padding: 2px 7px; border: 1px solid var(--dw-border); border-radius: 5px;
      background: var(--dw-input-bg); color: var(--dw-fg);
    }
    label { color: var(--dw-muted); display: flex; gap: 4px; align-items: center; }
    .gallery { display: flex; gap: 4px; }
    .gallery button { padding: 0; border-radius: 4px; overflow: hidden; line-height: 0; }
    .gallery img { width: 44px; height: 32px; object-fit: cover; }
    .preview { display: flex; gap: 8px; align-items: start; }
    canvas { width: 96px; image-rendering: pixelated; border: 1px solid var(--dw-border); background: var(--dw-canvas-bg); }
    video { width: 100%; max-height: 160px; background: black; border-radius: 4px; }
    .what { color: var(--dw-muted); overflow-wrap: anywhere; }
    .what b { color: var(--dw-fg); }
    .hint { color: var(--dw-muted); font-size: 11px; }
    .notes { margin: 4px 0 0; padding-left: 16px; color: var(--dw-muted); }
    .error { color: var(--dw-error); background: var(--dw-error-bg); padding: 3px 6px; border-radius: 4px; margin-top: 4px; }
  `;

  @property({ attribute: false }) feed: FeedInfo = { target: '', kind: 'none', label: '' };
  @property({ attribute: false }) preview: ImageData | null = null;
  /** The receptive field of the map position hovered in the viewer, outlined on the preview (null: none). */
  @property({ attribute: false }) outline: PixelRect | null = null;
  @property({ attribute: false }) notes: string[] = [];
  @property({ attribute: false }) error = '';
  @property({ attribute: false }) resize = 'crop';
  @property({ attribute: false }) preprocess = 'unit';
  @property({ attribute: false }) samples: Sample[] = [];
  @state() private camera: 'off' | 'live' | 'frozen' = 'off';
  @query('canvas[data-testid="input-preview"]') private canvas?: HTMLCanvasElement;
  @query('video') private video?: HTMLVideoElement;
  private stream: MediaStream | null = null;

  /** The webcam button appears only where the browser offers cameras at all. */
  get hasCamera(): boolean {
    return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  }

  override disconnectedCallback(): void {
    this.stopCamera();
    super.disconnectedCallback();
  }

  override render() {
    const kinds = { photo: 'photo', npy: '.npy tensor', random: 'seeded random values', none: 'nothing yet' };
    return html`
      <h2>Input</h2>
      <div class="row">
        <button data-testid="image-pick" title="Open a photo (PNG, JPEG…) or a .npy tensor" @click=${() => this.fileInput()?.click()}>Open photo…</button>
        <input type="file" hidden accept="image/*,.npy" data-testid="image-input" @change=${this.onFile} />
        ${this.canPaste ? html`<button data-testid="image-paste" title="Use the image on the clipboard (or press Ctrl+V anywhere on the page)" @click=${this.paste}>Paste</button>` : nothing}
        ${this.hasCamera ? html`<button data-testid="webcam" @click=${this.toggleCamera}>${this.camera === 'off' ? 'Webcam' : 'Stop webcam'}</button>` : nothing}
        <div class="gallery" role="list" aria-label="sample photos">
          ${this.samples.map((s) => html`<button role="listitem" data-testid=${`sample-${s.name}`} title=${`${s.name} — ${s.credit}`}
            @click=${() => this.fire('image-sample', { url: s.url, name: s.name })}><img src=${s.url} alt=${s.name} loading="lazy" /></button>`)}
        </div>
      </div>
      ${this.camera !== 'off' ? html`
        <video autoplay muted playsinline></video>
        <div class="row">
          <button data-testid="webcam-freeze" @click=${this.freeze}>${this.camera === 'live' ? 'Freeze frame' : 'Live again'}</button>
        </div>` : nothing}
      <div class="hint">or drop a photo or a .npy anywhere on the page, or paste one with Ctrl+V</div>
      <div class="row">
        <label>resize <select data-testid="resize-mode" @change=${(e: Event) => this.fire('resize-change', { mode: (e.target as HTMLSelectElement).value })}>
          ${RESIZE.map(([v, t]) => html`<option value=${v} ?selected=${v === this.resize}>${t}</option>`)}</select></label>
        <label>pixels <select data-testid="preprocess" @change=${(e: Event) => this.fire('preprocess-change', { mode: (e.target as HTMLSelectElement).value })}>
          ${PREPROCESS.map(([v, t]) => html`<option value=${v} ?selected=${v === this.preprocess}>${t}</option>`)}</select></label>
      </div>
      <div class="preview">
        <canvas data-testid="input-preview" aria-label="the tensor fed to the Input, as a picture" ?hidden=${!this.preview}></canvas>
        <div class="what" data-testid="input-source">
          ${this.feed.target ? html`<div>feeds <b>${this.feed.target}</b></div>` : nothing}
          <div>${kinds[this.feed.kind]}${this.feed.label ? html`: <b>${this.feed.label}</b>` : nothing}</div>
        </div>
      </div>
      ${this.notes.length ? html`<ul class="notes" data-testid="input-notes">${this.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
      ${this.error ? html`<div class="error" role="alert" data-testid="input-error">${this.error}</div>` : nothing}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('preview') || changed.has('outline')) && this.preview && this.canvas) {
      // The preview is drawn at a third of its size or less: a thicker frame.
      drawField(this.canvas, this.preview, this.outline, Math.max(2, Math.round(this.preview.width / 40)));
      this.canvas.dataset.outline = this.outline ? `${this.outline.top},${this.outline.left},${this.outline.bottom},${this.outline.right}` : '';
    }
  }

  private fileInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input[type="file"]');
  }

  private onFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this.fire('image-file', { file });
    input.value = '';
  }

  get canPaste(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.clipboard?.read === 'function';
  }

  /** The first image on the clipboard becomes the input, as a Ctrl+V would (the browser may ask for permission). */
  private async paste(): Promise<void> {
    let items: ClipboardItems;
    try {
      items = await navigator.clipboard.read();
    } catch (e) {
      this.error = `Cannot read the clipboard (${(e as Error).message || (e as Error).name}): press Ctrl+V on the page instead`;
      return;
    }
    for (const item of items) {
      const type = item.types.find((t) => t.startsWith('image/'));
      if (!type) continue;
      const blob = await item.getType(type);
      this.error = '';
      this.fire('image-file', { file: new File([blob], `pasted image.${type.slice(6).replace(/\W.*/, '')}`, { type }) });
      return;
    }
    this.error = 'The clipboard holds no image: copy a photo first (in an image viewer or a browser, "Copy image")';
  }

  private async toggleCamera(): Promise<void> {
    if (this.camera !== 'off') return this.stopCamera();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } } });
    } catch (e) {
      this.error = `The webcam is not available: ${(e as Error).message || (e as Error).name}`;
      return;
    }
    this.camera = 'live';
    await this.updateComplete;
    this.video!.srcObject = this.stream;
  }

  /** Freezes the current frame (it becomes the input) or goes live again. */
  private freeze(): void {
    const video = this.video;
    if (!video) return;
    if (this.camera === 'frozen') {
      void video.play();
      this.camera = 'live';
      return;
    }
    const canvas = Object.assign(document.createElement('canvas'), { width: video.videoWidth || 640, height: video.videoHeight || 480 });
    canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
    video.pause();
    this.camera = 'frozen';
    this.fire('image-frame', { canvas, name: `webcam frame (${canvas.width}×${canvas.height})` });
  }

  private stopCamera(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.camera = 'off';
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-input-panel': InputPanel }
}
