/** The "Open model" gallery: the Keras applications with their params and FLOPs (counted in a worker,
 *  filled in as they come), the pretrained backbones, and .onnx files from a picker or a drop; shows the
 *  load's progress, and its error, in which case the graph stays as it was.
 *  @fires model-open - detail: OpenedModel, once a model is parsed, laid out and its weights stored */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  openOnnx, openPretrainedBackbone, openZoo, pretrainedRows, zooRows, type LoadProgress, type OpenedModel, type ZooRow,
} from './model-loader.ts';
import { formatCompactCount, formatCount, type ZooOptions } from '../src/index.ts';

@customElement('dw-open-model')
export class OpenModelDialog extends LitElement {
  static override styles = css`
    dialog {
      border: 1px solid var(--dw-border); border-radius: 10px; background: var(--dw-panel-bg); color: var(--dw-fg);
      width: min(760px, 92vw); max-height: 86vh; padding: 0; box-shadow: 0 8px 30px rgb(0 0 0 / 0.3);
    }
    .body { padding: 12px 16px 16px; overflow: auto; max-height: calc(86vh - 20px); box-sizing: border-box; }
    .options { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
    .options label { display: flex; gap: 4px; align-items: center; }
    header { display: flex; align-items: baseline; gap: 10px; }
    h2 { margin: 0; font-size: 16px; flex: 1; }
    h3 { margin: 14px 0 4px; font-size: 13px; }
    h3 span, .muted { font-weight: normal; color: var(--dw-muted); font-size: 12px; }
    button, input[type='search'] {
      padding: 3px 8px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit;
    }
    button:hover:not(:disabled) { background: var(--dw-hover); }
    button:disabled { opacity: 0.5; }
    .close { border: none; background: none; font-size: 18px; cursor: pointer; }
    table { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
    th { text-align: left; font-weight: 600; color: var(--dw-muted); border-bottom: 1px solid var(--dw-border); padding: 3px 6px; }
    td { padding: 2px 6px; border-bottom: 1px solid var(--dw-border); }
    td.num, th.num { text-align: right; }
    td button { min-width: 150px; text-align: left; }
    .status { margin: 8px 0; padding: 8px 10px; border-radius: 6px; background: var(--dw-hover); display: flex; gap: 10px; align-items: center; }
    .status progress { flex: 1; }
    .error { background: var(--dw-error-bg); color: var(--dw-error); border: 1px solid var(--dw-error); }
  `;

  @state() private rows: ZooRow[] = [];
  @state() private filter = '';
  /** keras.applications' include_top and, without the top, pooling. */
  @state() private includeTop = true;
  @state() private pooling: '' | 'avg' | 'max' = '';
  @state() private loading: { what: string; progress: LoadProgress } | null = null;
  @state() private error = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  private abort: AbortController | null = null;

