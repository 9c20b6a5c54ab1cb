/** What a training run leaves, in the Train panel: which kept run the chart shows and which it is overlaid
 *  with, the curves, the confusion matrix of the held-out images with the ones the model got wrong (click
 *  one: it becomes the input and the activation viewer shows it), and export of the trained model.
 *  @fires train-results - detail: { action: 'show' | 'compare' | 'export' | 'open-example', value } */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Tensor, TrainingEvaluation } from '../src/index.ts';
import { accuracyOf } from './confusion.ts';
import { imageCanvas } from './train-evaluation.ts';
import './train-chart.ts';
import './probe-view.ts';
import type { ProbeView } from './probe-view.ts';
import type { TrainCurves } from './train-chart.ts';

export interface TrainResultsView {
  /** Kept runs to choose from, newest first: this graph's, then other graphs' of the library. */
  runs: { id: string; text: string }[];
  /** The run the chart shows; null: the live curves (see `live`) or none. */
  shown: string | null;
  /** The chart shows the run under way, or one that failed and was not kept. */
  live: boolean;
  compare: string | null;
  curves: TrainCurves;
  compareCurves: { curves: TrainCurves; label: string } | null;
  evaluation: TrainingEvaluation | null;
  /** The evaluated split's images, once loaded (thumbnails of the misclassified ones). */
  images: Tensor | null;
  /** On a user's class set: the misclassified photos' thumbnails (data URLs) by their index in the split. */
  pictures: ReadonlyMap<number, string> | null;
  /** Why the last export, opened image or probe snapshot failed. */
  notice: string;
  busy: boolean;
  /** The probe's maps per snapshot, once a run took them (probe-view.ts). */
  probe: ProbeView | null;
}

export const EMPTY_RESULTS: TrainResultsView = {
  runs: [], shown: null, live: false, compare: null, curves: { batches: [], epochs: [] }, compareCurves: null, evaluation: null, images: null, pictures: null, notice: '', busy: false, probe: null,
};

const LIVE = '';
const NONE = '';

@customElement('dw-train-results')
export class TrainResults extends LitElement {
  static override styles = css`
    :host { display: grid; gap: 8px; }
    .row { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 4px 8px; align-items: center; font-size: 12px; }
    /* A run's label is long ("adam 0.001, batch 32, fashion_cnn · 4 epochs (187 steps) …"): the select keeps the panel's width. */
    select { min-width: 0; width: 100%; text-overflow: ellipsis; font: inherit; font-size: 12px; padding: 2px 4px; border: 1px solid var(--dw-border); border-radius: 4px; background: var(--dw-input-bg); color: var(--dw-fg); }
    h3 { font-size: 12px; margin: 4px 0 2px; }
    table { border-collapse: collapse; font-size: 10px; font-variant-numeric: tabular-nums; }
    th { font-weight: normal; color: var(--dw-muted); padding: 1px 3px; max-width: 54px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    th.row-name { text-align: right; }
    td { width: 24px; height: 18px; text-align: center; border: 1px solid var(--dw-border); }
    td.diagonal { font-weight: 600; }
    .caption { font-size: 11px; color: var(--dw-muted); }
    .thumbs { display: flex; flex-wrap: wrap; gap: 4px; }
    .thumbs button { padding: 0; border: 1px solid var(--dw-border); border-radius: 3px; background: none; cursor: pointer; display: grid; justify-items: center; font-size: 9px; color: var(--dw-muted); width: 60px; }
    .thumbs button:hover { border-color: var(--dw-accent); }
    .thumbs img { width: 42px; height: 42px; image-rendering: pixelated; }
    .buttons { display: flex; gap: 6px; flex-wrap: wrap; }
    .buttons button { padding: 3px 10px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 12px; }
    .error { color: var(--dw-error); font-size: 12px; }
  `;

  @property({ attribute: false }) view: TrainResultsView = EMPTY_RESULTS;
  /** Thumbnails drawn so far, per image tensor and index. */
  private thumbnails = new WeakMap<Tensor, Map<number, string>>();

