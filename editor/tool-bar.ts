/** The toolbar: file, edit and view commands, find, theme; run with its progress and cancel, the GPU-time
 *  heatmap and the activation maps.
 *  @fires command - detail: { name } (new, open, save, share, undo, redo, arrange, fit, help, theme, run, cancel,
 *    heatmap, maps, train, pretrained, open-model, save-weights, export-pytorch, export-keras)
 *  @fires find - detail: { query }
 *  @fires open-file - detail: { file } */
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

@customElement('dw-toolbar')
export class ToolBar extends LitElement {
  static override styles = css`
    /* Its own layer above the panels floating on the canvas (the Train panel is z-index 20): the Export menu opens over them. */
    :host {
      position: relative; z-index: 30;
      display: flex; align-items: center; gap: 4px; padding: 5px 8px; flex-wrap: wrap;
      border-bottom: 1px solid var(--dw-border); background: var(--dw-panel-bg);
    }
    .brand { font-weight: 700; margin-right: 8px; }
    button, input {
      padding: 4px 9px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-input-bg);
      color: var(--dw-fg); font: inherit; font-size: 13px;
    }
    button { white-space: nowrap; }
    button:hover:not(:disabled) { background: var(--dw-hover); }
    button:disabled { opacity: 0.45; }
    .menu { position: relative; display: inline-block; }
    .menu [role='menu'] {
      position: absolute; top: 100%; left: 0; z-index: 20; margin-top: 2px; display: flex; flex-direction: column; min-width: 210px;
      padding: 4px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-panel-bg); box-shadow: 0 4px 14px rgb(0 0 0 / 18%);
    }
    .menu [role='menuitem'] { border: none; text-align: left; background: none; }
    .sep { width: 1px; height: 20px; background: var(--dw-border); margin: 0 4px; }
    input[type='search'] { flex: 0 1 170px; min-width: 90px; }
    /* The run group takes what the row leaves: a long run summary is cut (its title has it whole)
       instead of wrapping the toolbar onto a second row when a run ends. */
    .run { margin-left: auto; flex: 1 1 0; min-width: 220px; display: flex; align-items: center; justify-content: flex-end; gap: 6px; }
    .run [data-testid='run-button'] { font-weight: 600; }
    .run [aria-pressed='true'] { background: var(--dw-accent); color: white; }
    progress { width: 90px; }
    .progress, .summary { font-size: 12px; color: var(--dw-muted); flex: 0 1 auto; min-width: 0; max-width: 420px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  `;

  @property({ attribute: false }) canUndo = false;
  @property({ attribute: false }) canRedo = false;
  @property({ attribute: false }) theme: 'light' | 'dark' = 'light';
  @property({ attribute: false }) names: string[] = [];
  @property({ attribute: false }) running = false;
  /** Progress of the run in flight: what it does, and how far (0–1; null when unknown). */
  @property({ attribute: false }) progress: { text: string; fraction: number | null } | null = null;
  /** What the last run did, e.g. "ran 2 of 14 nodes (12 reused) · 35 ms". */
  @property({ attribute: false }) runSummary = '';
  @property({ attribute: false }) heatmap = false;
  @property({ attribute: false }) mapsOpen = false;
  @property({ attribute: false }) trainOpen = false;
  /** A training run is in progress (the Train button says so while its panel is closed). */
  @property({ attribute: false }) training = false;
  @state() private exportOpen = false;

