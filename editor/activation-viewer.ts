/** The activation viewer: one node's output after a run — its channels as colour-mapped tiles (virtualised),
 *  one channel zoomed, histogram and stats, the channel-mean summary map (over the input photo if asked),
 *  vector outputs as bars with the top-k, and a comparison with another node or a pinned earlier run.
 *  Everything heavy (stats, histograms, colour mapping) is asked of `source`, which runs it on the GPU.
 *  @slot actions - the page's own controls for the viewer (where it docks), before its close button
 *  @fires close
 *  @fires compare-request - detail: { id } another node to compare with; the shell answers by setting `compareSource`
 *  @fires channel-select - detail: { channel } the channel zoomed (the "where it looks" panel follows it)
 *  @fires field-hover - detail: { rect } the receptive field (input pixels) of the map position under the pointer; null: none
 *  @slot where - shown under the maps: the shell puts "where it looks" there (where-it-looks-panel.ts) */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { channelRanges, formatValue, globalScope, summarize, type ChannelStats, type HistogramFn, type ColormapName, type RangeScope as Scope, type StatsSummary, type Tensor } from '../src/index.ts';
import { describeField, fieldRect, type ReceptiveField } from '../src/index.ts';
import './channel-grid.ts';
import { ExplainController, type Explainer } from './explain-controller.ts';
import './field-photo.ts';
import './value-charts.ts';

export interface TileRequest {
  first: number;
  count: number;
  ranges: ArrayLike<number>;
  colormap: ColormapName;
  outW?: number;
  outH?: number;
}

/** What the viewer needs of a node's activation (one image of the batch); editor/activation-source.ts implements it. */
export interface ActivationSource {
  label: string;
  /** The node's output shape, batch first. */
  shape: number[];
  /** Images in the batch, and which one this source shows (0-based). */
  batch: number;
  index: number;
  /** Image b of the same output (this source when b is its own). */
  image(b: number): Promise<ActivationSource>;
  height: number;
  width: number;
  channels: number;
  stats(): Promise<ChannelStats>;
  histogram(ranges: ArrayLike<number>, options?: { bins?: number; perChannel?: boolean }): Promise<Uint32Array>;
  /** RGBA8 tiles of channels first…first+count, each outH×outW (default H×W). */
  tiles(r: TileRequest): Promise<Uint8ClampedArray>;
  /** This image's values as read back from the GPU, [1, …] NHWC. */
  values(): Promise<Tensor>;
  channelMean(): Promise<ActivationSource>;
  difference(other: ActivationSource): Promise<ActivationSource>;
  /** A copy that outlives later runs (for comparing runs). */
  snapshot(label: string): Promise<ActivationSource>;
  /** The whole output, every image of the batch. */
  npy(): Promise<Uint8Array>;
  release(): void;
}

const SCOPES: Record<Scope, string> = { channel: 'per channel', node: 'per node', global: 'global (all nodes)', fixed: 'fixed range' };
const CLIPS: [number, string][] = [[0, 'no clipping'], [0.005, '0.5–99.5 %'], [0.01, '1–99 %'], [0.02, '2–98 %'], [0.05, '5–95 %']];
const COLORMAP_NAMES: ColormapName[] = ['viridis', 'magma', 'gray', 'diverging'];
/** A row of the channel grid beyond its tiles: the label and the gaps (channel-grid.ts). */
const TILE_ROW_EXTRA = 24;


