/** A node's channels as a grid of colour-mapped tiles, virtualised: only the rows in view exist as canvases,
 *  and their pixels come from the GPU in one request per scroll position, so 2 048 channels stay fast.
 *  @fires tile-hover - detail: { channel, x, y } (pixel under the pointer), or { channel: -1 } on leave
 *  @fires tile-select - detail: { channel, x, y } (the pixel clicked) */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ColormapName } from '../src/index.ts';
import type { ActivationSource } from './activation-viewer.ts';

const GAP = 4;
const LABEL = 14;

@customElement('dw-channel-grid')
export class ChannelGrid extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; min-height: 0; }
    .scroller { position: absolute; inset: 0; overflow-y: auto; }
    .tile { position: absolute; display: flex; flex-direction: column; align-items: center; font-size: 10px; color: var(--dw-muted); }
    canvas { image-rendering: pixelated; background: var(--dw-canvas-bg); cursor: crosshair; outline: 1px solid var(--dw-border); }
    .tile.selected canvas { outline: 2px solid var(--dw-accent); }
  `;

  @property({ attribute: false }) source: ActivationSource | null = null;
  /** lo, hi per channel. */
  @property({ attribute: false }) ranges: Float32Array | null = null;
  @property({ attribute: false }) colormap: ColormapName = 'viridis';
  @property({ attribute: false }) tileSize = 72;
  @property({ attribute: false }) selected = -1;
  @state() private firstRow = 0;
  @state() private lastRow = 0;
  @query('.scroller') private scroller!: HTMLElement;

  /** Drawn tiles of the current source, ranges and colormap, by channel. */
  private drawn = new Map<number, ImageData>();
  private pending = new Set<number>();
  private generation = 0;
  private frame = 0;
  private resize = new ResizeObserver(() => this.measure());

  private get columns(): number {
    const width = this.scroller?.clientWidth || this.clientWidth || 300;
    return Math.max(1, Math.floor((width - GAP) / (this.tileSize + GAP)));
  }

  private get rowHeight(): number {
    return this.tileSize + LABEL + GAP;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    this.resize.disconnect();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source') || changed.has('ranges') || changed.has('colormap')) {
      this.drawn.clear();
      this.pending.clear();
      this.generation++;
    }
  }

  override render() {
    const s = this.source;
    if (!s) return html``;
    const cols = this.columns;
    const rows = Math.ceil(s.channels / cols);
    const first = Math.min(this.firstRow * cols, s.channels);
    const last = Math.min((this.lastRow + 1) * cols, s.channels);
    const channels = Array.from({ length: last - first }, (_, i) => first + i);
    const aspect = s.width / s.height;
    const [w, h] = aspect >= 1 ? [this.tileSize, Math.max(4, Math.round(this.tileSize / aspect))] : [Math.max(4, Math.round(this.tileSize * aspect)), this.tileSize];
    return html`
      <div class="scroller" @scroll=${this.onScroll}>
        <div style="height: ${rows * this.rowHeight + GAP}px; position: relative;">
          ${repeat(channels, (c) => c, (c) => html`
            <div class="tile ${c === this.selected ? 'selected' : ''}" style="left: ${GAP + (c % cols) * (this.tileSize + GAP)}px; top: ${GAP + Math.floor(c / cols) * this.rowHeight}px; width: ${this.tileSize}px;">
              <canvas data-testid="channel-tile" data-channel=${c} width=${s.width} height=${s.height} style="width: ${w}px; height: ${h}px;"
                @mousemove=${(e: MouseEvent) => this.hover(e, c)} @mouseleave=${() => this.fire('tile-hover', { channel: -1 })}
                @click=${(e: MouseEvent) => this.fire('tile-select', { channel: c, ...this.pixelAt(e) })}></canvas>
              <span>${c}</span>
            </div>`)}
        </div>
      </div>`;
  }

  protected override firstUpdated(): void {
    this.measure();
  }

  protected override updated(): void {
    void this.paint();
  }

  /** Which rows are in view (plus one either side). */
  private measure(): void {
    if (!this.scroller) return;
    const top = this.scroller.scrollTop, height = this.scroller.clientHeight || 400;
    this.firstRow = Math.max(0, Math.floor(top / this.rowHeight) - 1);
    this.lastRow = Math.floor((top + height) / this.rowHeight) + 1;
    this.requestUpdate();
  }

  private onScroll(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.measure();
    });
  }

  /** Puts drawn tiles on their canvases; fetches the missing ones in one contiguous request. */
  private async paint(): Promise<void> {
    const { source, ranges } = this;
    if (!source || !ranges) return;
    const canvases = [...this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-channel]')];
    const missing: number[] = [];
    for (const canvas of canvases) {
      const c = Number(canvas.dataset.channel);
      const image = this.drawn.get(c);
      if (image && canvas.dataset.painted !== `${this.generation}`) {
        canvas.getContext('2d')!.putImageData(image, 0, 0);
        canvas.dataset.painted = `${this.generation}`;
      } else if (!image && !this.pending.has(c)) missing.push(c);
    }
    if (!missing.length) return;
    const first = Math.min(...missing), last = Math.max(...missing);
    for (let c = first; c <= last; c++) this.pending.add(c);
    const generation = this.generation;
    const rgba = await source.tiles({ first, count: last - first + 1, ranges, colormap: this.colormap });
    if (generation !== this.generation) return;
    const size = source.width * source.height * 4;
    for (let c = first; c <= last; c++) {
      this.drawn.set(c, new ImageData(rgba.slice((c - first) * size, (c - first + 1) * size), source.width, source.height));
      this.pending.delete(c);
    }
    await this.paint();
  }

  private hover(e: MouseEvent, channel: number): void {
    this.fire('tile-hover', { channel, ...this.pixelAt(e) });
  }

  /** The map pixel under the pointer, at the map's resolution. */
  private pixelAt(e: MouseEvent): { x: number; y: number } {
    const canvas = e.target as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    const x = Math.max(0, Math.min(canvas.width - 1, Math.floor(((e.clientX - rect.left) / rect.width) * canvas.width)));
    const y = Math.max(0, Math.min(canvas.height - 1, Math.floor(((e.clientY - rect.top) / rect.height) * canvas.height)));
    return { x, y };
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-channel-grid': ChannelGrid }
}