  override render() {
    const b = (name: string, label: string, title: string, disabled = false) =>
      html`<button data-testid=${`cmd-${name}`} title=${title} ?disabled=${disabled} @click=${() => this.command(name)}>${label}</button>`;
    return html`
      <span class="brand">deepwire</span>
      ${b('new', 'New', 'Start an empty graph')}
      ${b('open', 'Open…', 'Open a .json graph file (Ctrl+O)')}
      <input type="file" accept=".json,application/json" hidden data-testid="open-file" @change=${this.onFile} />
      <button data-testid="open-model" title="Open a Keras application, a pretrained backbone or an .onnx file (or drop a .onnx on the page)" @click=${() => this.command('open-model')}>Open model…</button>
      ${b('save', 'Save', 'Save the graph as a .json file (Ctrl+S)')}
      <span class="menu" @focusout=${(e: FocusEvent) => this.closeExportMenu(e)} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.exportOpen = false)}>
        <button data-testid="cmd-export" aria-haspopup="menu" aria-expanded=${this.exportOpen} title="Export the graph as code for another framework"
          @click=${() => (this.exportOpen = !this.exportOpen)}>Export ▾</button>
        ${this.exportOpen ? html`<span role="menu" aria-label="Export">
          <button role="menuitem" data-testid="cmd-save-weights" title="One .json file that carries the graph's imported and trained weights: opened by the editor and the CLI (Ctrl+Shift+S)"
            @click=${() => this.exportCommand('save-weights')}>deepwire graph with its weights (.json)</button>
          <button role="menuitem" data-testid="cmd-export-pytorch" title="A PyTorch nn.Module (.py) and its weights (.npz), as deepwire export-pytorch writes them"
            @click=${() => this.exportCommand('export-pytorch')}>PyTorch (.py + .npz weights)</button>
          <button role="menuitem" data-testid="cmd-export-keras" title="A Keras functional-API script (.py), as deepwire export-keras writes it"
            @click=${() => this.exportCommand('export-keras')}>Keras script (.py)</button>
        </span>` : ''}
      </span>
      ${b('share', 'Share link', 'Copy a link that carries the whole graph')}
      <span class="sep"></span>
      ${b('undo', 'Undo', 'Undo (Ctrl+Z)', !this.canUndo)}
      ${b('redo', 'Redo', 'Redo (Ctrl+Shift+Z)', !this.canRedo)}
      <span class="sep"></span>
      ${b('arrange', 'Arrange', 'Auto-arrange with ELK (L)')}
      ${b('fit', 'Fit', 'Fit the graph in view (F)')}
      <input type="search" list="dw-names" placeholder="Find… (Ctrl+F)" aria-label="Find a node by name or op" data-testid="find"
        @keydown=${(e: KeyboardEvent) => this.findKey(e)} />
      <datalist id="dw-names">${this.names.map((n) => html`<option value=${n}></option>`)}</datalist>
      <span class="sep"></span>
      ${b('outline', 'Outline', 'Show the graph as a table instead of the canvas (for screen readers)')}
      ${b('theme', this.theme === 'dark' ? '☀ Light' : '☾ Dark', 'Switch between light and dark')}
      ${b('help', '?', 'Keyboard shortcuts (?)')}
      ${b('pretrained', 'InceptionV3 ✦', 'Open the ImageNet-pretrained InceptionV3 backbone (its real weights)')}
      <span class="run">
        ${this.running ? html`
          <span class="progress" data-testid="run-progress" role="status">${this.progress?.text ?? 'running…'}</span>
          ${this.progress?.fraction != null ? html`<progress max="1" value=${this.progress.fraction}></progress>` : html`<progress></progress>`}
          <button data-testid="run-cancel" title="Stop this run (Esc)" @click=${() => this.command('cancel')}>Cancel</button>`
        : html`<span class="summary" data-testid="run-summary" title=${this.runSummary}>${this.runSummary}</span>`}
        <button data-testid="cmd-heatmap" aria-pressed=${this.heatmap} title="Colour the nodes by their GPU time" @click=${() => this.command('heatmap')}>Heatmap</button>
        <button data-testid="cmd-maps" aria-pressed=${this.mapsOpen} title="Show the activation maps of the selected node" @click=${() => this.command('maps')}>Maps</button>
        <button data-testid="train-button" aria-pressed=${this.trainOpen} title="Train the graph on a data set (Keras' compile and fit)" @click=${() => this.command('train')}>${this.training ? 'Training…' : 'Train'}</button>
        <button data-testid="run-button" ?disabled=${this.running} title="Run the graph on the input (Ctrl+Enter)" @click=${() => this.command('run')}>▶ Run</button>
      </span>
    `;
  }

  focusFind(): void {
    this.renderRoot.querySelector<HTMLInputElement>('[data-testid="find"]')?.focus();
  }

  /** Enter finds (again: the next match); Escape hands the keys back to the editor's shortcuts. */
  private findKey(e: KeyboardEvent): void {
    const input = e.target as HTMLInputElement;
    if (e.key === 'Enter') this.fire('find', { query: input.value });
    if (e.key === 'Escape') input.blur();
  }

  private exportCommand(name: string): void {
    this.exportOpen = false;
    this.command(name);
  }

  /** The menu closes when the focus leaves it (a click elsewhere, Tab away). */
  private closeExportMenu(e: FocusEvent): void {
    const to = e.relatedTarget as Node | null;
    if (!to || !(e.currentTarget as HTMLElement).contains(to)) this.exportOpen = false;
  }

  openFilePicker(): void {
    this.renderRoot.querySelector<HTMLInputElement>('[data-testid="open-file"]')?.click();
  }

  private command(name: string): void {
    if (name === 'open') return this.openFilePicker();
    this.fire('command', { name });
  }

  private onFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this.fire('open-file', { file });
    input.value = '';
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-toolbar': ToolBar }
}