function download(name: string, blob: Blob): void {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

@customElement('dw-activation-viewer')
export class ActivationViewer extends LitElement {
  static override styles = css`
    :host {
      display: flex; flex-direction: column; gap: 6px; padding: 8px 10px; box-sizing: border-box; min-height: 0;
      background: var(--dw-panel-bg); color: var(--dw-fg); font-size: 12px; overflow: hidden;
    }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; }
    h2 { margin: 0; font-size: 14px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: min(100%, 12em); }
    header button { white-space: nowrap; }
    .shape { color: var(--dw-muted); font-family: ui-monospace, monospace; }
    header .spacer { flex: 1; }
    button, select, input {
      font: inherit; font-size: 12px; padding: 2px 6px; border: 1px solid var(--dw-border); border-radius: 5px;
      background: var(--dw-input-bg); color: var(--dw-fg);
    }
    button[aria-pressed='true'] { background: var(--dw-accent); color: white; }
    .controls { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
    .controls label { display: flex; gap: 4px; align-items: center; color: var(--dw-muted); }
    input[type='number'] { width: 64px; }
    .stats { display: flex; flex-wrap: wrap; gap: 2px 10px; font-variant-numeric: tabular-nums; }
    .stats b { font-weight: 600; }
    /* One line whatever it says: the maps under it must not move when the pointer's value shows. */
    .hover { min-height: 16px; font-family: ui-monospace, monospace; font-size: 11.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .main { display: flex; gap: 8px; flex: 1; min-height: 0; }
    dw-channel-grid { flex: 1; min-width: 0; }
    .side { width: clamp(140px, 36%, 220px); flex: none; display: flex; flex-direction: column; gap: 6px; overflow-y: auto; }
    .zoom canvas, .maps canvas { width: 100%; image-rendering: pixelated; background: var(--dw-canvas-bg); cursor: crosshair; }
    .maps { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
    .maps figure { margin: 0; }
    .maps figcaption { color: var(--dw-muted); }
    .note { color: var(--dw-muted); }
    .empty { color: var(--dw-muted); padding: 20px; text-align: center; }
    .summary canvas { max-width: 100%; max-height: 100%; image-rendering: auto; }
    /* Docked under the maps: the grid, the zoom and the controls stay in reach while a value is explained. */
    dw-explain-panel.explain { flex: 0 1 60%; min-height: 140px; margin: 0 -10px -8px; border-top: 2px solid var(--dw-accent); }
    /* A value explained in a short viewer (docked below the canvas, 338 px at 1600×1000): the histogram gives
       way, the maps keep a row of tiles ("where it looks" stays: zoom a channel, then ask where it looks)
       and the panel (it scrolls) takes the rest. */
    :host([compact]) dw-histogram { display: none; }
    :host([compact]) dw-explain-panel.explain { flex: 1 1 0; min-height: 0; }
  `;

  @property({ attribute: false }) source: ActivationSource | null = null;
  /** Shown instead of maps when there is no source (not run yet, fused away…). */
  @property({ attribute: false }) message = 'Run the graph to see what this node computes.';
  @property({ attribute: false }) nodeLabel = '';
  @property({ attribute: false }) nodeId = '';
  /** The tensor fed to the Input, as the picture it is (for overlays). */
  @property({ attribute: false }) photo: ImageData | null = null;
  /** The node's receptive field in the photo's pixels (src/graph/receptive-field.ts): outlined for the position hovered. */
  @property({ attribute: false }) field: ReceptiveField | null = null;
  /** min, max over every node of the last run (the global scope), until globalSources are known. */
  @property({ attribute: false }) globalRange: [number, number] | null = null;
  /** Every node's output of the last run (image 1 of each): the global scope's range and percentiles come from them. */
  @property({ attribute: false }) globalSources: ActivationSource[] | null = null;
  /** Other nodes of the same shape, to compare with. */
  @property({ attribute: false }) compareOptions: { id: string; label: string }[] = [];
  @property({ attribute: false }) compareSource: ActivationSource | null = null;
  /** Takes a value of this node's output apart (editor/explain-value.ts); null: clicking a value only zooms its channel. */
  @property({ attribute: false }) explainer: Explainer | null = null;
  /** The class of each value of this node's vector (a classifier's output), or null. */
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  private explanation = new ExplainController(this);
  /** Under this height the viewer cannot hold its controls, a row of tiles and the explain panel at once. */
  private static readonly SHORT_PX = 520;
  @state() private short = false;
  private resizes = new ResizeObserver(() => (this.short = this.clientHeight < ActivationViewer.SHORT_PX));

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizes.observe(this);
  }

  override disconnectedCallback(): void {
    this.resizes.disconnect();
    super.disconnectedCallback();
  }

  @state() private mode: 'channels' | 'summary' | 'compare' = 'channels';
  @state() private colormap: ColormapName = 'viridis';
  @state() private scope: Scope = 'channel';
  @state() private clip = 0;
  @state() private fixed: [number, number] = [0, 1];
  @state() private overlay = false;
  @state() private opacity = 0.6;
  @state() private tileSize = 72;
  @state() private stats: ChannelStats | null = null;
  @state() private summary: StatsSummary | null = null;
  @state() private histogram: Uint32Array | null = null;
  @state() private ranges: Float32Array | null = null;
  @state() private values: Tensor | null = null;
  @state() private selected = 0;
  @state() private hoverText = '';
  @state() private hoverData: { channel: number; x: number; y: number; value: number } | null = null;
  @state() private pinned: ActivationSource | null = null;
  @state() private compareWith = '';
  @state() private diffSummary: StatsSummary | null = null;
  @state() private error = '';
  private mean: ActivationSource | null = null;
  private diff: ActivationSource | null = null;
  private loading = 0;
  @query('.zoom canvas') private zoomCanvas?: HTMLCanvasElement;
  @query('canvas[data-testid="summary-map"]') private summaryCanvas?: HTMLCanvasElement;

  get isVector(): boolean {
    return !!this.shown && this.shown.height * this.shown.width === 1;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source')) {
      this.explanation.close(); // another node, or a new run: the values explained are gone
      if (this.pinned && this.pinnedNode !== this.nodeId) this.unpin();
      void this.load();
    }
    if (changed.has('compareSource')) void this.loadCompare();
    if (changed.has('globalSources')) this.globalOnce = null;
    if (changed.has('globalSources') && this.scope === 'global' && this.shown) void this.refreshRanges();
    this.toggleAttribute('compact', this.explanation.open && this.short);
  }

  private pinnedNode = '';
  /** The image of the batch on show (0-based), kept from node to node. */
  @state() private imageIndex = 0;
  /** That image of `source`: what every map, stat and hover value is of. */
  @state() private shown: ActivationSource | null = null;
  /** The global scope for the image on show: range over every node and their pooled histogram. */
  private globalOnce: { index: number; scope: Promise<{ range: [number, number] | null; histogram: HistogramFn }> } | null = null;

  /** Stats, values and colour ranges of a new source (or of another image of its batch). */
  private async load(): Promise<void> {
    const token = ++this.loading;
    const root = this.source;
    this.mean?.release();
    this.mean = null;
    this.meanValues = null;
    this.stats = this.summary = null;
    this.histogram = null;
    this.ranges = null;
    this.values = null;
    this.error = '';
    const index = root ? Math.min(this.imageIndex, root.batch - 1) : 0;
    this.shown = root?.index === index ? root : null; // image 1 of a batch of one at once: no flash of "reading…"
    if (!root) return;
    try {
      const source = await root.image(index);
      if (token !== this.loading) return;
      this.shown = source;
      const stats = await source.stats();
      const values = await source.values();
      if (token !== this.loading) return;
      this.stats = stats;
      this.summary = summarize(stats);
      this.values = values;
      if (this.selected >= source.channels) this.selected = 0;
      // The histogram shows once counted: the colour ranges may wait on every node of the run (the global scope).
      await Promise.all([this.countValues(source, this.summary), this.refreshRanges()]);
      if (this.mode === 'summary') await this.drawSummary();
      if (this.mode === 'compare') await this.loadCompare();
    } catch (e) {
      if (token === this.loading) this.error = (e as Error).message;
    }
  }

  /** Zooms channel `channel` (a map clicked on the canvas); kept when the source of another node arrives. */
  showChannel(channel: number): void {
    this.mode = 'channels';
    this.select(channel);
  }

  private selectImage(b: number): void {
    this.imageIndex = b;
    void this.load();
  }

  /** Global range and pooled histogram over every node's output, for the image on show. */
  private globalScopeFor(index: number) {
    const sources = this.globalSources;
    if (!sources?.length) return null;
    if (this.globalOnce?.index !== index)
      this.globalOnce = { index, scope: Promise.all(sources.map((s) => s.image(Math.min(index, s.batch - 1)))).then(globalScope) };
    return this.globalOnce.scope;
  }

  /** The histogram of the values shown: 64 bins over their min…max. */
  private async countValues(source: ActivationSource, summary: StatsSummary): Promise<void> {
    const lo = Number.isFinite(summary.min) ? summary.min : 0, hi = Number.isFinite(summary.max) ? summary.max : 1;
    const histogram = await source.histogram([lo, hi], { bins: 64 });
    if (source === this.shown) this.histogram = histogram;
  }

  private async refreshRanges(): Promise<void> {
    const { shown: source, stats } = this;
    if (!source || !stats) return;
    const global = this.scope === 'global' ? await this.globalScopeFor(source.index) : null;
    const ranges = await channelRanges(stats, (ranges, options) => source.histogram(ranges, options), {
      scope: this.scope, clip: this.clip, symmetric: this.colormap === 'diverging', fixed: this.fixed,
      global: global?.range ?? this.globalRange, globalHistogram: global?.histogram,
    });
    if (source !== this.shown) return;
    this.ranges = ranges;
    await this.updateComplete;
    await this.drawZoom();
  }

  private setOption(apply: () => void): void {
    apply();
    void this.refreshRanges().then(() => (this.mode === 'summary' ? this.drawSummary() : this.mode === 'compare' ? this.drawCompare() : undefined));
  }

  override render() {
    const root = this.source, s = this.shown;
    return html`
      <header>
        <h2>${this.nodeLabel || 'Activations'}</h2>
        ${s ? html`<span class="shape" data-testid="viewer-shape">${s.shape.join('×')}</span>` : nothing}
        <span class="spacer"></span>
        ${s && !this.isVector ? html`
          ${(['channels', 'summary', 'compare'] as const).map((m) => html`<button data-testid=${`viewer-mode-${m}`} aria-pressed=${this.mode === m}
            @click=${() => this.setMode(m)}>${m === 'channels' ? 'Channels' : m === 'summary' ? 'Mean map' : 'Compare'}</button>`)}` : nothing}
        ${s ? html`<button data-testid="download-png" title="Download the maps as a PNG picture" @click=${this.downloadPng}>PNG</button>
          <button data-testid="download-npy" title="Download the tensor as a NumPy .npy file" @click=${this.downloadNpy}>.npy</button>` : nothing}
        <slot name="actions"></slot>
        <button data-testid="viewer-close" aria-label="Close the activation viewer" @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}>×</button>
      </header>
      ${!root ? html`<div class="empty" data-testid="viewer-message">${this.message}</div>` : !s ? html`<div class="empty">${this.error || 'reading the maps…'}</div>` : this.body(s)}
      ${this.explanation.render(this.photo, this.field)}
    `;
  }

  private body(s: ActivationSource) {
    return html`
      ${this.controls()}
      ${this.statsLine(this.summary, 'stats')}
      ${this.error ? html`<div class="note" role="alert">${this.error}</div>` : nothing}
      ${s.batch > 1 ? html`<div class="controls"><label>image<select data-testid="batch-image" aria-label="image of the batch"
        @change=${(e: Event) => this.selectImage(Number((e.target as HTMLSelectElement).value))}>
        ${Array.from({ length: s.batch }, (_, b) => html`<option value=${b} ?selected=${b === (this.shown?.index ?? 0)}>${b + 1}</option>`)}</select></label>
        <span class="note">of the batch of ${s.batch}: maps, stats and values are of this image; .npy holds them all</span></div>` : nothing}
      <dw-histogram .counts=${this.histogram} .lo=${this.summary?.min ?? 0} .hi=${this.summary?.max ?? 1}
        .marks=${this.ranges && this.scope !== 'channel' ? [this.ranges[0], this.ranges[1]] as [number, number] : null}></dw-histogram>
      ${this.isVector ? html`<dw-bar-chart .values=${this.values ? this.values.data.subarray(0, s.channels) : null} .classNames=${this.classNames} @click=${this.explainBar}></dw-bar-chart>`
        : this.mode === 'channels' ? this.channels(s) : this.mode === 'summary' ? this.summaryView() : this.compareView(s)}
      <slot name="where"></slot>
    `;
  }

  private controls() {
    const select = <T extends string | number>(testid: string, label: string, value: T, options: [T, string][], set: (v: T) => void) => html`
      <label>${label}<select data-testid=${testid} @change=${(e: Event) => {
        const raw = (e.target as HTMLSelectElement).value;
        set((typeof value === 'number' ? Number(raw) : raw) as T);
      }}>${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}</select></label>`;
    return html`<div class="controls">
      ${select('colormap', 'colours', this.colormap, COLORMAP_NAMES.map((n) => [n, n]), (v) => this.setOption(() => (this.colormap = v)))}
      ${select('scope', 'range', this.scope, Object.entries(SCOPES) as [Scope, string][], (v) => this.setOption(() => (this.scope = v)))}
      ${this.scope === 'fixed' ? html`
        <input type="number" step="any" data-testid="fixed-lo" aria-label="lowest value" .value=${String(this.fixed[0])} @change=${(e: Event) => this.setOption(() => (this.fixed = [Number((e.target as HTMLInputElement).value), this.fixed[1]]))} />
        <input type="number" step="any" data-testid="fixed-hi" aria-label="highest value" .value=${String(this.fixed[1])} @change=${(e: Event) => this.setOption(() => (this.fixed = [this.fixed[0], Number((e.target as HTMLInputElement).value)]))} />`
        : select('clip', 'clip', this.clip, CLIPS, (v) => this.setOption(() => (this.clip = v)))}
      ${this.scope === 'global' && !this.globalRange && !this.globalSources?.length ? html`<span class="note">(global range after the mosaics are drawn)</span>` : nothing}
      ${this.ranges && this.scope !== 'channel' ? html`<span class="note" data-testid="range-shown" data-lo=${String(this.ranges[0])} data-hi=${String(this.ranges[1])}
        title="the values mapped to the ends of the colormap">range ${formatValue(this.ranges[0])} … ${formatValue(this.ranges[1])}</span>` : nothing}
      ${!this.isVector ? html`
        <label><input type="checkbox" data-testid="overlay" .checked=${this.overlay} ?disabled=${!this.photo}
          @change=${(e: Event) => { this.overlay = (e.target as HTMLInputElement).checked; void this.redrawPictures(); }} />over photo</label>
        ${this.overlay ? html`<label>opacity<input type="range" min="0.1" max="1" step="0.05" .value=${String(this.opacity)}
          @input=${(e: Event) => { this.opacity = Number((e.target as HTMLInputElement).value); void this.redrawPictures(); }} /></label>` : nothing}
        <label>size<input type="range" min="32" max="160" step="8" data-testid="tile-size" .value=${String(this.tileSize)}
          @input=${(e: Event) => (this.tileSize = Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
    </div>`;
  }

  private statsLine(s: StatsSummary | null, testid: string) {
    if (!s) return html`<div class="stats note" data-testid=${testid}>computing statistics…</div>`;
    const item = (key: string, label: string, value: number, text = formatValue(value)) =>
      html`<span>${label} <b data-testid=${`${testid === 'stats' ? 'stat' : testid}-${key}`} data-value=${String(value)}>${text}</b></span>`;
    return html`<div class="stats" data-testid=${testid}>
      ${item('min', 'min', s.min)} ${item('max', 'max', s.max)} ${item('mean', 'mean', s.mean)} ${item('std', 'std', s.std)}
      ${item('zeros', 'zeros', s.zeros, `${(100 * s.zeros).toFixed(1)} %`)}
      ${item('nan', 'NaN', s.nans, String(s.nans))} ${item('inf', 'Inf', s.infs, String(s.infs))}
    </div>`;
  }

  private channels(s: ActivationSource) {
    const c = this.selected;
    const st = this.stats;
    return html`
      <div class="hover" data-testid="hover-value" data-channel=${this.hoverData?.channel ?? ''} data-x=${this.hoverData?.x ?? ''}
        data-y=${this.hoverData?.y ?? ''} data-value=${this.hoverData ? String(this.hoverData.value) : ''}>${this.hoverText || `${s.channels} channels of ${s.height}×${s.width} · hover a map for its values, click one to zoom${this.explainer ? ' and explain' : ''}`}</div>
      <div class="main" style=${this.explanation.open ? `min-height: ${this.tileSize + TILE_ROW_EXTRA}px` : ''}>
        <dw-channel-grid data-testid="channel-grid" .source=${s} .ranges=${this.ranges} .colormap=${this.colormap} .tileSize=${this.tileSize} .selected=${c}
          @tile-hover=${(e: CustomEvent<{ channel: number; x: number; y: number }>) => this.showValue(e.detail.channel, e.detail.x, e.detail.y)}
          @tile-select=${(e: CustomEvent<{ channel: number; x: number; y: number }>) => this.selectAndExplain(e.detail.channel, e.detail.x, e.detail.y)}></dw-channel-grid>
        <div class="side">
          <div class="zoom">
            <div>channel <b data-testid="zoom-channel">${c}</b></div>
            <canvas data-testid="zoom-canvas" width=${s.width} height=${s.height}
              @mousemove=${(e: MouseEvent) => this.hoverCanvas(e, c)} @mouseleave=${() => this.showValue(-1, 0, 0)}
              @click=${(e: MouseEvent) => { this.hoverCanvas(e, c); if (this.hoverData) this.selectAndExplain(c, this.hoverData.x, this.hoverData.y); }}></canvas>
          </div>
          ${st ? html`<div class="stats" data-testid="channel-stats">
            <span>min <b>${formatValue(st.min[c])}</b></span><span>max <b>${formatValue(st.max[c])}</b></span>
            <span>mean <b>${formatValue(st.mean[c])}</b></span><span>std <b>${formatValue(st.std[c])}</b></span>
            <span>zeros <b>${(100 * st.zeros[c] / st.pixels).toFixed(1)} %</b></span></div>` : nothing}
          ${this.fieldPhoto()}
        </div>
      </div>`;
  }

  /** The hovered position's field on the photo, for the photo elsewhere on the page (the input panel). */
  private fireFieldHover(): void {
    const { photo, field, hoverData: at } = this;
    const rect = photo && field && at ? fieldRect(field, [at.y, at.x], [photo.height, photo.width]) : null;
    this.dispatchEvent(new CustomEvent('field-hover', { detail: { rect }, bubbles: true, composed: true }));
  }

  /** The photo with the hovered position's receptive field outlined. */
  private fieldPhoto() {
    const { photo, field } = this;
    if (!photo || !field) return nothing;
    const at = this.hoverData;
    const rect = at ? fieldRect(field, [at.y, at.x], [photo.height, photo.width]) : null;
    const caption = !at || field.kind !== 'window' ? `Receptive field: ${describeField(field)}${field.kind === 'window' ? ' · hover a map to see where a position looks' : ''}`
      : !rect || rect.bottom <= rect.top || rect.right <= rect.left ? `x ${at.x}, y ${at.y} sees only padding`
      : `x ${at.x}, y ${at.y} sees rows ${rect.top}–${rect.bottom - 1}, columns ${rect.left}–${rect.right - 1} of the input (field ${describeField(field)})`;
    return html`<dw-field-photo .photo=${photo} .rect=${rect} .caption=${caption}></dw-field-photo>`;
  }

  private summaryView() {
    return html`
      <div class="hover" data-testid="hover-value">${this.hoverText || 'each pixel: the mean over all channels'}</div>
      ${this.mean ? this.statsLine(this.meanSummary, 'mean-stats') : nothing}
      <div class="main summary"><canvas data-testid="summary-map" @mousemove=${this.hoverMean} @mouseleave=${() => (this.hoverText = '')}></canvas></div>`;
  }

  private meanSummary: StatsSummary | null = null;
  private meanValues: Tensor | null = null;

  /** The channel mean under the pointer (the map may be drawn at the photo's size). */
  private hoverMean(e: MouseEvent): void {
    const s = this.shown, v = this.meanValues;
    if (!s || !v) return;
    const rect = (e.target as HTMLElement).getBoundingClientRect();
    const x = Math.min(s.width - 1, Math.floor(((e.clientX - rect.left) / rect.width) * s.width));
    const y = Math.min(s.height - 1, Math.floor(((e.clientY - rect.top) / rect.height) * s.height));
    this.hoverText = `x ${x}, y ${y} · mean over ${s.channels} channels ${formatValue(v.data[y * s.width + x])}`;
  }

  private compareView(s: ActivationSource) {
    const options = [
      ...(this.pinned ? [{ id: 'pinned', label: `${this.pinned.label} (pinned)` }] : []),
      ...this.compareOptions,
    ];
    return html`
      <div class="controls">
        <button data-testid="pin-run" title="Keep this node's current output to compare with a later run" @click=${this.pin}>Pin this run</button>
        <label>compare with<select data-testid="compare-with" @change=${(e: Event) => this.chooseCompare((e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.compareWith}>—</option>
          ${options.map((o) => html`<option value=${o.id} ?selected=${o.id === this.compareWith}>${o.label}</option>`)}
        </select></label>
        <label>channel <input type="number" min="0" max=${s.channels - 1} data-testid="compare-channel" .value=${String(this.selected)}
          @change=${(e: Event) => this.select(Math.max(0, Math.min(s.channels - 1, Number((e.target as HTMLInputElement).value))))} /></label>
      </div>
      ${this.diffSummary ? this.statsLine(this.diffSummary, 'diff-stats') : html`<div class="note">${this.compareWith ? 'comparing…' : 'Pin a run, or pick a node of the same shape.'}</div>`}
      <div class="maps">
        <figure><canvas data-testid="compare-a" width=${s.width} height=${s.height}></canvas><figcaption>${s.label}</figcaption></figure>
        <figure><canvas data-testid="compare-b" width=${s.width} height=${s.height}></canvas><figcaption>${this.compareB?.label ?? '—'}</figcaption></figure>
        <figure><canvas data-testid="compare-diff" width=${s.width} height=${s.height}></canvas><figcaption>difference (blue &lt; 0 &lt; red)</figcaption></figure>
      </div>`;
  }

  // ── interaction ──────────────────────────────────────────────────────────

  private setMode(mode: 'channels' | 'summary' | 'compare'): void {
    this.mode = mode;
    this.hoverText = '';
    void this.updateComplete.then(() => this.redrawPictures());
  }

  private async redrawPictures(): Promise<void> {
    await this.updateComplete;
    if (this.mode === 'channels') await this.drawZoom();
    if (this.mode === 'summary') await this.drawSummary();
    if (this.mode === 'compare') await this.drawCompare();
  }

  private select(channel: number): void {
    this.selected = channel;
    void this.redrawPictures();
    this.dispatchEvent(new CustomEvent('channel-select', { detail: { channel } }));
  }

  /** The value under the pointer, from the tensor read back from the GPU. */
  private showValue(channel: number, x: number, y: number): void {
    const s = this.shown, v = this.values;
    if (!s || !v || channel < 0) {
      this.hoverText = '';
      this.hoverData = null;
      this.fireFieldHover();
      return;
    }
    const value = v.data[(y * s.width + x) * s.channels + channel];
    this.hoverData = { channel, x, y, value };
    this.fireFieldHover();
    this.hoverText = `channel ${channel} · x ${x}, y ${y} · ${formatValue(value)}`;
  }

  /** A bar (or a top-k row) of a vector output clicked: that unit explained. */
  private explainBar(e: MouseEvent): void {
    const target = e.composedPath()[0] as HTMLElement;
    const row = target.closest?.('li[data-index]');
    const rect = target.getBoundingClientRect();
    const index = row ? Number(row.getAttribute('data-index'))
      : target instanceof HTMLCanvasElement && this.shown ? Math.floor(((e.clientX - rect.left) / rect.width) * this.shown.channels) : -1;
    if (index >= 0) this.selectAndExplain(index, 0, 0);
  }

  /** A value clicked: its channel zoomed, and taken apart in the explanation panel. */
  private selectAndExplain(channel: number, x: number, y: number): void {
    if (channel !== this.selected) this.select(channel);
    const s = this.shown;
    if (!this.explainer || !s) return;
    void this.explanation.explain(this.explainer, this.nodeLabel, s.shape.length === 2 ? [channel] : [y, x, channel], s.index);
  }

  private hoverCanvas(e: MouseEvent, channel: number): void {
    const s = this.shown;
    if (!s) return;
    const rect = (e.target as HTMLElement).getBoundingClientRect();
    const x = Math.min(s.width - 1, Math.floor(((e.clientX - rect.left) / rect.width) * s.width));
    const y = Math.min(s.height - 1, Math.floor(((e.clientY - rect.top) / rect.height) * s.height));
    this.showValue(channel, x, y);
  }

  /** One channel (or map) as an ImageData, from the GPU. */
  private async picture(source: ActivationSource, channel: number, ranges: ArrayLike<number>, colormap: ColormapName): Promise<ImageData> {
    const rgba = await source.tiles({ first: channel, count: 1, ranges, colormap });
    return new ImageData(new Uint8ClampedArray(rgba), source.width, source.height);
  }

  /** Draws `image` on `canvas`, over the input photo when the overlay is on. */
  private paint(canvas: HTMLCanvasElement, image: ImageData): void {
    const ctx = canvas.getContext('2d')!;
    if (!this.overlay || !this.photo) {
      canvas.width = image.width;
      canvas.height = image.height;
      canvas.style.imageRendering = 'pixelated';
      ctx.putImageData(image, 0, 0);
      return;
    }
    const photo = this.photo;
    canvas.width = photo.width;
    canvas.height = photo.height;
    canvas.style.imageRendering = 'auto';
    ctx.putImageData(photo, 0, 0);
    const map = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    map.getContext('2d')!.putImageData(image, 0, 0);
    ctx.globalAlpha = this.opacity;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(map, 0, 0, photo.width, photo.height);
    ctx.globalAlpha = 1;
  }

  private async drawZoom(): Promise<void> {
    const { source, ranges, zoomCanvas } = this;
    if (!source || !ranges || !zoomCanvas || this.isVector || this.selected >= source.channels) return;
    this.paint(zoomCanvas, await this.picture(source, this.selected, ranges, this.colormap));
  }

  private async drawSummary(): Promise<void> {
    const source = this.shown;
    if (!source) return;
    if (!this.mean) {
      this.mean = await source.channelMean();
      this.meanSummary = summarize(await this.mean.stats());
      this.meanValues = await this.mean.values();
      this.requestUpdate();
      await this.updateComplete;
    }
    const m = this.meanSummary!;
    const range = this.colormap === 'diverging' ? [-Math.max(Math.abs(m.min), Math.abs(m.max)), Math.max(Math.abs(m.min), Math.abs(m.max))] : [m.min, m.max];
    if (this.summaryCanvas) this.paint(this.summaryCanvas, await this.picture(this.mean, 0, range.map((v) => (Number.isFinite(v) ? v : 0)), this.colormap));
  }

  // ── comparing ────────────────────────────────────────────────────────────

  /** compareB's image that is compared (see loadCompare). */
  private compareImage: ActivationSource | null = null;

  private get compareB(): ActivationSource | null {
    return this.compareWith === 'pinned' ? this.pinned : this.compareWith ? this.compareSource : null;
  }

  private async pin(): Promise<void> {
    if (!this.shown) return;
    this.unpin();
    this.pinned = await this.shown.snapshot(`${this.shown.label}`);
    this.pinnedNode = this.nodeId;
    this.compareWith = 'pinned';
    await this.loadCompare();
  }

  private unpin(): void {
    this.pinned?.release();
    this.pinned = null;
    if (this.compareWith === 'pinned') this.compareWith = '';
  }

  private chooseCompare(id: string): void {
    this.compareWith = id;
    if (id && id !== 'pinned') this.dispatchEvent(new CustomEvent('compare-request', { detail: { id }, bubbles: true, composed: true }));
    else void this.loadCompare();
  }

  private async loadCompare(): Promise<void> {
    this.diff?.release();
    this.diff = null;
    this.diffSummary = null;
    this.compareImage = null;
    const a = this.shown, other = this.compareB;
    if (!a || !other || this.mode !== 'compare') return;
    // Another node: the same image of its batch; a pinned run: the image that was pinned.
    const b = this.compareWith === 'pinned' ? other : await other.image(Math.min(a.index, other.batch - 1));
    if (a !== this.shown) return;
    this.compareImage = b;
    if (a.height !== b.height || a.width !== b.width || a.channels !== b.channels) {
      this.error = `cannot compare ${a.shape.slice(1).join('×')} with ${b.shape.slice(1).join('×')}: pick a node of the same shape`;
      return;
    }
    this.error = '';
    this.diff = await a.difference(b);
    this.diffSummary = summarize(await this.diff.stats());
    await this.updateComplete;
    await this.drawCompare();
  }

  private async drawCompare(): Promise<void> {
    const a = this.shown, b = this.compareImage, diff = this.diff;
    if (!a || !b || !diff || !this.stats) return;
    const c = this.selected;
    const bStats = await b.stats();
    // A and B share one range so equal values get equal colours; the difference is symmetric around 0.
    const lo = Math.min(this.stats.min[c], bStats.min[c]), hi = Math.max(this.stats.max[c], bStats.max[c]);
    const ds = await diff.stats();
    const m = Math.max(Math.abs(ds.min[c]), Math.abs(ds.max[c])) || 1;
    const canvas = (id: string) => this.renderRoot.querySelector<HTMLCanvasElement>(`canvas[data-testid="${id}"]`);
    const pictures = await Promise.all([this.picture(a, c, [lo, hi], this.colormap), this.picture(b, c, [lo, hi], this.colormap), this.picture(diff, c, [-m, m], 'diverging')]);
    (['compare-a', 'compare-b', 'compare-diff'] as const).forEach((id, i) => {
      const el = canvas(id);
      if (el) this.paint(el, pictures[i]);
    });
  }

  // ── downloads ────────────────────────────────────────────────────────────

  private async downloadPng(): Promise<void> {
    const s = this.shown;
    if (!s || !this.ranges) return;
    const name = (this.nodeLabel || 'activation').replace(/[^\w.-]+/g, '_');
    let canvas: HTMLCanvasElement | null = null;
    if (this.mode === 'summary') canvas = this.summaryCanvas ?? null;
    else if (this.mode === 'compare') canvas = this.renderRoot.querySelector('canvas[data-testid="compare-diff"]');
    else {
      // Every channel in one picture, tiles shrunk to keep it under 4096 px a side.
      const cols = Math.ceil(Math.sqrt(s.channels)), rows = Math.ceil(s.channels / cols);
      const scale = Math.min(1, 4096 / (cols * (s.width + 1)), 4096 / (rows * (s.height + 1)));
      const w = Math.max(1, Math.floor(s.width * scale)), h = Math.max(1, Math.floor(s.height * scale));
      const rgba = await s.tiles({ first: 0, count: s.channels, ranges: this.ranges, colormap: this.colormap, outW: w, outH: h });
      canvas = Object.assign(document.createElement('canvas'), { width: cols * (w + 1), height: rows * (h + 1) });
      const ctx = canvas.getContext('2d')!;
      for (let c = 0; c < s.channels; c++) ctx.putImageData(new ImageData(rgba.slice(c * w * h * 4, (c + 1) * w * h * 4), w, h), (c % cols) * (w + 1), Math.floor(c / cols) * (h + 1));
    }
    canvas?.toBlob((blob) => blob && download(`${name}-${this.mode}.png`, blob), 'image/png');
  }

  private async downloadNpy(): Promise<void> {
    if (!this.shown) return;
    const bytes = await this.shown.npy();
    download(`${(this.nodeLabel || 'activation').replace(/[^\w.-]+/g, '_')}.npy`, new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-activation-viewer': ActivationViewer }
}
