/** "Where it looks", under the activation viewer's maps: a saliency map or Grad-CAM of the viewed node's
 *  channel (the one zoomed in the viewer, or typed) — or, for a vector output, of a class (a unit) picked among its top values — drawn over the
 *  photo the network sees, with a colormap and an opacity. The numbers come from `compute`
 *  (where-it-looks-run.ts, the same as window.deepwire.saliency()); the last result is `result`. */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  camLayers, classNamesFor, formatNumber, isClassifier, overlayHeatmap, peakOf, SALIENCY_SATURATE, topIndices, type ColormapName, type GraphReport, type Heatmap, type WhereItLooks,
} from '../src/index.ts';
import type { WhereRequest } from './where-it-looks-run.ts';

const COLORMAPS: ColormapName[] = ['magma', 'viridis', 'gray'];
const TOP_CLASSES = 5;

@customElement('dw-where-it-looks')
export class WhereItLooksPanel extends LitElement {
  static override styles = css`
    :host { display: block; border-top: 1px solid var(--dw-border, #8884); padding: 6px 8px; }
    .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    h3 { font-size: 12px; margin: 0 6px 0 0; }
    input[type='number'] { width: 5em; }
    select { max-width: 16em; }
    canvas { display: block; max-width: 100%; width: 256px; image-rendering: auto; margin-top: 6px; }
    .note { color: var(--dw-muted, #888); font-size: 12px; }
    .error { color: var(--dw-error, #c33); font-size: 12px; }
  `;

  @property({ attribute: false }) nodeId = '';
  @property({ attribute: false }) report: GraphReport | null = null;
  /** The graph's own class names (after training here), else ImageNet's for a 1000-way output. */
  @property({ attribute: false }) classNames: readonly string[] | undefined;
  /** The photo as the network sees it (the Input's H×W), or null for a random or .npy input. */
  @property({ attribute: false }) photo: ImageData | null = null;
  @property({ attribute: false }) compute: ((request: WhereRequest) => Promise<WhereItLooks>) | null = null;
  /** The node's output of the last run (for the class picker's top predictions). */
  @property({ attribute: false }) activation: ((id: string) => Promise<{ shape: number[]; data: Float32Array } | null>) | null = null;

  @state() private channel = 0;
  @state() private cls = 0;
  @state() private top: { index: number; name: string; value: number }[] = [];
  @state() private layer = '';
  @state() private colormap: ColormapName = 'magma';
  @state() private opacity = 0.5;
  @state() private busy = false;
  @state() private error = '';
  /** The map shown and what asked for it. */
  @state() result: (WhereItLooks & { kind: 'saliency' | 'grad-cam' }) | null = null;

  private get shape(): readonly number[] | null {
    return this.report?.byId.get(this.nodeId)?.shape ?? null;
  }

  /** A vector output: its entry is picked among its top values, not typed as a channel. */
  private get isVector(): boolean {
    return this.shape?.length === 1;
  }

  /** A vector whose entries are classes (it ends in a softmax, or they have names): scored by class, its logit where there is one. */
  private get isClassifier(): boolean {
    return !!this.report && isClassifier(this.report, this.nodeId, this.classNames);
  }

  /** The viewer it sits in: its zoomed channel is the one to explain. */
  private viewer: Element | null = null;
  private onChannel = (e: Event) => {
    const channel = (e as CustomEvent<{ channel: number }>).detail.channel;
    if (!this.isVector && channel !== this.channel) this.channel = channel;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.viewer = this.parentElement;
    this.viewer?.addEventListener('channel-select', this.onChannel);
  }

