/** The editor's composition root: lays out toolbar, palette, canvas, inspector, summary and status bar, and
 *  turns their events into edits of the document (document-controller.ts: the graph, undo, persistence) and
 *  changes of the input (input-controller.ts: what the Inputs are fed). */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  ACTIVATIONS, BLOCKS, CATEGORIES, GpuRunError, INITIALIZERS, OPS, RunCancelled, acquireDevice, blockDefaults, findBlock,
  findOp, fingerprints, formatCompactCount, formatCount, formatLosses, formatShape, isRegularized, materializeNodeWeights, nodeLosses, openPretrained,
  runSelfTest, summarize, totalLosses, type BlockParamValue, type Losses, type NodeLosses, type GraphFile, type GraphGroup, type Preprocess, type ResizeMode, type WeightStore,
} from '../src/index.ts';
import {
  addNode, addNodes, cloneNodes, emptyGraph, extractNodes, moveNodes, removeNodes, rename, setAttr, setInputs, takenNames, type Position,
} from './graph-edits.ts';
import { DocumentController } from './document-controller.ts';
import { copyGroups, groupsWithin } from '../src/graph/groups.ts';
import { addGroup, groupsOwning, setCollapsed } from './groups.ts';
import { clearOf, layeredLayout, NODE_WIDTH, nodeHeight } from './layout.ts';
import { acceptGraph, downloadGraph, parseGraph, type Loaded } from './persistence.ts';
import type { GraphCanvas, QuickAddItem } from './graph-canvas.ts';
import type { AttrInspector, InspectedNode } from './attr-inspector.ts';
import type { BlockForm } from './block-dialog.ts';
import type { PaletteItem } from './op-palette.ts';
import { graphSummary, summaryRows, type Summary } from './model-summary.ts';
import type { DeviceState } from './status-bar.ts';
import type { ToolBar } from './tool-bar.ts';
import type { NodeRunFace } from './op-node.ts';
import type { ActivationSource } from './activation-viewer.ts';
import { InputController, SAMPLES } from './input-controller.ts';
import { KEEPS_DEFAULT, keyActions, type KeyAction } from './key-map.ts';
import { RunController, type RunReport } from './run-controller.ts';
import type { OpPalette } from './op-palette.ts';
import './graph-canvas.ts';
import './op-palette.ts';
import './attr-inspector.ts';
import './summary-table.ts';
import './status-bar.ts';
import './tool-bar.ts';
import './block-dialog.ts';
import './shortcut-sheet.ts';
import './input-panel.ts';
import './activation-viewer.ts';
import './open-model-dialog.ts';
import type { OpenModelDialog } from './open-model-dialog.ts';
import type { OpenedModel } from './model-loader.ts';
import { adoptWeights, getWeightStore, weightsKept, weightsReady } from './weight-store.ts';
import { extractFeatures } from './extract-features.ts';

const THEME_KEY = 'deepwire.theme';

/** What window.deepwire.run() resolves to. */
export interface RunSummary { ran: string[]; reused: string[]; ms: number; gpuMs: number; timing: string; nodesRun: number }

const PALETTE: PaletteItem[] = [
  ...CATEGORIES.flatMap((category) => OPS.filter((op) => op.category === category)
    .map((op) => ({ kind: 'op' as const, type: op.type, label: op.type, category, summary: op.summary }))),
  ...BLOCKS.map((b) => ({ kind: 'block' as const, type: b.type, label: b.title, category: 'Blocks', summary: b.summary })),
];
const QUICK_ADD: QuickAddItem[] = PALETTE.map(({ kind, type, label }) => ({ kind, type, label }));