  override render() {
    const v = this.view;
    return html`
      ${v.runs.length ? html`<div class="row">
        <label for="run">run</label>
        <select id="run" data-testid="train-run" @change=${(e: Event) => this.fire('show', (e.target as HTMLSelectElement).value || null)}>
          ${v.shown === null ? html`<option value=${LIVE} selected>${v.busy ? 'this run (under way)' : v.live ? 'the last run (failed, not kept)' : 'choose a run'}</option>` : nothing}
          ${v.runs.map((r) => html`<option value=${r.id} ?selected=${r.id === v.shown}>${r.text}</option>`)}
        </select>
        <label for="compare">compare with</label>
        <select id="compare" data-testid="train-compare" @change=${(e: Event) => this.fire('compare', (e.target as HTMLSelectElement).value || null)}>
          <option value=${NONE} ?selected=${v.compare === null}>none</option>
          ${v.runs.filter((r) => r.id !== v.shown).map((r) => html`<option value=${r.id} ?selected=${r.id === v.compare}>${r.text}</option>`)}
        </select>
      </div>` : nothing}
      <dw-train-chart .curves=${v.curves} .previous=${v.compareCurves}></dw-train-chart>
      ${v.probe ? html`<dw-probe-maps .view=${v.probe}></dw-probe-maps>` : nothing}
      ${v.evaluation ? this.renderEvaluation(v.evaluation, v.images, v.pictures) : nothing}
      <div class="buttons">
        <button data-testid="train-export-keras" ?disabled=${v.busy} title="model.json (the Keras model config) and its weights, the TF.js Layers format: tf.loadLayersModel opens it, tensorflowjs_converter makes an .h5"
          @click=${() => this.fire('export', 'keras')}>⇩ Keras model + weights</button>
        <button data-testid="train-export-onnx" ?disabled=${v.busy} title="An ONNX file (opset 13) with the weights" @click=${() => this.fire('export', 'onnx')}>⇩ ONNX</button>
      </div>
      ${v.notice ? html`<div class="error" role="alert" data-testid="train-results-notice">${v.notice}</div>` : nothing}
    `;
  }

  private renderEvaluation(e: TrainingEvaluation, images: Tensor | null, pictures: ReadonlyMap<number, string> | null) {
    const total = e.matrix.flat().reduce((a, b) => a + b, 0);
    const most = Math.max(1, ...e.matrix.flat());
    const short = (name: string) => name.split('/')[0];
    return html`<section data-testid="train-evaluation">
      <h3>Confusion matrix, ${e.split === 'validation' ? 'validation split' : 'test set (the run held no validation split)'}: ${total} images, accuracy ${accuracyOf(e).toFixed(4)}</h3>
      <table data-testid="confusion-matrix" aria-label="Confusion matrix: rows the true class, columns the predicted one">
        <tr><th class="caption">true ↓ predicted →</th>${e.classNames.map((n) => html`<th title=${n}>${short(n)}</th>`)}</tr>
        ${e.matrix.map((row, t) => html`<tr><th class="row-name" title=${e.classNames[t]}>${short(e.classNames[t])}</th>${row.map((count, p) => html`<td
          class=${t === p ? 'diagonal' : ''} data-testid="confusion-cell" data-true=${t} data-predicted=${p}
          title=${`${count} ${e.classNames[t]} called ${e.classNames[p]}`}
          style=${`background: color-mix(in srgb, ${t === p ? 'var(--dw-accent)' : 'var(--dw-error)'} ${Math.round((100 * count) / most)}%, transparent)`}>${count || ''}</td>`)}</tr>`)}
      </table>
      ${e.misclassified.length ? html`<h3>Misclassified (most confident first): click one to open it as the input</h3>
        <div class="thumbs">${e.misclassified.map((m) => html`<button data-testid="misclassified" data-index=${m.index}
            title=${`${m.file ?? `image ${m.index}`} of the ${e.split === 'validation' ? 'validation split' : 'test set'}: a ${e.classNames[m.label]}, called ${e.classNames[m.predicted]} (${(100 * m.confidence).toFixed(0)} %)`}
            @click=${() => this.fire('open-example', m)}>
          ${images ? html`<img alt="" src=${this.thumbnail(images, m.index)} />`
            : pictures?.has(m.index) ? html`<img alt=${m.file ?? ''} src=${pictures.get(m.index)!} />` : html`<span style="height: 42px">…</span>`}
          <span>${short(e.classNames[m.label])} → ${short(e.classNames[m.predicted])}</span></button>`)}</div>` : nothing}
    </section>`;
  }

  private thumbnail(images: Tensor, index: number): string {
    let drawn = this.thumbnails.get(images);
    if (!drawn) this.thumbnails.set(images, (drawn = new Map()));
    let url = drawn.get(index);
    if (!url) {
      const per = images.data.length / images.shape[0];
      const canvas = imageCanvas({ shape: [1, ...images.shape.slice(1)], data: images.data.subarray(index * per, (index + 1) * per) });
      drawn.set(index, (url = canvas.toDataURL()));
    }
    return url;
  }

  private fire(action: string, value: unknown): void {
    this.dispatchEvent(new CustomEvent('train-results', { detail: { action, value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-train-results': TrainResults }
}