  override disconnectedCallback(): void {
    this.viewer?.removeEventListener('channel-select', this.onChannel);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('nodeId')) {
      this.result = null;
      this.error = '';
      this.channel = 0;
      this.top = [];
      const layers = this.layers();
      this.layer = layers.at(-1) ?? '';
      if (this.isVector) void this.readTop();
    }
  }

  protected override updated(): void {
    this.draw();
  }

  private layers(): string[] {
    return this.report && this.report.byId.has(this.nodeId) ? camLayers(this.report, this.nodeId) : [];
  }

  /** The classifier's top classes after the last run: the picker's choices, the first picked. */
  private async readTop(): Promise<void> {
    const id = this.nodeId;
    const out = await this.activation?.(id).catch(() => null);
    if (id !== this.nodeId || !out) return;
    const K = out.shape.at(-1)!;
    const names = classNamesFor(K, this.classNames);
    const values = out.data.subarray(0, K);
    this.top = topIndices(values, Math.min(TOP_CLASSES, K)).map((index) => ({ index, name: names?.[index] ?? `${this.isClassifier ? 'class' : 'unit'} ${index}`, value: values[index] }));
    this.cls = this.top[0]?.index ?? 0;
  }

  private async explain(kind: 'saliency' | 'grad-cam'): Promise<void> {
    if (!this.compute) return;
    this.busy = true;
    this.error = '';
    const request: WhereRequest = this.isClassifier ? { node: this.nodeId, class: this.cls } : { node: this.nodeId, channel: this.isVector ? this.cls : this.channel };
    if (kind === 'grad-cam') request.gradCam = this.layer || true;
    try {
      this.result = { ...(await this.compute(request)), kind };
    } catch (e) {
      const { message, hint } = e as { message: string; hint?: string };
      this.error = `${kind === 'saliency' ? 'Saliency' : 'Grad-CAM'} failed: ${message}${hint ? ` — ${hint}` : ''}`;
    } finally {
      this.busy = false;
    }
  }

  /** The map shown: Grad-CAM's, or the saliency map. */
  get map(): Heatmap | null {
    const r = this.result;
    return !r ? null : r.kind === 'grad-cam' ? r.gradCam?.map ?? null : r.saliency;
  }

  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const map = this.map;
    if (!canvas || !map) return;
    const photo = this.photo && this.photo.width === map.width && this.photo.height === map.height ? this.photo : null;
    const picture = { width: map.width, height: map.height, data: new Float32Array(map.width * map.height * 3) };
    if (photo) for (let i = 0; i < map.width * map.height; i++) for (let c = 0; c < 3; c++) picture.data[3 * i + c] = photo.data[4 * i + c];
    const saturate = this.result?.kind === 'saliency' ? SALIENCY_SATURATE : 1;
    const rgba = overlayHeatmap(picture, map, { resize: 'stretch', colormap: this.colormap, opacity: photo ? this.opacity : 1, saturate });
    canvas.width = map.width;
    canvas.height = map.height;
    canvas.getContext('2d')!.putImageData(new ImageData(rgba.data as Uint8ClampedArray<ArrayBuffer>, map.width, map.height), 0, 0);
  }

  override render() {
    const shape = this.shape;
    if (!shape || !this.report) return nothing;
    const layers = this.layers();
    const name = (id: string) => this.report!.byId.get(id)?.name ?? id;
    const r = this.result;
    const map = this.map;
    const peak = map ? peakOf(map) : null;
    return html`
      <div class="row">
        <h3>Where it looks</h3>
        ${this.isVector
          ? html`<label>${this.isClassifier ? 'class' : 'unit'} <select data-testid="where-class" @change=${(e: Event) => (this.cls = Number((e.target as HTMLSelectElement).value))}>
              ${this.top.length ? this.top.map((t) => html`<option value=${t.index} ?selected=${t.index === this.cls}>${t.name.split(',')[0]} (${formatNumber(t.value)})</option>`)
                : Array.from({ length: Math.min(shape[0], 1000) }, (_, i) => html`<option value=${i} ?selected=${i === this.cls}>${i}</option>`)}
            </select></label>`
          : html`<label>channel <input type="number" data-testid="where-channel" min="0" max=${shape.at(-1)! - 1} .value=${String(this.channel)}
              @change=${(e: Event) => (this.channel = Math.max(0, Math.min(shape.at(-1)! - 1, Math.trunc(Number((e.target as HTMLInputElement).value)) || 0)))} /></label>`}
        <button data-testid="saliency-button" ?disabled=${this.busy} title="|d score/d pixel|: the pixels that move this score most"
          @click=${() => void this.explain('saliency')}>Saliency</button>
        <button data-testid="grad-cam-button" ?disabled=${this.busy || !layers.length} title=${layers.length ? "Grad-CAM: the layer's maps weighted by the score's mean gradient" : 'Grad-CAM needs a layer with maps before this node'}
          @click=${() => void this.explain('grad-cam')}>Grad-CAM</button>
        ${layers.length ? html`<label>on <select data-testid="where-layer" @change=${(e: Event) => (this.layer = (e.target as HTMLSelectElement).value)}>
          ${layers.map((id) => html`<option value=${id} ?selected=${id === this.layer}>${name(id)}</option>`)}</select></label>` : nothing}
        ${this.busy ? html`<span class="note">computing…</span>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert" data-testid="where-error">${this.error}</div>` : nothing}
      ${r && map ? html`
        <div class="row">
          <label>colours <select data-testid="where-colormap" @change=${(e: Event) => (this.colormap = (e.target as HTMLSelectElement).value as ColormapName)}>
            ${COLORMAPS.map((c) => html`<option value=${c} ?selected=${c === this.colormap}>${c}</option>`)}</select></label>
          <label>opacity <input type="range" data-testid="where-opacity" min="0" max="1" step="0.05" .value=${String(this.opacity)} ?disabled=${!this.photo}
            @input=${(e: Event) => (this.opacity = Number((e.target as HTMLInputElement).value))} /></label>
        </div>
        <canvas data-testid="where-canvas" data-kind=${r.kind}></canvas>
        <div class="note" data-testid="where-caption">${r.kind === 'grad-cam' ? `Grad-CAM on ${name(r.gradCam!.layer)}` : 'Saliency'} of ${r.label} = ${formatNumber(r.score)}
          · peak at (${peak!.x}, ${peak!.y})${this.photo ? '' : ' · no photo fed: the map alone'}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dw-where-it-looks': WhereItLooksPanel;
  }
}
