/** The training curves: loss and accuracy side by side, each with the batches' values (thin), the epochs'
 *  means (dots) and validation (dashed, dots), against the optimizer step or the epoch; another kept
 *  run in grey behind them, for a comparison; axes with nice ticks, a legend and the values under the pointer. SVG
 *  drawn by Lit: a few hundred points a run need no chart library. */
import { css, html, LitElement, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { finiteExtent, formatTick, linearScale, niceDomain, niceTicks, tickStep, xPosition, type LinearScale, type XUnit } from './chart-scale.ts';

export interface BatchPoint { step: number; epoch: number; batch: number; loss: number; accuracy: number }
export interface EpochPoint { step: number; epoch: number; loss: number; accuracy: number; valLoss?: number; valAccuracy?: number }
export interface TrainCurves { batches: BatchPoint[]; epochs: EpochPoint[] }

type Metric = 'loss' | 'accuracy';
const W = 300, H = 170;
const M = { left: 40, right: 8, top: 18, bottom: 26 };

@customElement('dw-train-chart')
export class TrainChart extends LitElement {
  static override styles = css`
    :host { display: block; --train: var(--dw-accent); --val: var(--dw-cat-activation); }
    .plots { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; }
    svg { width: 100%; height: auto; display: block; overflow: visible; font-size: 10px; fill: var(--dw-muted); }
    .title { font-size: 11px; font-weight: 600; fill: var(--dw-fg); }
    .grid { stroke: var(--dw-border); stroke-width: 0.6; }
    .axis { stroke: var(--dw-muted); stroke-width: 0.8; }
    .batch { fill: none; stroke: var(--train); stroke-width: 1; opacity: 0.45; }
    .epoch { fill: none; stroke: var(--train); stroke-width: 1.8; }
    .val { fill: none; stroke: var(--val); stroke-width: 1.8; stroke-dasharray: 4 3; }
    circle.epoch { fill: var(--train); stroke: none; }
    circle.val { fill: var(--val); stroke: none; }
    .previous { fill: none; stroke: var(--dw-muted); stroke-width: 1.4; opacity: 0.55; }
    .previous.batch { stroke-width: 0.8; opacity: 0.25; }
    .previous.val { stroke-dasharray: 4 3; }
    .legend i.previous { border-top: 2px solid var(--dw-muted); opacity: 0.6; }
    .cursor { stroke: var(--dw-fg); stroke-width: 0.7; stroke-dasharray: 2 2; }
    circle.cursor { fill: var(--dw-fg); stroke: none; }
    .legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: 11px; color: var(--dw-muted); margin-top: 2px; }
    .legend i { display: inline-block; width: 16px; height: 0; vertical-align: middle; margin-right: 4px; border-top: 2px solid var(--train); }
    .legend i.batch { opacity: 0.4; border-top-width: 1px; }
    .legend i.val { border-top: 2px dashed var(--val); }
    .readout { min-height: 1.4em; font-size: 11px; font-variant-numeric: tabular-nums; color: var(--dw-fg); }
    .empty { color: var(--dw-muted); font-size: 12px; padding: 24px 0; text-align: center; }
  `;

  @property({ attribute: false }) curves: TrainCurves = { batches: [], epochs: [] };
  /** The run before, drawn in grey behind this one, and what it was (its compile and fit in short). */
  @property({ attribute: false }) previous: { curves: TrainCurves; label: string } | null = null;
  /** The x value under the pointer (a step, or epochs), or null. */
  @state() private hover: number | null = null;
  /** The x axis: optimizer steps, or epochs (runs of other batch sizes line up). */
  @state() private unit: XUnit = 'step';

  override render() {
    const { batches, epochs } = this.curves;
    if (!batches.length) return html`<div class="empty" data-testid="train-chart" data-points="0">The curves appear with the first batch.</div>`;
    const at = xPosition(this.curves, this.unit);
    const before = this.previous ? xPosition(this.previous.curves, this.unit) : null;
    const beforeLast = this.previous?.curves.batches.at(-1);
    const last = Math.max(at.batch(batches[batches.length - 1]), before && beforeLast ? before.batch(beforeLast) : 0);
    const x = this.unit === 'step' ? linearScale([1, Math.max(2, last)], [M.left, W - M.right]) : linearScale([0, Math.max(0.1, last)], [M.left, W - M.right]);
    const hovered = this.hover === null ? null : batches.reduce((a, b) => (Math.abs(at.batch(b) - this.hover!) < Math.abs(at.batch(a) - this.hover!) ? b : a));
    const validated = epochs.some((e) => e.valLoss !== undefined);
    return html`<div data-testid="train-chart" data-points=${batches.length} data-epochs=${epochs.length}>
      <div class="plots" @pointerleave=${() => (this.hover = null)}>
        ${this.plot('loss', 'Loss', x, hovered)}${this.plot('accuracy', 'Accuracy', x, hovered)}
      </div>
      <div class="legend"><label>x: <select data-testid="chart-x-unit" @change=${(e: Event) => (this.unit = (e.target as HTMLSelectElement).value as XUnit)}>
          <option value="step" ?selected=${this.unit === 'step'}>step</option><option value="epoch" ?selected=${this.unit === 'epoch'}>epoch</option></select></label>
        <span><i class="batch"></i>train, per batch</span><span><i></i>train, epoch mean</span>${validated ? html`<span><i class="val"></i>validation</span>` : nothing}
        ${this.previous ? html`<span data-testid="chart-previous"><i class="previous"></i>compared with: ${this.previous.label}</span>` : nothing}</div>
      <div class="readout" data-testid="chart-readout">${hovered ? this.readout(hovered) : html`<span style="color: var(--dw-muted)">Point at the curves to read the values.</span>`}</div>
    </div>`;
  }

  private plot(metric: Metric, title: string, x: LinearScale, hovered: BatchPoint | null) {
    const { batches, epochs } = this.curves;
    const before = this.previous?.curves ?? { batches: [], epochs: [] };
    const val = metric === 'loss' ? 'valLoss' : 'valAccuracy';
    const values = [...batches, ...before.batches].map((b) => b[metric]).concat([...epochs, ...before.epochs].flatMap((e) => [e[metric], e[val] ?? NaN]));
    const extent = finiteExtent(values) ?? [0, 1];
    // Accuracy on its own 0…1 scale; the loss over its own range, widened to whole ticks, so a fall from
    // 2.3 to 2.0 in the first steps is seen (the ticks say where it sits).
    const [lo, hi] = metric === 'accuracy' ? [0, 1] : niceDomain(extent[0], extent[1], 4);
    const y = linearScale([lo, hi], [H - M.bottom, M.top]);
    const yStep = tickStep(lo, hi, 4), xStep = tickStep(x.domain[0], x.domain[1], 4);
    const xTicks = niceTicks(x.domain[0], x.domain[1], 4).filter((t) => this.unit === 'epoch' || Number.isInteger(t));
    const at = xPosition(this.curves, this.unit), atBefore = xPosition(before, this.unit);
    const path = (points: { at: number; v: number | undefined }[]) =>
      points.filter((p) => Number.isFinite(p.v)).map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.v!).toFixed(1)}`).join('');
    const trainEpochs = epochs.map((e) => ({ at: at.epoch(e), v: e[metric] }));
    const valEpochs = epochs.filter((e) => Number.isFinite(e[val])).map((e) => ({ at: at.epoch(e), v: e[val]! }));
    return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${`${title} per optimizer step`} data-testid=${`train-chart-${metric}`}
        @pointermove=${(e: PointerEvent) => this.point(e, x)}>
      ${svg`
        <text class="title" x=${M.left} y="11">${title}</text>
        ${niceTicks(lo, hi, 4).map((t) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
          <text x=${M.left - 4} y=${y(t) + 3} text-anchor="end">${formatTick(t, yStep)}</text>`)}
        ${xTicks.map((t) => svg`<line class="axis" x1=${x(t)} x2=${x(t)} y1=${H - M.bottom} y2=${H - M.bottom + 3}></line>
          <text x=${x(t)} y=${H - M.bottom + 13} text-anchor=${x(t) > W - M.right - 12 ? 'end' : 'middle'}>${formatTick(t, this.unit === 'step' ? Math.max(1, xStep) : xStep)}</text>`)}
        <line class="axis" x1=${M.left} x2=${W - M.right} y1=${H - M.bottom} y2=${H - M.bottom}></line>
        <line class="axis" x1=${M.left} x2=${M.left} y1=${M.top} y2=${H - M.bottom}></line>
        <text x=${W - M.right} y=${H - 2} text-anchor="end">${this.unit === 'step' ? 'step (batch)' : 'epoch'}</text>
        <path class="previous batch" d=${path(before.batches.map((b) => ({ at: atBefore.batch(b), v: b[metric] })))}></path>
        <path class="previous" d=${path(before.epochs.map((e) => ({ at: atBefore.epoch(e), v: e[metric] })))}></path>
        <path class="previous val" d=${path(before.epochs.map((e) => ({ at: atBefore.epoch(e), v: e[val] })))}></path>
        <path class="batch" d=${path(batches.map((b) => ({ at: at.batch(b), v: b[metric] })))}></path>
        <path class="epoch" d=${path(trainEpochs)}></path>
        <path class="val" d=${path(valEpochs)}></path>
        ${trainEpochs.filter((p) => Number.isFinite(p.v)).map((p) => svg`<circle class="epoch" data-testid="epoch-point" cx=${x(p.at)} cy=${y(p.v)} r="2.8"></circle>`)}
        ${valEpochs.map((p) => svg`<circle class="val" data-testid="val-point" cx=${x(p.at)} cy=${y(p.v)} r="2.8"></circle>`)}
        ${hovered ? svg`<line class="cursor" x1=${x(at.batch(hovered))} x2=${x(at.batch(hovered))} y1=${M.top} y2=${H - M.bottom}></line>
          ${Number.isFinite(hovered[metric]) ? svg`<circle class="cursor" cx=${x(at.batch(hovered))} cy=${y(hovered[metric])} r="2.5"></circle>` : nothing}` : nothing}
      `}
    </svg>`;
  }

  private point(e: PointerEvent, x: LinearScale): void {
    const box = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    const value = x.invert(((e.clientX - box.left) / box.width) * W);
    this.hover = this.unit === 'step' ? Math.round(value) : value;
  }

  private readout(b: BatchPoint) {
    const f = (v: number | undefined) => (v === undefined ? '–' : Number.isFinite(v) ? v.toFixed(4) : String(v));
    const epoch = this.curves.epochs.find((e) => e.step === b.step);
    return html`step ${b.step} (epoch ${b.epoch}, batch ${b.batch}): loss ${f(b.loss)}, accuracy ${f(b.accuracy)}${epoch
      ? html` · epoch ${epoch.epoch} mean: loss ${f(epoch.loss)}, accuracy ${f(epoch.accuracy)}${epoch.valLoss !== undefined ? html` · val_loss ${f(epoch.valLoss)}, val_accuracy ${f(epoch.valAccuracy)}` : nothing}`
      : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-train-chart': TrainChart }
}
