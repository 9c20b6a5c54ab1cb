/** The editor: owns the graph (the source of truth), its analysis, the undo history and persistence;
 *  lays out toolbar, palette, canvas, inspector, summary and status bar, and turns their events into edits. */
import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  ACTIVATIONS, BLOCKS, CATEGORIES, INITIALIZERS, OPS, acquireDevice, analyzeGraph, blockDefaults, findBlock, findOp, formatShape,
  runSelfTest, type BlockParamValue, type GraphFile, type GraphReport,
} from '../src/index.ts';
import demoGraph from '../examples/inception-3a.json';
import {
  addNode, addNodes, cloneNodes, emptyGraph, extractNodes, moveNodes, removeNodes, rename, setAttr, setInputs, takenNames, type Position,
} from './graph-edits.ts';
import { GraphHistory } from './history.ts';
import { layeredLayout, placeUnplaced } from './layout.ts';
import { acceptGraph, autosave, downloadGraph, parseGraph, readShareHash, restoreAutosave, shareHash, type Loaded } from './persistence.ts';
import { compact, type GraphCanvas, type QuickAddItem } from './graph-canvas.ts';
import type { AttrInspector, InspectedNode } from './attr-inspector.ts';
import type { BlockForm } from './block-dialog.ts';
import type { PaletteItem } from './op-palette.ts';
import type { SummaryRow } from './summary-table.ts';
import type { DeviceState } from './status-bar.ts';
import type { ToolBar } from './tool-bar.ts';
import type { OpPalette } from './op-palette.ts';
import './graph-canvas.ts';
import './op-palette.ts';
import './attr-inspector.ts';
import './summary-table.ts';
import './status-bar.ts';
import './tool-bar.ts';
import './block-dialog.ts';
import './shortcut-sheet.ts';

const THEME_KEY = 'deepwire.theme';
const count = (n: number) => n.toLocaleString('en-US');

const SHORTCUTS: [string, string][] = [
  ['Ctrl+Z', 'undo'], ['Ctrl+Shift+Z Ctrl+Y', 'redo'],
  ['Delete Backspace', 'delete the selected nodes'], ['Ctrl+C Ctrl+X Ctrl+V', 'copy, cut, paste (links inside the selection kept)'],
  ['Ctrl+D', 'duplicate the selection'], ['Ctrl+A', 'select all'], ['Ctrl+click', 'add a node to the selection'],
  ['F', 'fit the graph in view'], ['L', 'auto-arrange (ELK)'], ['Ctrl+F', 'find a node by name or op'], ['/', 'search the palette'],
  ['Ctrl+S', 'save as .json'], ['Ctrl+O', 'open a .json file'], ['Right-click', 'quick add on the canvas; delete or duplicate on a node'],
  ['← →', 'to an input, to a consumer of the selected node'], ['↑ ↓', 'previous, next node'], ['Enter', 'edit the selected node'],
  ['Esc', 'clear the selection, close dialogs'], ['?', 'this sheet'],
];

const PALETTE: PaletteItem[] = [
  ...CATEGORIES.flatMap((category) => OPS.filter((op) => op.category === category)
    .map((op) => ({ kind: 'op' as const, type: op.type, label: op.type, category, summary: op.summary }))),
  ...BLOCKS.map((b) => ({ kind: 'block' as const, type: b.type, label: b.title, category: 'Blocks', summary: b.summary })),
];
const QUICK_ADD: QuickAddItem[] = PALETTE.map(({ kind, type, label }) => ({ kind, type, label }));

export interface Summary {
  rows: SummaryRow[];
  totals: GraphReport['totals'];
  problems: string[];
  /** model.summary() as Keras prints it, plus FLOPs. */
  text: string;
}

declare global {
  interface Window {
    deepwire: { getGraph(): GraphFile; loadGraph(json: string | GraphFile): Loaded; summary(): Summary };
  }
}

