/** The Train panel: Keras' compile and fit arguments as fields (with the code they stand for), Start,
 *  Pause / Resume and Stop, the progress of the run and its curves.
 *  @fires train-options - detail: { options } (the fields as typed; the controller checks them)
 *  @fires train-command - detail: { name } (start, pause, resume, stop, close)
 *  @slot data - the user's own data sets (data-panel.ts), under the fields */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LOSSES, OPTIMIZER_DEFAULTS } from '../src/index.ts';
import { BUILTIN_SOURCE, type DatasetEntry } from './dataset-source.ts';
import './train-results.ts';
import { EMPTY_RESULTS, type TrainResultsView } from './train-results.ts';

/** 'pausing' until the batch in flight ends, then 'paused'. */
export type TrainStatus = 'idle' | 'loading' | 'running' | 'pausing' | 'paused' | 'stopping' | 'done' | 'stopped' | 'failed';

/** A run is under way (its options cannot change). */
export const trainingBusy = (s: TrainStatus): boolean => s === 'loading' || s === 'running' || s === 'pausing' || s === 'paused' || s === 'stopping';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Done of the whole run, 0–1. */
  fraction: number;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
  /** What happens now when it is not a batch (loading, compiling, validating). */
  phase: string;
}

/** The fields as the panel shows them: text while typed, checked on Start. */
export type TrainFields = Record<string, string>;

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

@customElement('dw-train-panel')
export class TrainPanel extends LitElement {
  static override styles = css`
    :host {
      display: flex; flex-direction: column; gap: 8px; padding: 10px 12px; box-sizing: border-box;
      background: var(--dw-panel-bg); border: 1px solid var(--dw-border); border-radius: 8px; box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
    }
    header { display: flex; align-items: center; gap: 8px; }
    h2 { font-size: 14px; margin: 0; flex: 1; }
    .close { border: none; background: none; color: var(--dw-fg); font-size: 16px; cursor: pointer; padding: 0 4px; }
    form { display: grid; grid-template-columns: auto 1fr auto 1fr; gap: 5px 8px; align-items: center; font-size: 12px; }
    label { color: var(--dw-muted); white-space: nowrap; }
    select, input { font: inherit; font-size: 12px; padding: 2px 4px; min-width: 0; border: 1px solid var(--dw-border); border-radius: 4px; background: var(--dw-input-bg); color: var(--dw-fg); }
    .wide { grid-column: 2 / 5; }
    code { display: block; font-size: 11px; white-space: pre-wrap; word-break: break-word; background: var(--dw-hover); padding: 5px 7px; border-radius: 4px; }
    .buttons { display: flex; gap: 6px; align-items: center; }
    .buttons button { padding: 4px 12px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 13px; }
    .buttons button:hover:not(:disabled) { background: var(--dw-hover); }
    .buttons button:disabled { opacity: 0.45; }
    .buttons .start { font-weight: 600; }
    .progress { display: grid; gap: 3px; font-size: 12px; font-variant-numeric: tabular-nums; }
    progress { width: 100%; }
    .error { color: var(--dw-error); background: var(--dw-error-bg); border: 1px solid var(--dw-error); border-radius: 4px; padding: 5px 8px; font-size: 12px; }
    .result { font-size: 12px; color: var(--dw-ok); }
    .note { font-size: 11px; color: var(--dw-muted); margin: 0; }
  `;

  @property({ attribute: false }) fields: TrainFields = {};
  /** The data sets offered: the built-in one and those the user made. */
  @property({ attribute: false }) datasets: DatasetEntry[] = BUILTIN_SOURCE.list();
  /** The Keras code the fields stand for (one statement a line), or null while they do not check. */
  @property({ attribute: false }) code: string[] | null = null;
  @property({ attribute: false }) status: TrainStatus = 'idle';
  @property({ attribute: false }) progress: TrainProgress | null = null;
  /** The kept runs, the curves shown and overlaid, the confusion matrix, export (train-results.ts). */
  @property({ attribute: false }) results: TrainResultsView = EMPTY_RESULTS;
  @property({ attribute: false }) error = '';
  /** What the last run left, e.g. "Stopped after 12 steps: the graph has the weights learnt so far". */
  @property({ attribute: false }) result = '';

