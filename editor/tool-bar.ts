/** The toolbar: file, edit and view commands, find, theme; run with its progress and cancel, the GPU-time
 *  heatmap and the activation maps. One row at any width: what does not fit goes into the ⋯ menu (fitRow).
 *  @fires command - detail: { name } (new, open, save, share, undo, redo, arrange, fit, help, theme, run, cancel,
 *    heatmap, maps, train, pretrained, open-model, save-weights, export-pytorch, export-keras)
 *  @fires find - detail: { query }
 *  @fires open-file - detail: { file } */
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

/** The order in which controls leave the row for the ⋯ menu when it is too narrow: lowest first. Run, Maps, Train,
 *  Find and the ⋯ button itself never leave. At 1280 px only the first few go (the brand, ?, the theme). */
const RANK: Record<string, number> = {
  brand: 1, help: 2, theme: 3, pretrained: 4, outline: 5, share: 6, heatmap: 7, arrange: 8, export: 9, 'open-model': 10,
  new: 11, save: 12, open: 13, fit: 14, redo: 15, undo: 16,
};
const RANK_NAMES = new Map(Object.entries(RANK).map(([name, rank]) => [rank, name]));

const EXPORTS = [
  { name: 'save-weights', label: 'deepwire graph with its weights (.json)', title: "One .json file that carries the graph's imported and trained weights: opened by the editor and the CLI (Ctrl+Shift+S)" },
  { name: 'export-pytorch', label: 'PyTorch (.py + .npz weights)', title: 'A PyTorch nn.Module (.py) and its weights (.npz), as deepwire export-pytorch writes them' },
  { name: 'export-keras', label: 'Keras script (.py)', title: 'A Keras functional-API script (.py), as deepwire export-keras writes it' },
];

@customElement('dw-toolbar')
export class ToolBar extends LitElement {
  static override styles = css`
    /* Its own layer above the panels floating on the canvas (the Train panel is z-index 20): the Export menu opens over them. */
    :host {
      position: relative; z-index: 30;
      display: flex; align-items: center; gap: 4px; padding: 5px 8px; flex-wrap: nowrap; overflow: hidden;
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
    [hidden] { display: none !important; }
    .menu { position: relative; display: inline-block; flex: none; }
    /* Fixed: the row clips what overflows it, and a menu must not be clipped with it. */
    .menu [role='menu'] {
      position: fixed; z-index: 30; margin-top: 2px; display: flex; flex-direction: column; min-width: 210px;
      padding: 4px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-panel-bg); box-shadow: 0 4px 14px rgb(0 0 0 / 18%);
    }
    .menu [role='menuitem'] { border: none; text-align: left; background: none; }
    .sep { width: 1px; height: 20px; background: var(--dw-border); margin: 0 4px; }
    button, .brand, .sep { flex: none; }
    input[type='search'] { flex: 0 0 150px; width: 150px; box-sizing: border-box; }
    /* Run and its neighbours at the right end; what the last run did is said in the status bar, whole. */
    .run { margin-left: auto; flex: none; display: flex; align-items: center; gap: 6px; }
    .run [data-testid='run-button'] { font-weight: 600; }
    .run [aria-pressed='true'] { background: var(--dw-accent); color: white; }
    progress { width: 90px; }
  `;

  @property({ attribute: false }) canUndo = false;
  @property({ attribute: false }) canRedo = false;
  @property({ attribute: false }) theme: 'light' | 'dark' = 'light';
  @property({ attribute: false }) names: string[] = [];
  @property({ attribute: false }) running = false;
  /** Progress of the run in flight: what it does, and how far (0–1; null when unknown). */
  @property({ attribute: false }) progress: { text: string; fraction: number | null } | null = null;
  @property({ attribute: false }) heatmap = false;
  @property({ attribute: false }) mapsOpen = false;
  @property({ attribute: false }) trainOpen = false;
  /** A training run is in progress (the Train button says so while its panel is closed). */
  @property({ attribute: false }) training = false;
  @state() private openMenu: '' | 'export' | 'more' = '';
  /** The commands the row has no room for, in the row's order: the ⋯ menu lists them. */
  @state() private overflowed: string[] = [];