@customElement('dw-app')
export class AppShell extends LitElement {
  static override styles = css`
    :host {
      display: grid; height: 100vh; color: var(--dw-fg); background: var(--dw-bg); font: 13px/1.4 system-ui, sans-serif;
      grid-template-columns: 240px minmax(0, 1fr) 300px; grid-template-rows: auto minmax(0, 1fr) 210px auto;
      grid-template-areas: 'bar bar bar' 'palette canvas inspector' 'palette summary inspector' 'status status status';
    }
    dw-toolbar { grid-area: bar; }
    dw-palette { grid-area: palette; border-right: 1px solid var(--dw-border); background: var(--dw-panel-bg); }
    .canvas { grid-area: canvas; position: relative; min-height: 0; }
    dw-canvas { position: absolute; inset: 0; }
    dw-inspector { grid-area: inspector; border-left: 1px solid var(--dw-border); background: var(--dw-panel-bg); }
    dw-summary { grid-area: summary; border-top: 1px solid var(--dw-border); background: var(--dw-panel-bg); }
    dw-status-bar { grid-area: status; }
    /* Outline view: the summary table (a screen reader's way through the graph) replaces the canvas. */
    :host([outline]) { grid-template-areas: 'bar bar bar' 'palette summary inspector' 'palette summary inspector' 'status status status'; }
    :host([outline]) .canvas { display: none; }
    .message {
      position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 10; max-width: 70%;
      padding: 7px 12px; border-radius: 6px; box-shadow: 0 3px 12px rgb(0 0 0 / 0.2); display: flex; gap: 10px; align-items: start;
      background: var(--dw-panel-bg); border: 1px solid var(--dw-border);
    }
    .message.error { background: var(--dw-error-bg); color: var(--dw-error); border-color: var(--dw-error); }
    .message button { border: none; background: none; color: inherit; cursor: pointer; font-size: 15px; padding: 0; }
  `;

  @state() private graph: GraphFile = emptyGraph();
  @state() private report: GraphReport = analyzeGraph(emptyGraph());
  @state() private selected: string[] = [];
  @state() private theme: 'light' | 'dark' = 'light';
  @state() private message: { kind: 'info' | 'error'; text: string } | null = null;
  @state() private blockForm: (BlockForm & { position?: Position }) | null = null;
  @state() private shortcutsOpen = false;
  @state() private outline = false;
  @state() private adapter: DeviceState = { state: 'pending', text: 'Looking for a WebGPU adapter…' };
  @state() private selfTest: DeviceState = { state: 'pending', text: 'Compute self-test: waiting for a device.' };
  @query('dw-canvas') private canvas!: GraphCanvas;
  @query('dw-toolbar') private toolbar!: ToolBar;
  @query('dw-palette') private palette!: OpPalette;
  @query('dw-inspector') private inspector!: AttrInspector;

