/** Small charts of the activation viewer, drawn on canvases: a histogram with the clipping range marked,
 *  and a bar chart of a vector output (Dense, global pooling, Dot) with its top-k entries listed. */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { formatValue, imagenetClass, topIndices } from '../src/index.ts';

@customElement('dw-histogram')
export class HistogramChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    canvas { width: 100%; height: 64px; display: block; }
    .axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--dw-muted); font-variant-numeric: tabular-nums; }
  `;

  @property({ attribute: false }) counts: Uint32Array | null = null;
  @property({ attribute: false }) lo = 0;
  @property({ attribute: false }) hi = 1;
  /** The colour range in use, drawn as two lines. */
  @property({ attribute: false }) marks: [number, number] | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement;

  override render() {
    return html`<canvas width="300" height="64" data-testid="histogram" aria-label="histogram of the values"></canvas>
      <div class="axis"><span>${formatValue(this.lo, 2)}</span><span>${formatValue(this.hi, 2)}</span></div>`;
  }

  protected override updated(_: PropertyValues): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width: W, height: H } = this.canvas;
    ctx.clearRect(0, 0, W, H);
    const counts = this.counts;
    if (!counts?.length) return;
    // Square-root heights: one spike of zeros (dead ReLUs) would flatten everything else.
    const top = Math.sqrt(Math.max(...counts)) || 1;
    const style = getComputedStyle(this);
    ctx.fillStyle = style.getPropertyValue('--dw-accent') || '#2f6fde';
    const w = W / counts.length;
    counts.forEach((c, i) => {
      const h = (Math.sqrt(c) / top) * (H - 2);
      ctx.fillRect(i * w, H - h, Math.max(1, w - 0.5), h);
    });
    if (this.marks && this.hi > this.lo) {
      ctx.strokeStyle = style.getPropertyValue('--dw-error') || '#b42318';
      for (const m of this.marks) {
        const x = ((m - this.lo) / (this.hi - this.lo)) * W;
        ctx.beginPath();
        ctx.moveTo(x, 0);
        ctx.lineTo(x, H);
        ctx.stroke();
      }
    }
  }
}

@customElement('dw-bar-chart')
export class BarChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    canvas { width: 100%; height: 120px; display: block; }
    ol { margin: 6px 0 0; padding-left: 22px; font-size: 12px; font-variant-numeric: tabular-nums; columns: 2; }
    li span { color: var(--dw-muted); }
    ol.named { columns: 1; }
    li b { font-weight: 600; }
    .note { margin: 4px 0 0; color: var(--dw-muted); font-size: 11px; }
  `;

  @property({ attribute: false }) values: Float32Array | null = null;
  @property({ attribute: false }) topK = 10;
  /** The graph's classes (a trained or imported classifier's), for its output: they name the rows. */
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement;

  /** Indices of the k largest values, largest first. */
  private top(): number[] {
    const v = this.values;
    if (!v) return [];
    return topIndices(v, this.topK);
  }

  override render() {
    const v = this.values;
    // The graph's own classes where it names them, one per output; else a 1000-way (or 1001 with
    // background) output is read as ImageNet's classes, as every classifier trained on it orders them.
    // The note under the list says which.
    const own = !!v && this.classNames?.length === v.length ? this.classNames : null;
    const named = !!own || (!!v && imagenetClass(0, v.length) !== null);
    const row = (i: number) => {
      const name = own ? own[i] : named ? imagenetClass(i, v!.length)! : '';
      return html`<li data-testid="top-k-row" data-index=${i} data-value=${String(v![i])} title=${name}><span>#${i}</span>
        ${named ? html`<b data-testid="top-k-class">${name.split(',')[0]}</b> ` : nothing}${formatValue(v![i], 2)}</li>`;
    };
    return html`<canvas width="600" height="120" data-testid="bar-chart" aria-label="the output vector as bars"></canvas>
      <ol data-testid="top-k" class=${named ? 'named' : ''}>${this.top().map(row)}</ol>
      ${named ? html`<p class="note">${v!.length} outputs: named as ${own ? "the graph's classes" : "ImageNet's classes"}</p>` : nothing}`;
  }

  protected override updated(_: PropertyValues): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width: W, height: H } = this.canvas;
    ctx.clearRect(0, 0, W, H);
    const v = this.values;
    if (!v?.length) return;
    let lo = 0, hi = 0;
    for (const x of v) if (Number.isFinite(x)) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
    const span = hi - lo || 1;
    const zero = H - ((0 - lo) / span) * H;
    const w = W / v.length;
    const top = new Set(this.top());
    const style = getComputedStyle(this);
    v.forEach((x, i) => {
      ctx.fillStyle = top.has(i) ? style.getPropertyValue('--dw-error') || '#b42318' : style.getPropertyValue('--dw-accent') || '#2f6fde';
      const y = H - ((x - lo) / span) * H;
      ctx.fillRect(i * w, Math.min(y, zero), Math.max(1, w - (w > 3 ? 1 : 0)), Math.max(1, Math.abs(zero - y)));
    });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-histogram': HistogramChart; 'dw-bar-chart': BarChart }
}