  override render() {
    const b = (name: string, label: string, title: string, disabled = false) =>
      html`<button data-testid=${`cmd-${name}`} data-rank=${RANK[name]} title=${title} ?disabled=${disabled} @click=${() => this.command(name)}>${label}</button>`;
    return html`
      <span class="brand" data-rank=${RANK.brand}>deepwire</span>
      ${b('new', 'New', 'Start an empty graph')}
      ${b('open', 'Open…', 'Open a .json graph file (Ctrl+O)')}
      <input type="file" accept=".json,application/json" hidden data-testid="open-file" @change=${this.onFile} />
      <button data-testid="open-model" data-rank=${RANK['open-model']} title="Open a Keras application, a pretrained backbone or an .onnx file (or drop a .onnx on the page)" @click=${() => this.command('open-model')}>Open model…</button>
      ${b('save', 'Save', 'Save the graph as a .json file (Ctrl+S)')}
      <span class="menu" data-rank=${RANK.export} @focusout=${(e: FocusEvent) => this.closeMenu(e, 'export')} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.openMenu = '')}>
        <button data-testid="cmd-export" aria-haspopup="menu" aria-expanded=${this.openMenu === 'export'} title="Export the graph as code for another framework"
          @click=${() => this.flipMenu('export')}>Export ▾</button>
        ${this.openMenu === 'export' ? html`<span role="menu" aria-label="Export">
          ${EXPORTS.map((x) => html`<button role="menuitem" data-testid=${`cmd-${x.name}`} title=${x.title} @click=${() => this.menuCommand(x.name)}>${x.label}</button>`)}
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
      ${b('theme', this.themeLabel(), 'Switch between light and dark')}
      ${b('help', '?', 'Keyboard shortcuts (?)')}
      ${b('pretrained', 'InceptionV3 ✦', 'Open the ImageNet-pretrained InceptionV3 backbone (its real weights)')}
      <span class="menu more" hidden @focusout=${(e: FocusEvent) => this.closeMenu(e, 'more')} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.openMenu = '')}>
        <button data-testid="toolbar-more" aria-haspopup="menu" aria-expanded=${this.openMenu === 'more'} aria-label="More commands"
          title="The commands the toolbar has no room for" @click=${() => this.flipMenu('more')}>⋯</button>
        ${this.openMenu === 'more' ? html`<span role="menu" aria-label="More commands">${this.overflowItems()}</span>` : ''}
      </span>
      <span class="run">
        ${this.running ? html`
          ${this.progress?.fraction != null ? html`<progress max="1" value=${this.progress.fraction} title=${this.progress.text}></progress>` : html`<progress title=${this.progress?.text ?? ''}></progress>`}
          <button data-testid="run-cancel" title="Stop this run (Esc)" @click=${() => this.command('cancel')}>Cancel</button>` : ''}
        <button data-testid="cmd-heatmap" data-rank=${RANK.heatmap} aria-pressed=${this.heatmap} title="Colour the nodes by their GPU time" @click=${() => this.command('heatmap')}>Heatmap</button>
        <button data-testid="cmd-maps" aria-pressed=${this.mapsOpen} title="Show the activation maps of the selected node" @click=${() => this.command('maps')}>Maps</button>
        <button data-testid="train-button" aria-pressed=${this.trainOpen} title="Train the graph on a data set (Keras' compile and fit)" @click=${() => this.command('train')}>${this.training ? 'Training…' : 'Train'}</button>
        <button data-testid="run-button" ?disabled=${this.running} title="Run the graph on the input (Ctrl+Enter)" @click=${() => this.command('run')}>▶ Run</button>
      </span>
    `;
  }

  private themeLabel(): string {
    return this.theme === 'dark' ? '☀ Light' : '☾ Dark';
  }

  /** The ⋯ menu: every command the row hid, in the row's order, with the same words (Export's two as two items). */
  private overflowItems() {
    const item = (name: string, label: string, disabled = false) => html`<button role="menuitem" data-testid=${`more-${name}`} ?disabled=${disabled}
      @click=${() => this.menuCommand(name)}>${label}</button>`;
    const labels: Record<string, () => unknown> = {
      new: () => item('new', 'New'), open: () => item('open', 'Open…'), 'open-model': () => item('open-model', 'Open model…'), save: () => item('save', 'Save'),
      export: () => EXPORTS.map((x) => item(x.name, `Export: ${x.label}`)), share: () => item('share', 'Share link'),
      undo: () => item('undo', 'Undo', !this.canUndo), redo: () => item('redo', 'Redo', !this.canRedo),
      arrange: () => item('arrange', 'Arrange'), fit: () => item('fit', 'Fit'), outline: () => item('outline', 'Outline'),
      theme: () => item('theme', this.themeLabel()), help: () => item('help', 'Keyboard shortcuts'),
      pretrained: () => item('pretrained', 'InceptionV3 ✦ (pretrained)'), heatmap: () => item('heatmap', this.heatmap ? 'Heatmap ✓' : 'Heatmap'),
    };
    return this.overflowed.map((name) => labels[name]?.());
  }

  protected override firstUpdated(): void {
    new ResizeObserver(() => this.fitRow()).observe(this);
  }

  protected override updated(): void {
    this.fitRow();
  }

  /**
   * One row, always: every ranked control is shown, then the lowest ranks are hidden, one at a time, until the
   * row fits (the ⋯ menu shows them). Measured, not guessed: labels, fonts and the buttons other parts add vary.
   */
  private fitRow(): void {
    const more = this.renderRoot.querySelector<HTMLElement>('.more');
    if (!more) return;
    const inRow = [...this.renderRoot.querySelectorAll<HTMLElement>('[data-rank]')];
    for (const el of inRow) el.hidden = false;
    more.hidden = true;
    const overflows = () => this.scrollWidth > this.clientWidth + 0.5;
    if (overflows()) {
      more.hidden = false;
      for (const el of [...inRow].sort((a, b) => Number(a.dataset.rank) - Number(b.dataset.rank))) {
        if (!overflows()) break;
        el.hidden = true;
      }
    }
    const hidden = inRow.filter((el) => el.hidden).map((el) => RANK_NAMES.get(Number(el.dataset.rank))!).filter((name) => name !== 'brand');
    if (hidden.join() !== this.overflowed.join()) this.overflowed = hidden;
    if (!hidden.length && this.openMenu === 'more') this.openMenu = '';
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

  private flipMenu(menu: 'export' | 'more'): void {
    this.openMenu = this.openMenu === menu ? '' : menu;
  }

  private menuCommand(name: string): void {
    this.openMenu = '';
    this.command(name);
  }

  /** A menu closes when the focus leaves it (a click elsewhere, Tab away). */
  private closeMenu(e: FocusEvent, menu: 'export' | 'more'): void {
    const to = e.relatedTarget as Node | null;
    if (this.openMenu === menu && (!to || !(e.currentTarget as HTMLElement).contains(to))) this.openMenu = '';
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