  /** The last share link made, for scripts and tests (the clipboard may be closed to them). */
  lastShareUrl = '';
  private history = new GraphHistory();
  private clipboard: GraphFile['nodes'] = [];
  private pasteCount = 0;
  private messageTimer = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.theme = (localStorage.getItem(THEME_KEY) as 'light' | 'dark' | null)
      ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    document.documentElement.dataset.theme = this.theme;
    window.addEventListener('keydown', this.onKey);
    window.deepwire = {
      getGraph: () => structuredClone(this.graph),
      loadGraph: (json) => this.load(typeof json === 'string' ? parseGraph(json) : acceptGraph(json), true),
      summary: () => this.summary(),
    };
    void this.start();
    void this.probeWebGpu();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKey);
    super.disconnectedCallback();
  }

  /** A share link wins, then the autosave, then the demo; a bad link says so and opens the autosave. */
  private async start(): Promise<void> {
    const fromLink = await readShareHash(location.hash);
    if (fromLink) history.replaceState(null, '', location.pathname + location.search);
    if (fromLink?.ok) {
      this.load(fromLink, false);
      this.say('info', 'Opened the graph from the link.');
      return;
    }
    if (fromLink && !fromLink.ok) this.say('error', `Could not open the link: ${fromLink.message}`);
    const saved = restoreAutosave();
    this.load(saved ? { ok: true, graph: saved } : acceptGraph(demoGraph), false);
  }

  private async probeWebGpu(): Promise<void> {
    const info = await acquireDevice().catch((e: Error) => {
      this.adapter = { state: 'fail', text: `Requesting a WebGPU device failed: ${e.message}` };
      return undefined;
    });
    if (info === undefined) return;
    if (!info) {
      this.adapter = { state: 'fail', text: 'No WebGPU adapter found: use a Chromium-based browser (Chrome 113+) over http://127.0.0.1 or https; on Linux without a GPU start it with --enable-unsafe-webgpu.' };
      this.selfTest = { state: 'fail', text: 'Compute self-test: not run (no device).' };
      return;
    }
    this.adapter = { state: 'ok', text: `WebGPU adapter found: ${info.description}` };
    try {
      const { input, output, ms } = await runSelfTest(info.device);
      const correct = output.length === input.length && output.every((y, i) => y === 2 * input[i] + 1);
      this.selfTest = {
        state: correct ? 'ok' : 'fail',
        text: `Compute self-test: y = 2x + 1 over x = 0…${input.length - 1} gave [${[...output.subarray(0, 5)].join(', ')}, …, ${output[output.length - 1]}]: ${correct ? 'correct' : 'WRONG'} (${ms.toFixed(1)} ms)`,
      };
    } catch (e) {
      this.selfTest = { state: 'fail', text: `Compute self-test failed: ${(e as Error).message}` };
    }
  }

  override render() {
    const inspected = this.inspected();
    const rows = this.rows();
    const graphProblems = this.report.problems.filter((p) => !p.node).map((p) => p.message);
    const nodeProblems = this.report.problems.filter((p) => p.node).map((p) => `${this.report.byId.get(p.node!)?.name ?? p.node}: ${p.message}`);
    return html`
      <dw-toolbar .canUndo=${this.history.canUndo} .canRedo=${this.history.canRedo} .theme=${this.theme}
        .names=${this.report.nodes.map((n) => n.name)}
        @command=${(e: CustomEvent<{ name: string }>) => this.runCommand(e.detail.name)}
        @find=${(e: CustomEvent<{ query: string }>) => this.find(e.detail.query)}
        @open-file=${(e: CustomEvent<{ file: File }>) => this.openFile(e.detail.file)}></dw-toolbar>
      <dw-palette .items=${PALETTE} @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string }>) => this.addItem(e.detail.kind, e.detail.type)}></dw-palette>
      <div class="canvas">
        <dw-canvas .graph=${this.graph} .report=${this.report} .quickAdd=${QUICK_ADD}
          @rewire=${(e: CustomEvent<{ inputs: Record<string, string[]> }>) => this.rewire(e.detail.inputs)}
          @nodes-moved=${(e: CustomEvent<{ positions: Record<string, Position> }>) => this.commit(moveNodes(this.graph, e.detail.positions))}
          @selection-change=${(e: CustomEvent<{ ids: string[] }>) => (this.selected = e.detail.ids)}
          @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string; position: Position }>) => this.addItem(e.detail.kind, e.detail.type, e.detail.position)}
          @node-command=${(e: CustomEvent<{ command: string; id: string }>) => this.nodeCommand(e.detail.command, e.detail.id)}></dw-canvas>
        ${this.message ? html`<div class="message ${this.message.kind}" role=${this.message.kind === 'error' ? 'alert' : 'status'} data-testid="message">
          <span>${this.message.text}</span><button aria-label="Dismiss" @click=${() => (this.message = null)}>×</button></div>` : null}
      </div>
      <dw-inspector .node=${inspected} .selectedCount=${this.selected.length} .activations=${Object.keys(ACTIVATIONS)} .initializers=${[...INITIALIZERS]}
        @attr-change=${(e: CustomEvent<{ id: string; key: string; value: unknown }>) => this.commit(setAttr(this.graph, e.detail.id, e.detail.key, e.detail.value))}
        @rename=${(e: CustomEvent<{ id: string; name: string }>) => this.commit(rename(this.graph, e.detail.id, e.detail.name))}></dw-inspector>
      <dw-summary .rows=${rows} .totals=${this.report.totals} @focus-node=${(e: CustomEvent<{ id: string }>) => this.canvas.focusNode(e.detail.id)}></dw-summary>
      <dw-status-bar .nodes=${this.graph.nodes.length} .params=${this.report.totals.params} .flops=${this.report.totals.flops}
        .problems=${[...graphProblems, ...nodeProblems]} .adapter=${this.adapter} .selfTest=${this.selfTest}></dw-status-bar>
      <dw-block-dialog .block=${this.blockForm} @close=${() => (this.blockForm = null)}
        @insert-block=${(e: CustomEvent<{ type: string; values: Record<string, BlockParamValue> }>) => this.insertBlock(e.detail.type, e.detail.values, this.blockForm?.position)}></dw-block-dialog>
      <dw-shortcuts .open=${this.shortcutsOpen} .shortcuts=${SHORTCUTS} @close=${() => (this.shortcutsOpen = false)}></dw-shortcuts>
    `;
  }

  // ── the model ────────────────────────────────────────────────────────────

  /** Every edit goes through here: one undo step, a fresh analysis, an autosave. */
  private commit(next: GraphFile): void {
    if (JSON.stringify(next) === JSON.stringify(this.graph)) return;
    this.history.record(this.graph);
    this.show(next);
  }

  private show(graph: GraphFile): void {
    this.graph = graph;
    this.report = analyzeGraph(graph);
    autosave(graph);
  }

  /** Loads a checked graph; `undoable` keeps the current one a step back. A failure leaves the graph as it is. */
  private load(loaded: Loaded, undoable: boolean): Loaded {
    if (!loaded.ok) {
      this.say('error', `Not opened: ${loaded.message}. Your graph is unchanged.`);
      return loaded;
    }
    const graph = { ...loaded.graph, nodes: placeUnplaced(loaded.graph.nodes) };
    if (undoable) this.commit(graph);
    else this.show(graph);
    void this.updateComplete.then(() => this.canvas.fit());
    return { ok: true, graph: structuredClone(graph) };
  }

  private say(kind: 'info' | 'error', text: string): void {
    this.message = { kind, text };
    clearTimeout(this.messageTimer);
    if (kind === 'info') this.messageTimer = window.setTimeout(() => (this.message = null), 4000);
  }

  private rows(): SummaryRow[] {
    return this.report.nodes.map((n) => ({
      id: n.id, name: n.name, op: n.op, shape: n.shape ? formatShape(n.shape) : '?',
      params: n.params.trainable + n.params.nonTrainable, flops: n.flops,
      inputs: n.inputs.map((i) => this.report.byId.get(i)?.name ?? i),
      error: n.problems[0]?.message ?? null,
    }));
  }

  private summary(): Summary {
    const rows = this.rows();
    const t = this.report.totals;
    const line = '─'.repeat(96);
    const pad = (s: string, n: number) => s.padEnd(n).slice(0, n);
    const text = [
      `Model: "${this.graph.name ?? 'untitled'}"`, line,
      `${pad('Layer (type)', 36)}${pad('Output Shape', 22)}${'Param #'.padStart(12)}${'FLOPs'.padStart(16)}`, line,
      ...rows.map((r) => `${pad(`${r.name} (${r.op})`, 36)}${pad(`(None, ${r.shape.split('×').join(', ')})`, 22)}${count(r.params).padStart(12)}${count(r.flops).padStart(16)}`),
      line, `Total params: ${count(t.params)}`, `Trainable params: ${count(t.trainable)}`, `Non-trainable params: ${count(t.nonTrainable)}`,
      `FLOPs (1 multiply-add = 2): ${count(t.flops)}`,
    ].join('\n');
    return { rows, totals: { ...t }, problems: this.report.problems.map((p) => p.message), text };
  }

  private inspected(): InspectedNode | null {
    if (this.selected.length !== 1) return null;
    const node = this.graph.nodes.find((n) => n.id === this.selected[0]);
    const r = this.report.byId.get(this.selected[0]);
    if (!node || !r) return null;
    const def = findOp(node.op);
    return {
      id: node.id, op: r.op, name: r.name, summary: def?.summary ?? 'unknown op',
      raw: node.attrs ?? {}, resolved: r.attrs, spec: def?.attrs ?? {},
      problems: r.problems.map((p) => ({ message: p.message, hint: p.hint })),
      shape: r.shape ? formatShape(r.shape) : '?', params: count(r.params.trainable + r.params.nonTrainable), flops: compact(r.flops),
    };
  }

  // ── edits ────────────────────────────────────────────────────────────────

  private addItem(kind: 'op' | 'block', type: string, position?: Position): void {
    if (kind === 'block') return this.askBlock(type, position);
    const anchor = !position && this.selected.length === 1 ? this.graph.nodes.find((n) => n.id === this.selected[0]) : undefined;
    const def = findOp(type);
    // A click with one node selected continues the chain from it; a drop lands where it was dropped.
    const chain = anchor && def && def.arity.max > 0;
    const at = position ?? (chain && anchor?.layout ? { x: anchor.layout.x + 300, y: anchor.layout.y } : this.canvas.viewCentre());
    const { graph, id } = addNode(this.graph, type, { x: Math.round(at.x), y: Math.round(at.y) }, {}, chain ? [anchor!.id] : []);
    this.commit(graph);
    void this.selectSoon([id]);
  }

  private anchorForBlock(): { id: string; name: string; shape: number[] } | null {
    if (this.selected.length !== 1) return null;
    const r = this.report.byId.get(this.selected[0]);
    return r?.shape ? { id: r.id, name: r.name, shape: [...r.shape] } : null;
  }

  private askBlock(type: string, position?: Position): void {
    const block = findBlock(type);
    if (!block) return;
    const anchor = this.anchorForBlock();
    this.blockForm = {
      type, title: block.title, summary: block.summary, params: block.params, position,
      attachTo: anchor ? `${anchor.name} (${formatShape(anchor.shape)})` : `a new Input of ${formatShape(block.defaultInput)}`,
    };
  }

  /** A block is one undo step: its Input (when nothing is selected) and all its nodes arrive together. */
  insertBlock(type: string, values: Record<string, BlockParamValue>, position?: Position): string[] {
    const block = findBlock(type);
    if (!block) return [];
    const anchor = this.anchorForBlock();
    let graph = this.graph;
    let input: string, inputShape: number[], origin: Position;
    if (anchor) {
      const at = this.graph.nodes.find((n) => n.id === anchor.id)?.layout ?? { x: 0, y: 0 };
      input = anchor.id;
      inputShape = anchor.shape;
      origin = { x: at.x + 300, y: at.y };
    } else {
      const at = position ?? this.canvas.viewCentre();
      const added = addNode(graph, 'Input', at, { shape: block.defaultInput });
      graph = added.graph;
      input = added.id;
      inputShape = block.defaultInput;
      origin = { x: at.x + 300, y: at.y };
    }
    const built = block.build({ ...blockDefaults(block), ...values }, { input, inputShape, taken: takenNames(graph) });
    const positions = layeredLayout(built.nodes, origin);
    graph = addNodes(graph, built.nodes.map((n) => ({ ...n, layout: positions[n.id] })));
    this.commit(graph);
    this.blockForm = null;
    void this.selectSoon([built.output]);
    return built.nodes.map((n) => n.id);
  }

  private rewire(inputs: Record<string, string[]>): void {
    let g = this.graph;
    for (const [target, sources] of Object.entries(inputs)) g = setInputs(g, target, sources);
    this.commit(g);
  }

  private nodeCommand(command: string, id: string): void {
    const ids = this.selected.includes(id) ? this.selected : [id];
    if (command === 'delete') this.commit(removeNodes(this.graph, ids));
    if (command === 'duplicate') this.duplicate(ids);
  }

  private duplicate(ids: string[]): void {
    if (!ids.length) return;
    const nodes = this.graph.nodes.filter((n) => ids.includes(n.id));
    const { graph, ids: fresh } = cloneNodes(this.graph, nodes, { x: 40, y: 40 }, true);
    this.commit(graph);
    void this.selectSoon(fresh);
  }

  private copy(): void {
    if (!this.selected.length) return;
    this.clipboard = extractNodes(this.graph, this.selected);
    this.pasteCount = 0;
    navigator.clipboard?.writeText(JSON.stringify({ deepwireNodes: this.clipboard })).catch(() => undefined);
  }

  private paste(): void {
    if (!this.clipboard.length) return;
    this.pasteCount++;
    const { graph, ids } = cloneNodes(this.graph, this.clipboard, { x: 40 * this.pasteCount, y: 40 * this.pasteCount });
    this.commit(graph);
    void this.selectSoon(ids);
  }

  /** Selects nodes once the canvas shows the graph just committed. */
  private async selectSoon(ids: string[]): Promise<void> {
    await this.updateComplete;
    await this.canvas.select(ids);
  }

  private undo(): void {
    const prev = this.history.undo(this.graph);
    if (prev) this.show(prev);
  }

  private redo(): void {
    const next = this.history.redo(this.graph);
    if (next) this.show(next);
  }

  /** Keyboard walk: right to a consumer, left to an input, up and down through the graph's order. */
  private step(direction: string, from: string): void {
    const nodes = this.graph.nodes;
    const here = nodes.findIndex((n) => n.id === from);
    const target = direction === 'right' ? nodes.find((n) => n.inputs?.includes(from))?.id
      : direction === 'left' ? nodes[here]?.inputs?.[0]
      : nodes[here + (direction === 'down' ? 1 : -1)]?.id;
    if (target) void this.canvas.focusNode(target);
  }

  private find(query: string): void {
    const q = query.trim().toLowerCase();
    if (!q) return;
    const nodes = this.report.nodes;
    const matches = [
      ...nodes.filter((n) => n.name.toLowerCase() === q),
      ...nodes.filter((n) => n.name.toLowerCase() !== q && `${n.name} ${n.op} ${n.id}`.toLowerCase().includes(q)),
    ];
    if (!matches.length) return this.say('info', `No node matches “${query}”.`);
    // Enter again moves on to the next match.
    const current = matches.findIndex((n) => this.selected.length === 1 && n.id === this.selected[0]);
    void this.canvas.focusNode(matches[(current + 1) % matches.length].id);
  }

  private async openFile(file: File): Promise<void> {
    const loaded = this.load(parseGraph(await file.text()), true);
    if (loaded.ok) this.say('info', `Opened ${file.name}.`);
  }

  private async share(): Promise<void> {
    const result = await shareHash(this.graph);
    if (!result.ok) return this.say('error', result.message);
    const url = `${location.origin}${location.pathname}${result.hash}`;
    const copied = await navigator.clipboard?.writeText(url).then(() => true, () => false);
    this.say('info', copied ? 'Share link copied to the clipboard.' : `Share link: ${url}`);
    this.lastShareUrl = url;
  }

  private async runCommand(name: string): Promise<void> {
    switch (name) {
      case 'new':
        this.commit(emptyGraph());
        return this.canvas.resetView();
      case 'save': return downloadGraph(this.graph);
      case 'share': return this.share();
      case 'undo': return this.undo();
      case 'redo': return this.redo();
      case 'fit': return this.canvas.fit();
      case 'arrange': return this.commit(moveNodes(this.graph, await this.canvas.autoArrange()));
      case 'help': this.shortcutsOpen = true; return;
      case 'outline':
        this.outline = !this.outline;
        this.toggleAttribute('outline', this.outline);
        return;
      case 'theme':
        this.theme = this.theme === 'dark' ? 'light' : 'dark';
        document.documentElement.dataset.theme = this.theme;
        localStorage.setItem(THEME_KEY, this.theme);
        return;
    }
  }

  private onKey = (e: KeyboardEvent): void => {
    const target = e.composedPath()[0] as HTMLElement;
    if (target.closest?.('input, textarea, select, [contenteditable], dialog') || this.blockForm || this.shortcutsOpen) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    const act = (fn: () => void) => {
      e.preventDefault();
      fn();
    };
    if (mod && key === 'z') return act(() => (e.shiftKey ? this.redo() : this.undo()));
    if (mod && key === 'y') return act(() => this.redo());
    if (mod && key === 'c') return act(() => this.copy());
    if (mod && key === 'x') return act(() => (this.copy(), this.commit(removeNodes(this.graph, this.selected))));
    if (mod && key === 'v') return act(() => this.paste());
    if (mod && key === 'd') return act(() => this.duplicate(this.selected));
    if (mod && key === 'a') return act(() => void this.selectSoon(this.graph.nodes.map((n) => n.id)));
    if (mod && key === 's') return act(() => downloadGraph(this.graph));
    if (mod && key === 'o') return act(() => this.toolbar.openFilePicker());
    if (mod && key === 'f') return act(() => this.toolbar.focusFind());
    if (mod || e.altKey) return;
    if (key === 'delete' || key === 'backspace') return act(() => this.commit(removeNodes(this.graph, this.selected)));
    if (key === 'f') return act(() => void this.canvas.fit());
    if (key === 'l') return act(() => void this.runCommand('arrange'));
    if (key === '/') return act(() => this.palette.focusSearch());
    if (e.key === '?') return act(() => (this.shortcutsOpen = true));
    if (key === 'escape') return act(() => void this.selectSoon([]));
    if (key === 'enter' && this.selected.length === 1) return act(() => this.inspector.focusFirst());
    if (key.startsWith('arrow') && this.selected.length === 1) return act(() => this.step(key.slice(5), this.selected[0]));
  };
}

declare global {
  interface HTMLElementTagNameMap { 'dw-app': AppShell }
}