  override render() {
    const busy = trainingBusy(this.status);
    const f = this.fields;
    const field = (key: string, label: string, attrs: { min?: string; step?: string; placeholder?: string } = {}) => html`
      <label for=${key}>${label}</label>
      <input id=${key} type="number" data-testid=${`train-${key}`} .value=${f[key] ?? ''} min=${attrs.min ?? '0'} step=${attrs.step ?? '1'}
        placeholder=${attrs.placeholder ?? ''} ?disabled=${busy} @input=${(e: Event) => this.change(key, (e.target as HTMLInputElement).value)} />`;
    const select = (key: string, label: string, options: readonly string[], wide = false) => html`
      <label for=${key}>${label}</label>
      <select id=${key} class=${wide ? 'wide' : ''} data-testid=${`train-${key}`} ?disabled=${busy}
        @change=${(e: Event) => this.change(key, (e.target as HTMLSelectElement).value)}>
        ${options.map((o) => html`<option value=${o} ?selected=${f[key] === o}>${o}</option>`)}
      </select>`;
    return html`
      <header><h2>Train</h2><button class="close" aria-label="Close the Train panel" @click=${() => this.command('close')}>×</button></header>
      <form @submit=${(e: Event) => e.preventDefault()}>
        <label for="dataset">dataset</label>
        <select id="dataset" class="wide" data-testid="train-dataset" ?disabled=${busy} @change=${(e: Event) => this.change('dataset', (e.target as HTMLSelectElement).value)}>
          ${this.datasets.map((d) => html`<option value=${d.id} ?selected=${f.dataset === d.id}>${d.label}</option>`)}
        </select>
        ${select('loss', 'loss', LOSSES, true)}
        ${select('optimizer', 'optimizer', Object.keys(OPTIMIZER_DEFAULTS))}
        ${field('learningRate', 'learning_rate', { step: 'any', placeholder: String(OPTIMIZER_DEFAULTS[(f.optimizer ?? 'adam') as keyof typeof OPTIMIZER_DEFAULTS]?.learningRate ?? '') })}
        ${field('batchSize', 'batch_size', { min: '1' })}
        ${field('epochs', 'epochs', { min: '1' })}
        ${field('validationSplit', 'validation_split', { step: '0.05' })}
        ${field('stepsPerEpoch', 'steps_per_epoch', { min: '1', placeholder: 'all' })}
        ${field('seed', 'seed')}
      </form>
      <slot name="data"></slot>
      ${this.code ? html`<code data-testid="train-code">${this.code.join('\n')}</code>` : nothing}
      <div class="buttons">
        ${busy
          ? html`${this.status === 'paused' || this.status === 'pausing'
              ? html`<button data-testid="train-resume" @click=${() => this.command('resume')}>▶ Resume</button>`
              : html`<button data-testid="train-pause" ?disabled=${this.status !== 'running'} @click=${() => this.command('pause')}>❚❚ Pause</button>`}
            <button data-testid="train-stop" ?disabled=${this.status === 'stopping'} title="Stop after this batch; the graph keeps the weights learnt so far" @click=${() => this.command('stop')}>■ Stop</button>`
          : html`<button class="start" data-testid="train-start" ?disabled=${!this.code} @click=${() => this.command('start')}>▶ Start training</button>`}
        <span class="note" data-testid="train-status">${this.statusText()}</span>
      </div>
      ${this.progress ? this.renderProgress(this.progress) : nothing}
      ${this.error ? html`<div class="error" role="alert" data-testid="train-error">${this.error}</div>` : nothing}
      ${this.result ? html`<div class="result" role="status" data-testid="train-result">${this.result}</div>` : nothing}
      <dw-train-results .view=${this.results}></dw-train-results>
      <p class="note">Training starts from the graph's weights (as Run uses them) and leaves the trained ones in the graph: Run shows
        their maps, Undo goes back to the weights before.</p>
    `;
  }

  private renderProgress(p: TrainProgress) {
    const parts = [
      p.batches ? `Epoch ${p.epoch}/${p.epochs}` : '',
      p.batches ? `batch ${p.batch}/${p.batches}` : '',
      p.imagesPerSecond !== null ? `${p.imagesPerSecond.toFixed(p.imagesPerSecond < 10 ? 1 : 0)} images/s` : '',
      p.etaSeconds !== null ? `ETA ${clock(p.etaSeconds)}` : '',
      p.phase,
    ].filter(Boolean);
    return html`<div class="progress" data-testid="train-progress">
      <progress max="1" value=${p.fraction}></progress>
      <span data-testid="train-progress-text">${parts.join(' · ')}</span>
    </div>`;
  }

  private statusText(): string {
    switch (this.status) {
      case 'loading': return 'preparing…';
      case 'running': return 'training';
      case 'pausing': return 'pausing after this batch…';
      case 'paused': return 'paused';
      case 'stopping': return 'stopping after this batch…';
      case 'done': return 'done';
      case 'stopped': return 'stopped';
      case 'failed': return 'failed';
      default: return '';
    }
  }

  private change(key: string, value: string): void {
    this.fire('train-options', { options: { ...this.fields, [key]: value } });
  }

  private command(name: string): void {
    this.fire('train-command', { name });
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-train-panel': TrainPanel }
}
