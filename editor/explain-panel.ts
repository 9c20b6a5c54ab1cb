/** "Explain this value": how one value of a node's output was computed (src/explain/), drawn — for a conv,
 *  each input channel's map with the kernel window outlined, its patch and kernel slice as heatmaps (numbers
 *  on hover) and its partial sum, then the bias, the activation before and after and the total; for a pool,
 *  the window and its winner or mean; for a merge, its operands; for BatchNormalization and LayerNormalization their statistics; for
 *  Dense its largest inputs × weights. The photo with the value's receptive field outlined, where known.
 *  @fires explain-close - on the panel only (it does not bubble: the viewer's own `close` closes the maps) */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  fieldRect, describeField, formatShape, formatValue, statisticsLabel,
  type ActivationStep, type BatchNormExplanation, type ConvExplanation, type DenseExplanation, type DotExplanation,
  type MergeExplanation, type PoolExplanation, type ReceptiveField,
} from '../src/index.ts';
import type { ExplainedValue } from './explain-value.ts';
import { drawInputMap, heatmap, rangeOf, windowText } from './explain-pictures.ts';
import './field-photo.ts';

/** Input channels drawn in full before "show all". */
const FIRST_TERMS = 8;

const at = (p: readonly number[]) => (p.length === 3 ? `y ${p[0]}, x ${p[1]}, c ${p[2]}` : p.length === 1 ? `c ${p[0]}` : p.join(', '));