declare global {
  interface Window {
    deepwire: {
      getGraph(): GraphFile; loadGraph(json: string | GraphFile): Loaded; summary(): Summary;
      /** Runs the graph (what changed since the last run) and resolves when its results are in. */
      run(): Promise<RunSummary>;
      /** A node's output as read back from the GPU after the last run that computed it; null without one. */
      activation(nodeId: string): Promise<{ shape: number[]; data: Float32Array } | null>;
    };
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
    .side { grid-area: inspector; display: flex; flex-direction: column; min-height: 0; border-left: 1px solid var(--dw-border); background: var(--dw-panel-bg); }
    dw-input-panel { flex: none; max-height: 55%; overflow-y: auto; }
    dw-inspector { flex: 1; min-height: 0; }
    /* The maps get a column of their own, the height of the canvas and the summary: the canvas beside
       them stays whole (Fit, the minimap and clicks see what is shown), 340 px of it at 1280 px. */
    :host([maps]) {
      grid-template-columns: 240px minmax(0, 1fr) clamp(400px, 100vw - 880px, 680px) 300px;
      grid-template-areas: 'bar bar bar bar' 'palette canvas viewer inspector' 'palette summary viewer inspector' 'status status status status';
    }
    :host([maps][outline]) { grid-template-areas: 'bar bar bar bar' 'palette summary viewer inspector' 'palette summary viewer inspector' 'status status status status'; }
    .viewer { grid-area: viewer; min-width: 0; border-left: 1px solid var(--dw-border); }
    .drop {
      position: fixed; inset: 0; z-index: 50; display: grid; place-items: center; pointer-events: none;
      background: rgb(47 111 222 / 0.12); border: 3px dashed var(--dw-accent); font-size: 18px; color: var(--dw-accent);
    }
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

  private doc = new DocumentController(this, {
    say: (kind, text) => this.say(kind, text),
    shown: () => {
      this.refreshRunFaces();
      // The viewed node is gone (New, another file): the viewer moves to what is there, not the old maps.
      if (this.viewer.id && !this.doc.report.byId.has(this.viewer.id)) void this.refreshViewer();
    },
    loaded: () => void this.updateComplete.then(() => this.canvas.fitReadable()),
  });
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
  @query('dw-open-model') private modelDialog!: OpenModelDialog;

  // ── running and inspecting ──
  @state() private running = false;
  @state() private progress: { text: string; fraction: number | null } | null = null;
  @state() private runSummary = '';
  /** Keras' model.losses as of run `run`, per regularized node and in all; null when nothing is regularized. */
  @state() private losses: { run: number; byNode: Map<string, NodeLosses>; total: Losses } | null = null;
  @state() private heatmap = false;
  @state() private mapsOpen = false;
  @state() private runInfo = new Map<string, NodeRunFace>();
  @state() private viewer: { id: string; name: string; source: ActivationSource | null; message: string } = { id: '', name: '', source: null, message: '' };
  @state() private compareSource: ActivationSource | null = null;
  @state() private globalRange: [number, number] | null = null;
  /** Every node's output of the last run: the viewer's global scope (range and percentiles) over them. */
  @state() private globalSources: ActivationSource[] | null = null;
  private input = new InputController(this, {
    graph: () => ({ report: this.doc.report, seed: this.doc.graph.seed ?? 0 }),
    say: (kind, text) => this.say(kind, text),
    choiceChanged: () => this.refreshRunFaces(),
  });
  @state() private dragging = false;
  private runner = new RunController();
  private abort: AbortController | null = null;
  private inFlight: Promise<RunSummary> | null = null;
  /** The node a failed run stopped at (out of memory, say): its face says so until a run succeeds. */
  private runError: { node: string; text: string } | null = null;
  /** Imported weights of opened models, by the graph's weight references (restored from IndexedDB on reload). */
  private store: WeightStore = getWeightStore();
  private mosaics = new Map<string, string>();
  private nodeRanges = new Map<string, [number, number]>();
  private mosaicToken = 0;
  private pasteTimer = 0;

  /** The last share link made, for scripts and tests (the clipboard may be closed to them). */
  get lastShareUrl(): string { return this.doc.lastShareUrl; }
  private clipboard: GraphFile['nodes'] = [];
  /** Blocks wholly inside the copied nodes: pasted as blocks too. */
  private clipboardGroups: GraphGroup[] = [];
  private pasteCount = 0;
  private messageTimer = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.theme = (localStorage.getItem(THEME_KEY) as 'light' | 'dark' | null)
      ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    document.documentElement.dataset.theme = this.theme;
    window.addEventListener('keydown', this.onKey);
    window.deepwire = {
      getGraph: () => structuredClone(this.doc.graph),
      loadGraph: (json) => this.doc.load(typeof json === 'string' ? parseGraph(json) : acceptGraph(json), true),
      summary: () => graphSummary(this.doc.graph, this.doc.report),
      run: () => this.runGraph(),
      activation: async (id) => {
        const t = await this.runner.activation(id);
        return t ? { shape: [...t.shape], data: t.data } : null;
      },
    };
    window.addEventListener('paste', this.onPaste);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', () => (this.dragging = false));
    this.addEventListener('drop', this.onDrop);
    void this.doc.start();
    void this.input.loadSample(SAMPLES[0].url, SAMPLES[0].name);
    void this.probeWebGpu();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('paste', this.onPaste);
    super.disconnectedCallback();
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

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('mapsOpen')) this.toggleAttribute('maps', this.mapsOpen);
  }

  override render() {
    const inspected = this.inspected();
    const rows = summaryRows(this.doc.report);
    const graphProblems = this.doc.report.problems.filter((p) => !p.node).map((p) => p.message);
    const nodeProblems = this.doc.report.problems.filter((p) => p.node).map((p) => `${this.doc.report.byId.get(p.node!)?.name ?? p.node}: ${p.message}`);
    return html`
      <dw-toolbar .canUndo=${this.doc.canUndo} .canRedo=${this.doc.canRedo} .theme=${this.theme}
        .names=${this.doc.report.nodes.map((n) => n.name)} .running=${this.running} .progress=${this.progress} .runSummary=${this.runSummary}
        .heatmap=${this.heatmap} .mapsOpen=${this.mapsOpen}
        @command=${(e: CustomEvent<{ name: string }>) => this.runCommand(e.detail.name)}
        @find=${(e: CustomEvent<{ query: string }>) => this.find(e.detail.query)}
        @open-file=${(e: CustomEvent<{ file: File }>) => this.doc.openFile(e.detail.file)}></dw-toolbar>
      <dw-palette .items=${PALETTE} @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string }>) => this.addItem(e.detail.kind, e.detail.type)}></dw-palette>
      <div class="canvas">
        <dw-canvas .graph=${this.doc.graph} .report=${this.doc.report} .quickAdd=${QUICK_ADD} .runInfo=${this.runInfo}
          @rewire=${(e: CustomEvent<{ inputs: Record<string, string[]> }>) => this.rewire(e.detail.inputs)}
          @nodes-moved=${(e: CustomEvent<{ positions: Record<string, Position> }>) => this.doc.commit(moveNodes(this.doc.graph, e.detail.positions))}
          @selection-change=${(e: CustomEvent<{ ids: string[] }>) => this.onSelection(e.detail.ids)}
          @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string; position: Position }>) => this.addItem(e.detail.kind, e.detail.type, e.detail.position)}
          @node-command=${(e: CustomEvent<{ command: string; id: string; ids?: string[] }>) => this.nodeCommand(e.detail.command, e.detail.id, e.detail.ids)}
          @group-command=${(e: CustomEvent<{ ids: string[]; collapse: boolean }>) => this.doc.commit(setCollapsed(this.doc.graph, e.detail.ids, e.detail.collapse))}
          @canvas-message=${(e: CustomEvent<{ text: string }>) => this.say('info', e.detail.text)}></dw-canvas>
        ${this.message ? html`<div class="message ${this.message.kind}" role=${this.message.kind === 'error' ? 'alert' : 'status'} data-testid="message">
          <span>${this.message.text}</span><button aria-label="Dismiss" @click=${() => (this.message = null)}>×</button></div>` : null}
      </div>
      ${this.mapsOpen ? html`<dw-activation-viewer class="viewer" data-testid="activation-viewer" .source=${this.viewer.source} .message=${this.viewer.message}
        .nodeLabel=${this.viewer.name} .nodeId=${this.viewer.id} .photo=${this.input.feeds().preview} .globalRange=${this.globalRange} .globalSources=${this.globalSources}
        .compareOptions=${this.compareOptions()} .compareSource=${this.compareSource} @close=${() => (this.mapsOpen = false)}
        @compare-request=${(e: CustomEvent<{ id: string }>) => void this.loadCompare(e.detail.id)}></dw-activation-viewer>` : null}
      <div class="side">
        <dw-input-panel .feed=${this.input.feeds().info} .preview=${this.input.feeds().preview} .notes=${this.input.notes} .error=${this.input.error || this.input.feeds().error}
          .resize=${this.input.choice.resize} .preprocess=${this.input.choice.preprocess} .samples=${SAMPLES}
          @image-file=${(e: CustomEvent<{ file: File }>) => void this.input.loadFile(e.detail.file)}
          @image-sample=${(e: CustomEvent<{ url: string; name: string }>) => void this.input.loadSample(e.detail.url, e.detail.name)}
          @image-frame=${(e: CustomEvent<{ canvas: HTMLCanvasElement; name: string }>) => this.input.useFrame(e.detail.canvas, e.detail.name)}
          @resize-change=${(e: CustomEvent<{ mode: ResizeMode }>) => this.input.setResize(e.detail.mode)}
          @preprocess-change=${(e: CustomEvent<{ mode: Preprocess }>) => this.input.setPreprocess(e.detail.mode)}></dw-input-panel>
        <dw-inspector .node=${inspected} .selectedCount=${this.selected.length} .block=${this.selectedBlock()} .activations=${Object.keys(ACTIVATIONS)} .initializers=${[...INITIALIZERS]}
          @attr-change=${(e: CustomEvent<{ id: string; key: string; value: unknown }>) => this.doc.commit(setAttr(this.doc.graph, e.detail.id, e.detail.key, e.detail.value))}
          @rename=${(e: CustomEvent<{ id: string; name: string }>) => this.doc.commit(rename(this.doc.graph, e.detail.id, e.detail.name))}
          @node-command=${(e: CustomEvent<{ command: string; id: string }>) => this.nodeCommand(e.detail.command, e.detail.id)}></dw-inspector>
      </div>
      <dw-summary .rows=${rows} .totals=${this.doc.report.totals} @focus-node=${(e: CustomEvent<{ id: string }>) => this.canvas.focusNode(e.detail.id)}></dw-summary>
      <dw-status-bar .nodes=${this.doc.graph.nodes.length} .params=${this.doc.report.totals.params} .flops=${this.doc.report.totals.flops}
        .losses=${this.losses && this.doc.report.nodes.some(isRegularized) ? `${formatLosses(this.losses.total)} (run ${this.losses.run})` : ''}
        .problems=${[...graphProblems, ...nodeProblems]} .adapter=${this.adapter} .selfTest=${this.selfTest}></dw-status-bar>
      <dw-block-dialog .block=${this.blockForm} @close=${() => (this.blockForm = null)}
        @insert-block=${(e: CustomEvent<{ type: string; values: Record<string, BlockParamValue> }>) => this.insertBlock(e.detail.type, e.detail.values, this.blockForm?.position)}></dw-block-dialog>
      <dw-open-model @model-open=${(e: CustomEvent<OpenedModel>) => this.openModel(e.detail)}></dw-open-model>
      <dw-shortcuts .open=${this.shortcutsOpen} @close=${() => (this.shortcutsOpen = false)}></dw-shortcuts>
      ${this.dragging ? html`<div class="drop" data-testid="drop-overlay">Drop a photo (or a .npy) to run on it, or a .onnx model to open it</div>` : null}
    `;
  }

  // ── the model ────────────────────────────────────────────────────────────

  private say(kind: 'info' | 'error', text: string): void {
    this.message = { kind, text };
    clearTimeout(this.messageTimer);
    if (kind === 'info') this.messageTimer = window.setTimeout(() => (this.message = null), 4000);
  }

  /** A node's height as the canvas draws it: its sockets, and the box of its error if it has one. */
  private drawnHeight = (n: GraphFile['nodes'][number]): number =>
    nodeHeight(Math.max(n.inputs?.length ?? 0, 1), !!this.doc.report.byId.get(n.id)?.problems.length);

  /** The collapsed block whose members are exactly the selection (selecting a collapsed block selects them all). */
  private selectedBlock(): { name: string; layers: number; params: number } | null {
    if (this.selected.length < 2) return null;
    const chosen = new Set(this.selected);
    const g = (this.doc.graph.groups ?? []).find((x) => x.collapsed && x.nodes.length === chosen.size && x.nodes.every((id) => chosen.has(id)));
    if (!g) return null;
    const params = g.nodes.reduce((sum, id) => {
      const p = this.doc.report.byId.get(id)?.params;
      return sum + (p ? p.trainable + p.nonTrainable : 0);
    }, 0);
    return { name: g.name, layers: g.nodes.length, params };
  }

  private inspected(): InspectedNode | null {
    if (this.selected.length !== 1) return null;
    const node = this.doc.graph.nodes.find((n) => n.id === this.selected[0]);
    const r = this.doc.report.byId.get(this.selected[0]);
    if (!node || !r) return null;
    const def = findOp(node.op);
    return {
      id: node.id, op: r.op, name: r.name, summary: def?.summary ?? 'unknown op',
      raw: node.attrs ?? {}, resolved: r.attrs, spec: def?.attrs ?? {},
      problems: r.problems.map((p) => ({ message: p.message, hint: p.hint })),
      shape: r.shape ? formatShape(r.shape) : '?', params: formatCount(r.params.trainable + r.params.nonTrainable), flops: formatCompactCount(r.flops),
      losses: this.nodeLossText(r.id),
    };
  }

  private nodeLossText(id: string): string | undefined {
    const l = this.losses?.byNode.get(id);
    if (!l || !this.losses) return undefined;
    const stale = this.runInfo.get(id)?.stale ? ', changed since: run again' : '';
    const activity = l.activity === null ? 'activity not kept in this run' : '';
    return `${[formatLosses(totalLosses([l])), activity].filter(Boolean).join(', ')} (run ${this.losses.run}${stale})`;
  }

  // ── edits ────────────────────────────────────────────────────────────────

  private addItem(kind: 'op' | 'block', type: string, position?: Position): void {
    if (kind === 'block') return this.askBlock(type, position);
    const anchor = !position && this.selected.length === 1 ? this.doc.graph.nodes.find((n) => n.id === this.selected[0]) : undefined;
    const def = findOp(type);
    // A click with one node selected continues the chain from it; a drop lands where it was dropped.
    const chain = anchor && def && def.arity.max > 0;
    const wanted = chain && anchor?.layout ? { x: anchor.layout.x + 300, y: anchor.layout.y } : this.canvas.viewCentre();
    // A drop lands where it was dropped; a click finds room next to the wanted spot.
    const at = position ?? clearOf(this.doc.graph.nodes, wanted, undefined, this.drawnHeight);
    const { graph, id } = addNode(this.doc.graph, type, { x: Math.round(at.x), y: Math.round(at.y) }, {}, chain ? [anchor!.id] : []);
    this.doc.commit(graph);
    void this.selectSoon([id]);
  }

  private anchorForBlock(): { id: string; name: string; shape: number[] } | null {
    if (this.selected.length !== 1) return null;
    const r = this.doc.report.byId.get(this.selected[0]);
    return r?.shape ? { id: r.id, name: r.name, shape: [...r.shape] } : null;
  }

  private askBlock(type: string, position?: Position): void {
    const block = findBlock(type);
    if (!block) return;
    const anchor = this.anchorForBlock();
    const fit = anchor && block.fitTo ? block.fitTo(anchor.shape) : {};
    this.blockForm = {
      type, title: block.title, summary: block.summary, position,
      params: block.params.map((p) => (fit[p.key] !== undefined ? { ...p, default: fit[p.key]! } : p)),
      attachTo: anchor ? `${anchor.name} (${formatShape(anchor.shape)})` : `a new Input of ${formatShape(block.defaultInput)}`,
    };
  }

  /** A block is one undo step: its Input (when nothing is selected) and all its nodes arrive together. */
  insertBlock(type: string, values: Record<string, BlockParamValue>, position?: Position): string[] {
    const block = findBlock(type);
    if (!block) return [];
    const anchor = this.anchorForBlock();
    let graph = this.doc.graph;
    let input: string, inputShape: number[], origin: Position;
    if (anchor) {
      const at = this.doc.graph.nodes.find((n) => n.id === anchor.id)?.layout ?? { x: 0, y: 0 };
      input = anchor.id;
      inputShape = anchor.shape;
      origin = { x: at.x + 300, y: at.y };
    } else {
      const at = position ?? clearOf(graph.nodes, this.canvas.viewCentre(), undefined, this.drawnHeight);
      const added = addNode(graph, 'Input', at, { shape: block.defaultInput });
      graph = added.graph;
      input = added.id;
      inputShape = block.defaultInput;
      origin = { x: at.x + 300, y: at.y };
    }
    const built = block.build({ ...blockDefaults(block), ...values }, { input, inputShape, taken: takenNames(graph) });
    // The block goes beside its anchor, moved down clear of the nodes already there.
    let positions = layeredLayout(built.nodes, origin);
    const xs = Object.values(positions).map((p) => p.x), ys = Object.values(positions).map((p) => p.y);
    const top = Math.min(...ys);
    const clear = clearOf(graph.nodes, { x: Math.min(...xs), y: top }, { width: Math.max(...xs) - Math.min(...xs) + NODE_WIDTH, height: Math.max(...ys) - top + 160 }, this.drawnHeight);
    if (clear.y !== top) {
      positions = Object.fromEntries(Object.entries(positions).map(([id, p]) => [id, { x: p.x, y: p.y + clear.y - top }]));
      // A block's own new Input moves with it.
      if (!anchor) graph = moveNodes(graph, { [input]: { x: origin.x - 300, y: origin.y + clear.y - top } });
    }
    graph = addNodes(graph, built.nodes.map((n) => ({ ...n, layout: positions[n.id] })));
    // The block is remembered as a group: it can be collapsed to one node (G) and expanded again.
    graph = addGroup(graph, built.name, built.nodes.map((n) => n.id)).graph;
    this.doc.commit(graph);
    this.blockForm = null;
    void this.selectSoon([built.output]);
    // Show the new block where it landed, which may be out of view.
    void this.updateComplete.then(() => this.canvas.reveal(built.nodes.map((n) => n.id)));
    return built.nodes.map((n) => n.id);
  }

  private rewire(inputs: Record<string, string[]>): void {
    let g = this.doc.graph;
    for (const [target, sources] of Object.entries(inputs)) g = setInputs(g, target, sources);
    this.doc.commit(g);
  }

  private nodeCommand(command: string, id: string, given?: string[]): void {
    if (command === 'edit') return void this.updateComplete.then(() => this.inspector.focusFirst());
    const ids = this.selected.includes(id) ? this.selected : given ?? [id];
    if (command === 'delete') this.doc.commit(removeNodes(this.doc.graph, ids));
    if (command === 'duplicate') this.duplicate(ids);
    if (command === 'extract') {
      const r = this.doc.report.byId.get(id);
      if (r?.op === 'Input') return this.say('info', 'An Input has no features to extract: choose a layer after it.');
      const cut = extractFeatures(this.doc.graph, id);
      const dropped = this.doc.graph.nodes.length - cut.nodes.length;
      this.doc.commit(cut);
      this.say('info', `Features at ${r?.name ?? id}${r?.shape ? ` (${formatShape(r.shape)})` : ''}: it is the graph's output now, as Keras' Model(inputs, layer.output); ${dropped} node${dropped === 1 ? '' : 's'} it does not need dropped — Undo brings them back.`);
    }
  }

  private duplicate(ids: string[]): void {
    if (!ids.length) return;
    const nodes = this.doc.graph.nodes.filter((n) => ids.includes(n.id));
    const { graph, ids: fresh, idMap } = cloneNodes(this.doc.graph, nodes, { x: 40, y: 40 }, true);
    // Blocks wholly duplicated stay blocks, in the same edit (one undo step).
    this.doc.commit(copyGroups(graph, groupsWithin(this.doc.graph, ids), idMap));
    void this.selectSoon(fresh);
  }

  private copy(): void {
    if (!this.selected.length) return;
    this.clipboard = extractNodes(this.doc.graph, this.selected);
    this.clipboardGroups = groupsWithin(this.doc.graph, this.selected);
    this.pasteCount = 0;
    navigator.clipboard?.writeText(JSON.stringify({ deepwireNodes: this.clipboard })).catch(() => undefined);
  }

  private paste(): void {
    if (!this.clipboard.length) return;
    this.pasteCount++;
    const { graph, ids, idMap } = cloneNodes(this.doc.graph, this.clipboard, { x: 40 * this.pasteCount, y: 40 * this.pasteCount });
    this.doc.commit(copyGroups(graph, this.clipboardGroups, idMap));
    void this.selectSoon(ids);
  }

  /** Selects nodes once the canvas shows the graph just committed. */
  private async selectSoon(ids: string[]): Promise<void> {
    await this.updateComplete;
    await this.canvas.select(ids);
  }

  private undo(): void {
    if (this.doc.undo()) this.dropInfo();
  }

  private redo(): void {
    if (this.doc.redo()) this.dropInfo();
  }

  /** An info message describes an edit: once it is undone or redone, it no longer holds. Errors stay. */
  private dropInfo(): void {
    if (this.message?.kind === 'info') this.message = null;
  }

  /** Keyboard walk: right to a consumer, left to an input, up and down through the graph's order. */
  private step(direction: string, from: string): void {
    const nodes = this.doc.graph.nodes;
    const here = nodes.findIndex((n) => n.id === from);
    const target = direction === 'right' ? nodes.find((n) => n.inputs?.includes(from))?.id
      : direction === 'left' ? nodes[here]?.inputs?.[0]
      : nodes[here + (direction === 'down' ? 1 : -1)]?.id;
    if (target) void this.canvas.focusNode(target);
  }

  /** G: the selection's blocks collapse (or, when all are collapsed, expand); Shift+G: every block. */
  private toggleBlocks(all: boolean): void {
    const groups = all ? this.doc.graph.groups ?? [] : groupsOwning(this.doc.graph, this.selected);
    if (!groups.length) return this.say('info', all ? 'This graph has no blocks.' : 'Select a node of a block (an inserted or a model\'s block) to collapse it.');
    const collapse = groups.some((g) => !g.collapsed);
    const selected = this.selected;
    this.doc.commit(setCollapsed(this.doc.graph, groups.map((g) => g.id), collapse));
    // The selection stays: on the block's node once collapsed, on its nodes once expanded (so G toggles back).
    if (!all) void this.selectSoon(collapse ? groups.flatMap((g) => g.nodes) : selected);
  }

  private find(query: string): void {
    const q = query.trim().toLowerCase();
    if (!q) return;
    const nodes = this.doc.report.nodes;
    const matches = [
      ...nodes.filter((n) => n.name.toLowerCase() === q),
      ...nodes.filter((n) => n.name.toLowerCase() !== q && `${n.name} ${n.op} ${n.id}`.toLowerCase().includes(q)),
    ];
    if (!matches.length) return this.say('info', `No node matches “${query}”.`);
    // Enter again moves on to the next match.
    const current = matches.findIndex((n) => this.selected.length === 1 && n.id === this.selected[0]);
    const id = matches[(current + 1) % matches.length].id;
    // A match hidden in a collapsed block opens it (one undo step: expanding moves neighbours aside).
    const hiding = (this.doc.graph.groups ?? []).filter((g) => g.collapsed && g.nodes.includes(id));
    if (hiding.length) this.doc.commit(setCollapsed(this.doc.graph, hiding.map((g) => g.id), false));
    void this.updateComplete.then(() => this.canvas.focusNode(id));
  }

  private async runCommand(name: string): Promise<void> {
    switch (name) {
      case 'run': return void this.runGraph().catch(() => undefined);
      case 'cancel': return this.abort?.abort();
      case 'heatmap':
        this.heatmap = !this.heatmap;
        return this.refreshRunFaces();
      case 'maps':
        this.mapsOpen = !this.mapsOpen;
        return this.refreshViewer();
      case 'pretrained': return this.openPretrainedModel();
      case 'open-model': return this.modelDialog.show();
      case 'new':
        this.doc.commit(emptyGraph());
        return this.canvas.resetView();
      case 'save': return downloadGraph(this.doc.graph);
      case 'share': return this.doc.share();
      case 'undo': return this.undo();
      case 'redo': return this.redo();
      case 'fit': return this.canvas.fit();
      case 'arrange': return this.doc.commit(moveNodes(this.doc.graph, await this.canvas.autoArrange()));
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


  private onPaste = (e: ClipboardEvent): void => {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!file) return;
    const target = e.composedPath()[0] as HTMLElement;
    if (target.closest?.('input, textarea, [contenteditable]')) return;
    e.preventDefault();
    clearTimeout(this.pasteTimer);
    void this.input.loadFile(file);
  };

  private onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  };

  private onDrop = (e: DragEvent): void => {
    this.dragging = false;
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    // A dropped .json is a graph, as with Open; a .onnx a model, as with Open model; anything else is an input.
    if (/\.json$/i.test(file.name) || file.type === 'application/json') void this.doc.openFile(file);
    else if (/\.onnx$/i.test(file.name)) void this.modelDialog.openOnnx(file);
    else void this.input.loadFile(file);
  };

  // ── running ──────────────────────────────────────────────────────────────

  /** Runs what changed since the last run; a second call while one is in flight waits for it. */
  runGraph(): Promise<RunSummary> {
    this.inFlight ??= this.runOnce().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async runOnce(): Promise<RunSummary> {
    await weightsReady();
    if (!this.doc.report.ok) {
      const p = this.doc.report.problems[0];
      this.say('error', `Cannot run: ${this.doc.where(p.node)}${p.message}${p.hint ? ` — ${p.hint}` : ''}`);
      throw new Error(`the graph has problems: ${p.message}`);
    }
    const feeds = this.input.feeds();
    if (feeds.error) {
      this.say('error', `Cannot run: ${feeds.error}`);
      throw new Error(feeds.error);
    }
    const abort = (this.abort = new AbortController());
    this.running = true;
    this.progress = { text: 'starting…', fraction: null };
    const graph = this.doc.graph;
    try {
      const result = await this.runner.run(graph, feeds.tensors, {
        store: this.store, signal: abort.signal,
        onProgress: (p) => (this.progress = { text: p.text, fraction: p.phase === 'kernels' && p.total ? p.done / p.total : null }),
      });
      if (result.ran.length) this.losses = await this.regularization(result.run);
      this.runSummary = [this.describe(result), this.losses ? `losses ${formatLosses(this.losses.total)}` : ''].filter(Boolean).join(' · ');
      this.runError = null;
      if (result.ran.length) this.globalSources = null;
      for (const id of [...result.ran, ...Object.keys(feeds.tensors)]) {
        this.mosaics.delete(id);
        this.nodeRanges.delete(id);
      }
      if (!this.mapsOpen && result.ran.length) this.mapsOpen = true;
      this.refreshRunFaces();
      await this.refreshViewer();
      void this.drawMosaics();
      return { ran: result.ran, reused: result.reused, ms: result.ms, gpuMs: result.gpuMs, timing: result.timing, nodesRun: this.runner.stats.nodesRun };
    } catch (e) {
      if (e instanceof RunCancelled) this.say('info', 'Run cancelled: the results of the last complete run stay.');
      else {
        const error = e as Error & { node?: string; hint?: string };
        this.runError = error.node && this.doc.report.byId.has(error.node) ? { node: error.node, text: `${error.message}${error.hint ? ` — ${error.hint}` : ''}` } : null;
        if (e instanceof GpuRunError) this.forgetPictures(`The run failed on the GPU, so no maps are shown: ${error.message}`);
        this.refreshRunFaces();
        this.say('error', `The run failed: ${this.doc.where(error.node)}${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
      }
      throw e;
    } finally {
      this.running = false;
      this.progress = null;
      this.abort = null;
    }
  }

  /** The regularized nodes' penalties after a run: weights as the run used them, activations read back. */
  private async regularization(run: number): Promise<{ run: number; byNode: Map<string, NodeLosses>; total: Losses } | null> {
    const nodes = this.doc.report.nodes.filter(isRegularized);
    if (!nodes.length) return null;
    const weights = materializeNodeWeights(nodes, this.doc.graph.seed ?? 0, this.store);
    const byNode = new Map<string, NodeLosses>();
    for (const node of nodes) {
      const output = node.attrs.activity_regularizer ? await this.runner.activation(node.id) : null;
      byNode.set(node.id, nodeLosses(node, weights.get(node.id), output));
    }
    return { run, byNode, total: totalLosses(byNode.values()) };
  }

  private describe(r: RunReport): string {
    const total = r.ran.length + r.reused.length;
    if (!r.ran.length) return `nothing changed: ${total} node${total === 1 ? '' : 's'} reused`;
    const what = r.reused.length ? `ran ${r.ran.length} of ${total} nodes (${r.reused.length} reused)` : `ran ${r.ran.length} node${r.ran.length === 1 ? '' : 's'}`;
    const gpu = r.timing === 'timestamp-query' ? `GPU ${r.gpuMs.toFixed(1)} ms` : `≈GPU ${r.gpuMs.toFixed(1)} ms`;
    return `run ${r.run}: ${what} · ${gpu} · ${r.ms.toFixed(0)} ms in all`;
  }

  /** Times, heat, mosaics and staleness on the nodes, from the runner's results and the current graph. */
  private refreshRunFaces(): void {
    const times = this.runner.times;
    if (!times.size && !this.runError) {
      if (this.runInfo.size) this.runInfo = new Map();
      return;
    }
    const current = this.doc.report.ok ? fingerprints(this.doc.report, { seed: this.doc.graph.seed ?? 0, store: this.store, feeds: this.input.feeds().tensors }) : new Map<string, string>();
    const lastRun = this.runner.runNumber;
    const max = Math.max(1e-6, ...[...times.values()].map((t) => t.ms ?? 0));
    const info = new Map<string, NodeRunFace>();
    for (const r of this.doc.report.nodes) {
      const t = times.get(r.id);
      const mosaic = this.mosaics.get(r.id) ?? null;
      if (this.runError?.node === r.id) {
        info.set(r.id, { time: 'run failed', title: this.runError.text, heat: null, mosaic, stale: true });
        continue;
      }
      if (!t && !mosaic) continue;
      const stale = this.runner.fingerprint(r.id) !== current.get(r.id);
      const time = !t ? '' : t.ms != null ? `${t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(1)} ms` : t.fusedInto ? 'fused' : 'in place';
      const why = !t ? 'fed' : t.ms != null ? 'GPU time of its dispatches' : t.fusedInto ? `computed inside ${this.doc.report.byId.get(t.fusedInto)?.name ?? t.fusedInto}'s dispatch` : 'no dispatch of its own: its inputs write into its buffer';
      const when = t ? (t.run === lastRun ? `run ${t.run}` : `run ${t.run}, reused since`) : '';
      info.set(r.id, {
        time, title: [why, when, stale ? 'changed since: run again to update' : ''].filter(Boolean).join(' · '),
        heat: this.heatmap && t?.ms != null ? t.ms / max : null, mosaic, stale,
      });
    }
    this.runInfo = info;
  }

  /** After a GPU error every result is gone (RunController.reset): so are the pictures drawn from them. */
  private forgetPictures(message: string): void {
    this.mosaicToken++;
    this.mosaics.clear();
    this.nodeRanges.clear();
    this.globalSources = null;
    this.globalRange = null;
    this.compareSource = null;
    this.viewer = { id: this.viewer.id, name: this.viewer.name, source: null, message };
  }

  /** Colour-mapped mosaics of every node with a result, a few at a time so the page stays responsive. */
  private async drawMosaics(): Promise<void> {
    const token = ++this.mosaicToken;
    let drawn = 0;
    for (const r of this.doc.report.nodes) {
      if (token !== this.mosaicToken) return;
      if (this.mosaics.has(r.id)) continue;
      try {
        const source = await this.runner.source(r.id, r.name);
        if (!source) continue;
        const s = summarize(await source.stats());
        if (Number.isFinite(s.min)) this.nodeRanges.set(r.id, [s.min, s.max]);
        const url = await this.runner.mosaic(r.id, r.name, 'viridis');
        if (url) this.mosaics.set(r.id, url);
      } catch {
        continue; // a node whose pictures fail still ran; its maps say why when opened
      }
      if (++drawn % 6 === 0) this.refreshRunFaces();
    }
    if (token !== this.mosaicToken) return;
    const ranges = [...this.nodeRanges.values()];
    this.globalRange = ranges.length ? [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))] : null;
    const sources = await Promise.all(this.doc.report.nodes.map((r) => this.runner.source(r.id, r.name).catch(() => null)));
    if (token !== this.mosaicToken) return;
    this.globalSources = sources.filter((s): s is ActivationSource => !!s);
    this.refreshRunFaces();
  }

  private onSelection(ids: string[]): void {
    this.selected = ids;
    if (ids.length === 1 && ids[0] !== this.viewer.id) void this.refreshViewer();
  }

  /** Points the viewer at the selected node (or the graph's output) and its latest result. */
  private async refreshViewer(): Promise<void> {
    if (!this.mapsOpen) return;
    const id = this.selected.length === 1 ? this.selected[0] : this.viewer.id && this.doc.report.byId.has(this.viewer.id) ? this.viewer.id : this.doc.report.outputs[0] ?? '';
    const r = this.doc.report.byId.get(id);
    if (!r) {
      this.viewer = { id: '', name: '', source: null, message: 'Select a node to see its activation maps.' };
      return;
    }
    const t = this.runner.times.get(id);
    const source = await this.runner.source(id, r.name).catch(() => null);
    const message = source ? '' : t?.fusedInto
      ? `${r.name} is computed inside ${this.doc.report.byId.get(t.fusedInto)?.name ?? t.fusedInto}'s dispatch (fused), so it has no tensor of its own.`
      : `Run the graph (▶ Run or Ctrl+Enter) to see what ${r.name} computes.`;
    this.viewer = { id, name: r.name, source, message };
    if (this.compareSource) this.compareSource = null;
  }

  /** Nodes with a result of the viewed node's shape. */
  private compareOptions(): { id: string; label: string }[] {
    const shape = this.doc.report.byId.get(this.viewer.id)?.shape;
    if (!shape) return [];
    return this.doc.report.nodes.filter((n) => n.id !== this.viewer.id && n.shape && formatShape(n.shape) === formatShape(shape) && this.runner.times.has(n.id))
      .map((n) => ({ id: n.id, label: n.name }));
  }

  private async loadCompare(id: string): Promise<void> {
    const r = this.doc.report.byId.get(id);
    this.compareSource = r ? await this.runner.source(id, r.name) : null;
  }

  /** A model from the Open model gallery or a dropped .onnx: one undo step; its weights are in the session store. */
  private openModel(model: OpenedModel): void {
    if (!this.doc.load(acceptGraph(model.graph), true).ok) return;
    this.doc.remarkWeights();
    if (model.preprocess) this.input.setPreprocess(model.preprocess);
    this.say('info', `Opened ${[model.label, ...model.notes].join('; ')}.`);
  }

  /** The ImageNet-pretrained InceptionV3 backbone (src/models/pretrained.ts imports it). */
  private async openPretrainedModel(): Promise<void> {
    this.say('info', 'Loading the pretrained InceptionV3 (about 22 M weights)…');
    try {
      const model = await openPretrained('InceptionV3-pretrained');
      // Into the session store like every opened model, so undo back to an earlier one finds its weights.
      const graph = adoptWeights(model.graph, model.weights);
      const kept = await weightsKept(graph);
      const loaded = this.doc.load(acceptGraph(graph), true);
      if (!loaded.ok) return;
      this.doc.remarkWeights();
      this.input.setPreprocess(model.def.preprocess);
      this.say('info', `Opened ${model.def.name}: ${[...model.notes, ...(kept ? [kept] : [])].join('; ')}`);
    } catch (e) {
      const error = e as Error & { hint?: string };
      this.say('error', `Could not open the pretrained InceptionV3: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
    }
  }

  /** What each shortcut of the key map (key-map.ts) does; `false` where it does not apply now, so the next one is tried. */
  private readonly shortcutActions: Record<KeyAction, (e: KeyboardEvent) => boolean | void> = {
    run: (e) => {
      if (this.blockForm) return false;
      // A field being edited is committed first.
      (e.composedPath()[0] as HTMLInputElement).blur?.();
      setTimeout(() => void this.runGraph().catch(() => undefined));
    },
    'cancel-run': () => (this.running ? this.abort?.abort() : false),
    undo: () => this.undo(),
    redo: () => this.redo(),
    copy: () => this.copy(),
    cut: () => (this.copy(), this.doc.commit(removeNodes(this.doc.graph, this.selected))),
    paste: () => void (this.pasteTimer = window.setTimeout(() => this.paste(), 60)),
    duplicate: () => this.duplicate(this.selected),
    'select-all': () => void this.selectSoon(this.doc.graph.nodes.map((n) => n.id)),
    save: () => downloadGraph(this.doc.graph),
    open: () => this.toolbar.openFilePicker(),
    find: () => this.toolbar.focusFind(),
    delete: () => this.doc.commit(removeNodes(this.doc.graph, this.selected)),
    fit: () => void this.canvas.fit(),
    'toggle-block': () => this.toggleBlocks(false),
    'toggle-all-blocks': () => this.toggleBlocks(true),
    arrange: () => void this.runCommand('arrange'),
    'search-palette': () => this.palette.focusSearch(),
    help: () => void (this.shortcutsOpen = true),
    'clear-selection': () => void this.selectSoon([]),
    'edit-node': () => (this.selected.length === 1 ? this.inspector.focusFirst() : false),
    step: (e) => (this.selected.length === 1 ? this.step(e.key.toLowerCase().slice('arrow'.length), this.selected[0]) : false),
  };

  private onKey = (e: KeyboardEvent): void => {
    const target = e.composedPath()[0] as HTMLElement;
    const editing = !!target.closest?.('input, textarea, select, [contenteditable], dialog') || !!this.blockForm || this.shortcutsOpen;
    for (const action of keyActions(e, editing)) {
      if (this.shortcutActions[action](e) === false) continue;
      if (!KEEPS_DEFAULT.has(action)) e.preventDefault();
      return;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap { 'dw-app': AppShell }
}