  /** Opens the gallery; the zoo's counts arrive while it is open. */
  async show(): Promise<void> {
    await this.updateComplete;
    this.error = '';
    this.rows = zooRows((rows) => (this.rows = rows));
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** Opens an .onnx file (from the picker or a drop on the page), the gallery showing its progress. */
  async openOnnx(file: File): Promise<void> {
    await this.show();
    await this.load(file.name, (progress, signal) => openOnnx(file, progress, signal));
  }

  override render() {
    const q = this.filter.trim().toLowerCase();
    const rows = this.rows.filter((r) => !q || `${r.name} ${r.family}`.toLowerCase().includes(q));
    const busy = !!this.loading;
    return html`
      <dialog data-testid="open-model-dialog" aria-labelledby="open-model-title" @close=${this.onClose}>
        <div class="body">
          <header>
            <h2 id="open-model-title">Open a model</h2>
            <span class="muted">It replaces the graph: Undo (Ctrl+Z) brings this one back.</span>
            <button class="close" aria-label="Close" @click=${() => this.dialog.close()}>×</button>
          </header>
          ${this.loading ? html`<div class="status" role="status" data-testid="open-progress">
            <span>${this.loading.progress.text}</span>
            ${this.loading.progress.fraction != null ? html`<progress max="1" .value=${this.loading.progress.fraction}></progress>` : html`<progress></progress>`}
            <button data-testid="open-cancel" @click=${() => this.abort?.abort()}>Cancel</button></div>` : nothing}
          ${this.error ? html`<div class="status error" role="alert" data-testid="open-error">${this.error}</div>` : nothing}

          <h3>ONNX <span>(PyTorch and other exports; weights included)</span></h3>
          <button data-testid="open-onnx" ?disabled=${busy} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('[data-testid="onnx-input"]')!.click()}>Open ONNX file…</button>
          <input type="file" accept=".onnx" hidden data-testid="onnx-input" @change=${this.onFile} />
          <span class="muted">or drop a .onnx file anywhere on the page.</span>

          <h3>Pretrained <span>(ImageNet weights, bundled: work offline)</span></h3>
          <table>
            ${pretrainedRows().map((p) => html`<tr>
              <td><button data-testid=${`pretrained-${p.name}`} ?disabled=${busy} @click=${() => this.load(p.name, (progress, signal) => openPretrainedBackbone(p.name, progress, signal))}>${p.name}</button></td>
              <td class="muted">${p.summary}</td></tr>`)}
          </table>

          <h3>Keras applications <span>(random weights; params and FLOPs at the native input size, with the 1000-class top)</span></h3>
          <div class="options">
            <input type="search" placeholder="Filter… (e.g. resnet)" aria-label="Filter the Keras applications" data-testid="model-filter"
              .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
            <label title="include_top=False leaves out the classifier: the model ends at its last feature map, for extracting features">
              <input type="checkbox" data-testid="zoo-include-top" .checked=${this.includeTop} @change=${(e: Event) => (this.includeTop = (e.target as HTMLInputElement).checked)} />
              include_top (the classifier)</label>
            <label>pooling <select data-testid="zoo-pooling" ?disabled=${this.includeTop} @change=${(e: Event) => (this.pooling = (e.target as HTMLSelectElement).value as '' | 'avg' | 'max')}>
              ${(['', 'avg', 'max'] as const).map((p) => html`<option value=${p} ?selected=${p === this.pooling}>${p || 'None (4-D features)'}</option>`)}
            </select></label>
          </div>
          <table data-testid="zoo-table">
            <thead><tr><th>Model</th><th>Family</th><th class="num">Input</th><th class="num">Params</th><th class="num">FLOPs</th><th class="num">Nodes</th></tr></thead>
            <tbody>${rows.map((r) => html`<tr data-testid="zoo-row">
              <td><button data-testid=${`zoo-${r.name}`} ?disabled=${busy} @click=${() => this.load(r.name, (progress, signal) => openZoo(r.name, progress, signal, this.zooOptions()))}>${r.name}</button></td>
              <td>${r.family}</td>
              <td class="num">${r.inputSize}×${r.inputSize}×3</td>
              <td class="num" data-testid=${`zoo-params-${r.name}`}>${r.params !== undefined ? formatCount(r.params) : '…'}</td>
              <td class="num" data-testid=${`zoo-flops-${r.name}`} title=${r.flops !== undefined ? `${formatCount(r.flops)} (1 multiply-add = 2)` : 'counting…'}>${r.flops !== undefined ? formatCompactCount(r.flops) : '…'}</td>
              <td class="num">${r.nodes ?? '…'}</td></tr>`)}
            </tbody>
          </table>
        </div>
      </dialog>
    `;
  }

  private onFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.openOnnx(file);
  }

  /** One load at a time; on success the gallery closes and the shell takes the model. */
  private zooOptions(): ZooOptions {
    return this.includeTop ? {} : { include_top: false, pooling: this.pooling || null };
  }

  private async load(what: string, start: (progress: (p: LoadProgress) => void, signal: AbortSignal) => Promise<OpenedModel>): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.error = '';
    this.loading = { what, progress: { text: `Opening ${what}…`, fraction: null } };
    try {
      const model = await start((progress) => abort.signal.aborted || (this.loading = { what, progress }), abort.signal);
      if (abort.signal.aborted) return;
      this.abort = null;
      this.dispatchEvent(new CustomEvent<OpenedModel>('model-open', { detail: model, bubbles: true, composed: true }));
      this.dialog.close();
    } catch (e) {
      if (abort.signal.aborted) return;
      const error = e as Error & { hint?: string };
      this.error = `Could not open ${what}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}. Your graph is unchanged.`;
    } finally {
      if (this.abort === abort || !this.abort) this.loading = null;
      if (this.abort === abort) this.abort = null;
    }
  }

  private onClose(): void {
    this.abort?.abort();
    this.abort = null;
    this.loading = null;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-open-model': OpenModelDialog }
}