@customElement('dw-explain-panel')
export class ExplainPanel extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; gap: 8px; padding: 8px 10px; box-sizing: border-box; overflow-y: auto;
      background: var(--dw-panel-bg); color: var(--dw-fg); font-size: 12px; }
    header { display: flex; align-items: center; gap: 8px; }
    h3 { margin: 0; font-size: 13px; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    button { font: inherit; font-size: 12px; padding: 2px 6px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); cursor: pointer; }
    .sum { font-family: ui-monospace, monospace; font-size: 11.5px; line-height: 1.6; overflow-wrap: anywhere; }
    .sum b { font-weight: 600; }
    .total { font-size: 13px; }
    .note, figcaption { color: var(--dw-muted); }
    .error { color: var(--dw-error); }
    .terms { display: flex; flex-direction: column; gap: 6px; }
    .term { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
    .term .label { width: 5.5em; color: var(--dw-muted); }
    .term canvas { width: 84px; image-rendering: pixelated; border: 1px solid var(--dw-border); }
    .op { color: var(--dw-muted); }
    .heatmap { display: grid; gap: 1px; background: var(--dw-border); border: 1px solid var(--dw-border); width: max-content; }
    .cell { display: block; }
    .cell.pad { background: repeating-linear-gradient(45deg, var(--dw-panel-bg) 0 2px, var(--dw-border) 2px 4px); }
    .cell.mark { outline: 2px solid #ff3b30; outline-offset: -2px; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    td, th { padding: 1px 8px 1px 0; text-align: right; }
    th { color: var(--dw-muted); font-weight: normal; }
    td:first-child, th:first-child { text-align: left; }
    .figures { display: flex; gap: 10px; flex-wrap: wrap; align-items: start; }
    .figures figure { margin: 0; }
    .figures canvas { width: 112px; image-rendering: pixelated; border: 1px solid var(--dw-border); }
    dw-field-photo { width: 160px; }
  `;

  @property({ attribute: false }) explained: ExplainedValue | null = null;
  /** Why there is no explanation (an op not covered, a stale run…). */
  @property({ attribute: false }) error = '';
  /** What is being explained, while it is computed or when it failed. */
  @property({ attribute: false }) heading = '';
  /** The tensor fed to the Input, as the picture it is, and the node's receptive field in its pixels. */
  @property({ attribute: false }) photo: ImageData | null = null;
  @property({ attribute: false }) field: ReceptiveField | null = null;
  @state() private allTerms = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('explained')) this.allTerms = false;
  }

  override render() {
    const e = this.explained?.explanation;
    return html`
      <header>
        <h3 data-testid="explain-title">${e ? `Explain ${e.name} · ${at(e.at)}` : this.heading || 'Explain a value'}</h3>
        <button data-testid="explain-close" aria-label="Close the explanation" @click=${() => this.dispatchEvent(new CustomEvent('explain-close'))}>×</button>
      </header>
      ${this.error ? html`<div class="error" role="alert" data-testid="explain-error">${this.error}</div>`
        : !e ? html`<div class="note">taking the value apart…</div>`
        : html`${this.totalLine()}${this.body()}`}`;
  }

  protected override updated(): void {
    // Input maps with the window outlined: drawn after render, from the run's tensors.
    const ex = this.explained;
    if (!ex) return;
    const e = ex.explanation;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-map-channel]')) {
      const input = ex.inputs[0]?.tensor;
      if (!input || (e.kind !== 'conv' && e.kind !== 'pool')) continue;
      drawInputMap(canvas, input, e.image, Number(canvas.dataset.mapChannel), e.rows, e.cols);
    }
  }

  private body() {
    const e = this.explained!.explanation;
    switch (e.kind) {
      case 'conv': return this.conv(e);
      case 'pool': return this.pool(e);
      case 'merge': return this.merge(e);
      case 'dot': return this.dot(e);
      case 'batch-norm': return this.batchNorm(e);
      case 'dense': return this.dense(e);
    }
  }

  private totalLine() {
    const e = this.explained!.explanation;
    const difference = Math.abs(e.total - e.value);
    return html`<div class="sum total">total <b data-testid="explain-total" data-value=${String(e.total)}>${formatValue(e.total)}</b>
      · the run computed <b data-testid="explain-value" data-value=${String(e.value)}>${formatValue(e.value)}</b></div>
      <div class="note">The total is summed in float64 from the float32 tensors the run read back; the GPU's float32 sum
        ${difference === 0 ? 'is exactly the same' : html`differs by ${difference.toExponential(1)} (rounding, on terms of magnitude ${formatValue(e.scale)})`}.</div>`;
  }

  /** The photo with the value's receptive field, for a map position. */
  private photoWithField(position: readonly number[]) {
    const { photo, field } = this;
    if (!photo || !field || position.length !== 3) return nothing;
    const rect = fieldRect(field, [position[0], position[1]], [photo.height, photo.width]);
    const caption = field.kind === 'window' && rect ? `receptive field: rows ${rect.top}–${rect.bottom - 1}, cols ${rect.left}–${rect.right - 1} of the photo (${describeField(field)})`
      : `receptive field: ${describeField(field)}`;
    return html`<dw-field-photo data-testid="explain-photo" .photo=${photo} .rect=${rect} .caption=${caption}></dw-field-photo>`;
  }

  private activation(step: ActivationStep) {
    if (step.name === 'linear') return nothing;
    const how = step.softmax ? html` (over the ${step.softmax.count} values here: exp(z − ${formatValue(step.softmax.max)}) / ${formatValue(step.softmax.sum)})` : nothing;
    return html`<div class="sum">activation ${step.name}${how}: <b data-testid="explain-before" data-value=${String(step.before)}>${formatValue(step.before)}</b>
      → <b data-testid="explain-after" data-value=${String(step.after)}>${formatValue(step.after)}</b></div>`;
  }

  private conv(e: ConvExplanation) {
    const ranked = [...e.terms].sort((p, q) => Math.abs(q.partial) - Math.abs(p.partial));
    const shown = this.allTerms ? ranked : ranked.slice(0, FIRST_TERMS);
    const others = ranked.slice(shown.length);
    const cols = e.cols.length;
    const patchRange = rangeOf(shown.flatMap((t) => t.patch));
    const kernelRange = rangeOf(shown.flatMap((t) => t.kernel), true);
    const separable = e.op === 'SeparableConv2D';
    return html`
      <div class="figures">
        ${this.photoWithField(e.at)}
        <div class="note">${e.op} on ${e.input.name} (${formatShape(e.input.shape)}): the window covers ${windowText(e.rows, e.cols)}
          (${e.rows.length}×${e.cols.length} taps${e.rows.length > 1 && e.rows[1] - e.rows[0] > 1 ? `, ${e.rows[1] - e.rows[0]} apart` : ''}; hatched: padding).
          ${separable ? 'Each input channel goes through its depthwise kernel, then its pointwise weight.' : 'Each input channel: Σ patch × kernel.'}
          Largest |partial| first.</div>
      </div>
      <div class="terms" data-testid="explain-terms">
        ${shown.map((t) => html`<div class="term" data-testid="explain-term" data-channel=${t.channel} data-partial=${String(t.partial)}>
          <span class="label">channel ${t.channel}${t.pointwise ? html`<br>× ${t.pointwise.multiplier}` : nothing}</span>
          <canvas data-map-channel=${t.channel} title=${`${e.input.name}, channel ${t.channel}: the window outlined`}></canvas>
          ${heatmap(t.patch, cols, patchRange, 'viridis', 'explain-patch')}<span class="op">×</span>
          ${heatmap(t.kernel, cols, kernelRange, 'diverging', 'explain-kernel')}
          <span class="op">=</span>${t.pointwise ? html`${formatValue(t.pointwise.depthwise)} <span class="op">× pointwise</span> ${formatValue(t.pointwise.weight)} <span class="op">=</span>` : nothing}
          <b>${formatValue(t.partial)}</b>
        </div>`)}
      </div>
      ${others.length ? html`<div class="sum">the other ${others.length} channels: Σ ${formatValue(others.reduce((s, t) => s + t.partial, 0))}
        <button data-testid="explain-all" @click=${() => (this.allTerms = true)}>show all ${e.terms.length}</button></div>` : nothing}
      <div class="sum">Σ ${e.terms.length} partial${e.terms.length === 1 ? '' : 's'} ${formatValue(e.terms.reduce((s, t) => s + t.partial, 0))}
        + bias <b data-testid="explain-bias">${e.bias === null ? '0 (no bias)' : formatValue(e.bias)}</b>
        = <b data-testid="explain-sum" data-value=${String(e.preActivation)}>${formatValue(e.preActivation)}</b></div>
      ${this.activation(e.activation)}`;
  }

  private pool(e: PoolExplanation) {
    const big = e.values.length > 16 * 16;
    const mark = e.winner ? e.rows.indexOf(e.winner.row) * e.cols.length + e.cols.indexOf(e.winner.col) : -1;
    return html`
      <div class="figures">
        ${this.photoWithField(e.at)}
        <figure><canvas data-map-channel=${e.channel}></canvas><figcaption>${e.input.name}, channel ${e.channel}: ${windowText(e.rows, e.cols)}</figcaption></figure>
        ${big ? nothing : html`<figure>${heatmap(e.values, e.cols.length, rangeOf(e.values), 'viridis', 'explain-window', mark)}<figcaption>the window (hover: values)</figcaption></figure>`}
      </div>
      <div class="sum" data-testid="explain-pool">${e.winner
        ? html`max of the window: <b>${formatValue(e.winner.value)}</b> at row ${e.winner.row}, col ${e.winner.col} (ringed)`
        : html`mean: ${formatValue(e.sum!)} / ${e.count} ${e.global ? 'values' : 'cells'} = <b>${formatValue(e.total)}</b>`}</div>`;
  }

  private merge(e: MergeExplanation) {
    return html`
      <table data-testid="explain-operands"><tr><th>operand</th><th>at</th><th>value</th></tr>
        ${e.operands.map((o) => html`<tr data-testid="explain-operand" data-value=${String(o.value)}><td>${o.name}</td><td>${at(o.at)}</td><td>${formatValue(o.value)}</td></tr>`)}
      </table>
      <div class="sum">${e.concat
        ? `${e.operation}: from input ${e.operands[0].index + 1} of ${e.concat.offsets.length}, which fills axis ${e.concat.axis + 1} from ${e.concat.offsets[e.operands[0].index]}`
        : `${e.operation} of the ${e.operands.length} operands = ${formatValue(e.total)}`}</div>`;
  }

  private dot(e: DotExplanation) {
    const [x, y] = e.operands;
    return html`
      <table><tr><th>k</th><th>${x.name}</th><th>${y.name}</th><th>product</th></tr>
        ${e.products.slice(0, 32).map((p, k) => html`<tr><td>${k}</td><td>${formatValue(x.values[k])}</td><td>${formatValue(y.values[k])}</td><td>${formatValue(p)}</td></tr>`)}
      </table>
      <div class="sum">Σ ${e.products.length} products = ${formatValue(e.sum)}${e.norms ? ` / (${formatValue(e.norms[0])} × ${formatValue(e.norms[1])})` : ''}</div>`;
  }

  private batchNorm(e: BatchNormExplanation) {
    return html`<div class="sum">
      x <b>${formatValue(e.x)}</b> (${e.input.name}) · ${statisticsLabel(e)}: mean ${formatValue(e.mean)}, variance ${formatValue(e.variance)}, epsilon ${formatValue(e.epsilon)}<br>
      (x − mean) / √(variance + epsilon) = ${formatValue(e.normalized)}<br>
      × gamma ${e.gamma === null ? '1' : formatValue(e.gamma)} + beta ${e.beta === null ? '0' : formatValue(e.beta)} = <b>${formatValue(e.total)}</b></div>`;
  }

  private dense(e: DenseExplanation) {
    return html`
      <div class="note">${e.input.name}: ${e.input.size} inputs; the ${e.top.length} largest input × weight:</div>
      <table data-testid="explain-dense"><tr><th>input</th><th>value</th><th>× weight</th><th>= product</th></tr>
        ${e.top.map((t) => html`<tr><td>${t.index}</td><td>${formatValue(t.input)}</td><td>${formatValue(t.weight)}</td><td>${formatValue(t.product)}</td></tr>`)}
      </table>
      ${e.rest.count ? html`<div class="sum">the other ${e.rest.count}: Σ ${formatValue(e.rest.sum)}</div>` : nothing}
      <div class="sum">+ bias <b data-testid="explain-bias">${e.bias === null ? '0 (no bias)' : formatValue(e.bias)}</b> = <b data-testid="explain-sum" data-value=${String(e.preActivation)}>${formatValue(e.preActivation)}</b></div>
      ${this.activation(e.activation)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-explain-panel': ExplainPanel }
}
