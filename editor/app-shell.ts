/** The editor's composition root: lays out toolbar, palette, canvas, inspector, summary and status bar, and
 *  turns their events into edits of the document (document-controller.ts: the graph, undo, persistence) and
 *  changes of the input (input-controller.ts: what the Inputs are fed), of runs (runs-controller.ts: Run,
 *  progress, the nodes' faces, the activation viewer; run-engine.ts is the engine side) and of training
 *  (train-controller.ts: the Train panel, fit on the runs' device, the trained weights into the graph). */
import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  ACTIVATIONS, BLOCKS, CATEGORIES, INITIALIZERS, OPS, findBlock,
  findOp, formatCompactCount, formatCount, formatMegabytes, formatShape, openPretrained,
  type BlockParamValue, type Explanation, type GraphFile, type GraphGroup, type PixelRect, type Preprocess, type ResizeMode,
} from '../src/index.ts';
import {
  addNode, cloneNodes, emptyGraph, extractNodes, moveNodes, removeNodes, rename, setAttr, setInputs, type Position,
} from './graph-edits.ts';
import { DocumentController } from './document-controller.ts';
import { placeBlock, type BlockAnchor } from './block-insert.ts';
import { copyGroups, groupsWithin } from '../src/graph/groups.ts';
import { groupsOwning, setCollapsed } from './groups.ts';
import { clearOf, nodeHeight } from './layout.ts';
import { downloadFile } from './download.ts';
import { acceptGraph, downloadGraph, downloadGraphWithWeights, parseGraph, type Loaded } from './persistence.ts';
import { kerasScriptFile, pytorchFiles } from './export-files.ts';
import type { GraphCanvas, QuickAddItem } from './graph-canvas.ts';
import type { AttrInspector, InspectedBlock, InspectedNode } from './attr-inspector.ts';
import type { BlockForm } from './block-dialog.ts';
import type { PaletteItem } from './op-palette.ts';
import { graphSummary, summaryRows, type Summary } from './model-summary.ts';
import { DeviceController } from './device-controller.ts';
import type { ToolBar } from './tool-bar.ts';
import { InputController, SAMPLES } from './input-controller.ts';
import { KEEPS_DEFAULT, keyActions, keysOf, type KeyAction } from './key-map.ts';
import { PanelLayoutController, type DockChoice, type Panel } from './panel-layout.ts';
import './panel-frame.ts';
import { RunsController, type RunSummary } from './runs-controller.ts';
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
import './where-it-looks-panel.ts';
import { computeWhereItLooks, plainWhereItLooks, type PlainWhereItLooks, type WhereHooks, type WhereRequest } from './where-it-looks-run.ts';
import './open-model-dialog.ts';
import type { OpenModelDialog } from './open-model-dialog.ts';
import type { OpenedModel } from './model-loader.ts';
import { adoptWeights, getWeightStore, weightsKept, weightsReady } from './weight-store.ts';
import { extractFeatures } from './extract-features.ts';
import { TrainController, type KerasHistory } from './train-controller.ts';
import type { TrainFields } from './train-panel.ts';
import './train-panel.ts';
import { topClasses, type Prediction } from './predictions.ts';
import { DataController } from './data-controller.ts';
import './data-panel.ts';
import { addClassifierHead, setTrainable, withWeights } from './transfer-head.ts';
import { CanvasMapsController } from './canvas-maps.ts';
import { fieldOnPhoto, fieldText } from './node-fields.ts';
import type { ActivationViewer } from './activation-viewer.ts';
import { explainForScripts, explainInEditor, type ExplainHooks } from './explain-value.ts';

const THEME_KEY = 'deepwire.theme';

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
      /** Trains the graph as Keras' model.fit (options in Keras' words, camel-cased); resolves to Keras' History. */
      fit(options?: Record<string, unknown>): Promise<KerasHistory>;
      /** Runs the graph on the input and gives its output with the top classes, named when it was trained here. */
      predict(): Promise<Prediction>;
      /** How the last run computed node `nodeId`'s value at (y, x, c) (c alone for a vector): src/explain/. */
      explain(nodeId: string, y: number, x: number, c: number): Promise<Explanation>;
      /** A saliency map (and with `gradCam`, Grad-CAM) of a node's channel or a classifier's class, on the input fed. */
      saliency(request: WhereRequest): Promise<PlainWhereItLooks>;
    };
  }
}

@customElement('dw-app')
export class AppShell extends LitElement {
  static override styles = css`
    :host {
      display: grid; height: 100vh; color: var(--dw-fg); background: var(--dw-bg); font: 13px/1.4 system-ui, sans-serif;
      /* The columns, rows and areas are panel-layout.ts's plan (panels open or folded, the maps beside or below). */
      grid-template-columns: 220px minmax(0, 1fr) 300px; grid-template-rows: auto minmax(0, 1fr) 28px auto;
      grid-template-areas: 'bar bar bar' 'palette canvas side' 'palette summary side' 'status status status';
    }
    dw-toolbar { grid-area: bar; }
    .palette { grid-area: palette; border-right: 1px solid var(--dw-border); }
    dw-palette { flex: 1; min-height: 0; }
    .canvas { grid-area: canvas; position: relative; min-height: 0; min-width: 0; }
    dw-canvas { position: absolute; inset: 0; }
    .side-panel { grid-area: side; border-left: 1px solid var(--dw-border); }
    .side { flex: 1; display: flex; flex-direction: column; min-height: 0; }
    dw-input-panel { flex: none; max-height: 55%; overflow-y: auto; }
    dw-inspector { flex: 1; min-height: 0; }
    /* The maps beside the canvas (a column the height of the canvas and the summary) or below it, as the plan says. */
    .viewer { grid-area: viewer; min-width: 0; min-height: 0; border-left: 1px solid var(--dw-border); }
    :host([dock='below']) .viewer { border-left: none; border-top: 1px solid var(--dw-border); }
    .dock { font: inherit; font-size: 12px; padding: 2px 4px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); }
    .drop {
      position: fixed; inset: 0; z-index: 50; display: grid; place-items: center; pointer-events: none;
      background: rgb(47 111 222 / 0.12); border: 3px dashed var(--dw-accent); font-size: 18px; color: var(--dw-accent);
    }
    .summary-panel { grid-area: summary; border-top: 1px solid var(--dw-border); }
    dw-summary { flex: 1; min-height: 0; }
    dw-status-bar { grid-area: status; }
    /* Outline view: the summary table (a screen reader's way through the graph) replaces the canvas. */
    :host([outline]) .canvas { display: none; }
    .message {
      position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 10; max-width: 70%;
      padding: 7px 12px; border-radius: 6px; box-shadow: 0 3px 12px rgb(0 0 0 / 0.2); display: flex; gap: 10px; align-items: start;
      background: var(--dw-panel-bg); border: 1px solid var(--dw-border);
    }
    .message.error { background: var(--dw-error-bg); color: var(--dw-error); border-color: var(--dw-error); }
    .message button { border: none; background: none; color: inherit; cursor: pointer; font-size: 15px; padding: 0; }
    /* Over the canvas's right side, below the toolbar's Train button; the canvas keeps its size. As tall as the
       window allows (over the maps when they dock below a short canvas), so that its chart is not scrolled away. */
    dw-train-panel { position: absolute; top: 8px; right: 8px; z-index: 20; width: min(460px, calc(100% - 16px)); max-height: calc(100vh - 100px); overflow-y: auto; }
  `;

  private doc = new DocumentController(this, {
    say: (kind, text, holds) => this.say(kind, text, holds),
    shown: () => this.runs.graphShown(),
    loaded: () => void this.updateComplete.then(() => this.canvas.fitReadable()),
  });
  @state() private selected: string[] = [];
  @state() private theme: 'light' | 'dark' = 'light';
  @state() private message: { kind: 'info' | 'error'; text: string; holds?: () => boolean } | null = null;
  @state() private blockForm: (BlockForm & { position?: Position }) | null = null;
  @state() private shortcutsOpen = false;
  @state() private outline = false;
  /** The receptive field hovered in the viewer (input pixels), outlined on the input panel's photo. */
  @state() private fieldHover: PixelRect | null = null;
  private device = new DeviceController(this);
  /** Which side panels are open and where the maps dock (kept across reloads). */
  private layout = new PanelLayoutController(this, {
    maps: () => this.runs.mapsOpen,
    outline: () => this.outline,
    chrome: () => (this.toolbar?.offsetHeight ?? 0) + (this.renderRoot.querySelector<HTMLElement>('dw-status-bar')?.offsetHeight ?? 0),
  });
  @query('dw-canvas') private canvas!: GraphCanvas;
  @query('dw-toolbar') private toolbar!: ToolBar;
  @query('dw-palette') private palette!: OpPalette;
  @query('dw-inspector') private inspector!: AttrInspector;
  @query('dw-open-model') private modelDialog!: OpenModelDialog;
  @query('dw-activation-viewer') private viewerElement?: ActivationViewer;

  private input = new InputController(this, {
    graph: () => ({ report: this.doc.report, seed: this.doc.graph.seed ?? 0 }),
    say: (kind, text) => this.say(kind, text),
    choiceChanged: () => this.runs.refreshFaces(),
  });
  private runs = new RunsController(this, {
    graph: () => this.doc.graph,
    report: () => this.doc.report,
    feeds: () => this.input.feeds(),
    selected: () => this.selected,
    say: (kind, text, holds) => this.say(kind, text, holds),
    where: (node) => this.doc.where(node),
  });
  /** Strips of channel maps under the nodes and the photo at its Input (canvas-maps.ts). */
  private canvasMaps = new CanvasMapsController(this, {
    report: () => this.doc.report,
    runNumber: () => this.runs.runNumber,
    source: (id) => this.runs.source(id),
    photo: () => this.input.feeds().preview,
    say: (kind, text) => this.say(kind, text),
  });
  /** "Explain this value" (explain-value.ts): the last run's tensors and the weights it used. */
  private explainHooks: ExplainHooks = {
    report: () => this.doc.report, seed: () => this.doc.graph.seed ?? 0, store: getWeightStore,
    activation: (id) => this.runs.activation(id), stale: (id) => !!this.runs.faces.get(id)?.stale,
  };
  /** The user's own data sets (class sets, image folders, the full Fashion-MNIST): the Train panel's data. */
  private data = new DataController(this, {
    report: () => this.doc.report,
    feed: () => ({ resize: this.input.choice.resize, preprocess: this.input.choice.preprocess }),
  });
  private training = new TrainController(this, {
    graph: () => this.doc.graph,
    report: () => this.doc.report,
    engine: () => this.runs.openEngine(),
    commit: (graph) => this.doc.commit(graph),
    datasets: this.data,
    results: {
      openExample: (canvas, label, photo) => void this.openExample(canvas, label, photo),
      classPicture: (dataset, file) => this.data.picture(dataset, file),
      showMaps: () => void (this.runs.mapsOpen || this.runs.toggleMaps()),
      runNumber: () => this.runs.runNumber,
    },
  });
  /** "Where it looks" (saliency, Grad-CAM): the page's graph, input and device. */
  private whereHooks: WhereHooks = { graph: () => this.doc.graph, report: () => this.doc.report, feeds: () => this.input.feeds(), engine: () => this.runs.openEngine() };
  private computeWhere = (request: WhereRequest) => computeWhereItLooks(this.whereHooks, request);
  private activationOf = (id: string) => this.runs.activation(id);
  /** The data panel's "Predict the input": its top classes, or why there are none. */
  @state() private prediction: { top: Prediction | null; error: string } = { top: null, error: '' };
  @state() private dragging = false;
  /** Each node's mosaic of the last run, for tests (they wait for the mosaics to be drawn). */
  get mosaics(): ReadonlyMap<string, string> { return this.runs.mosaics; }
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
      run: () => this.runs.run(),
      activation: (id) => this.runs.activation(id),
      fit: (options) => this.training.start(options ?? {}),
      predict: () => this.predictInput(),
      explain: (id, y, x, c) => explainForScripts(this.explainHooks, id, y, x, c),
      saliency: async (request) => plainWhereItLooks(await this.computeWhere(request)),
    };
    window.addEventListener('paste', this.onPaste);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', () => (this.dragging = false));
    this.addEventListener('drop', this.onDrop);
    void this.doc.start();
    void this.input.loadSample(SAMPLES[0].url, SAMPLES[0].name);
    void this.device.probe();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('paste', this.onPaste);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    // A message about the graph or the input goes once it no longer holds (the graph mended, a run that worked).
    if (this.message?.holds && !this.message.holds()) this.message = null;
    // Where the maps are (panel-layout.ts plans the grid; the styles draw the viewer's border by its dock).
    this.toggleAttribute('maps', this.runs.mapsOpen);
    const dock = this.layout.plan?.dock;
    if (dock) this.setAttribute('dock', dock);
    else this.removeAttribute('dock');
  }

  override render() {
    const inspected = this.inspected();
    const prefs = this.layout.prefs;
    const viewer = this.runs.viewer;
    // While the Train panel's probe is shown, the viewer shows the selected node's map on it at the chosen snapshot.
    const probe = this.runs.mapsOpen ? this.training.runs.probeFor(viewer.id, viewer.name) : null;
    const rows = summaryRows(this.doc.report);
    const graphProblems = this.doc.report.problems.filter((p) => !p.node).map((p) => p.message);
    const nodeProblems = this.doc.report.problems.filter((p) => p.node).map((p) => `${this.doc.report.byId.get(p.node!)?.name ?? p.node}: ${p.message}`);
    return html`
      <dw-toolbar .canUndo=${this.doc.canUndo} .canRedo=${this.doc.canRedo} .theme=${this.theme}
        .names=${this.doc.report.nodes.map((n) => n.name)} .running=${this.runs.running} .progress=${this.runs.progress}
        .heatmap=${this.runs.heatmap} .mapsOpen=${this.runs.mapsOpen} .trainOpen=${this.training.open} .training=${this.training.busy}
        @command=${(e: CustomEvent<{ name: string }>) => this.runCommand(e.detail.name)}
        @find=${(e: CustomEvent<{ query: string }>) => this.find(e.detail.query)}
        @open-file=${(e: CustomEvent<{ file: File }>) => this.doc.openFile(e.detail.file)}></dw-toolbar>
      <dw-panel class="palette" panel="palette" label="Palette" edge="left" .collapsed=${!prefs.palette} shortcut=${keysOf('toggle-palette')} @panel-toggle=${this.onPanelToggle}>
        <dw-palette .items=${PALETTE} @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string }>) => this.addItem(e.detail.kind, e.detail.type)}></dw-palette>
      </dw-panel>
      <div class="canvas">
        <dw-canvas .graph=${this.doc.graph} .report=${this.doc.report} .quickAdd=${QUICK_ADD} .runInfo=${this.canvasMaps.faces(this.runs.faces)}
          @map-open=${(e: CustomEvent<{ id: string; channel: number }>) => void this.openMap(e.detail.id, e.detail.channel)}
          @rewire=${(e: CustomEvent<{ inputs: Record<string, string[]> }>) => this.rewire(e.detail.inputs)}
          @nodes-moved=${(e: CustomEvent<{ positions: Record<string, Position> }>) => this.doc.commit(moveNodes(this.doc.graph, e.detail.positions))}
          @selection-change=${(e: CustomEvent<{ ids: string[] }>) => this.onSelection(e.detail.ids)}
          @add-item=${(e: CustomEvent<{ kind: 'op' | 'block'; type: string; position: Position }>) => this.addItem(e.detail.kind, e.detail.type, e.detail.position)}
          @node-command=${(e: CustomEvent<{ command: string; id: string; ids?: string[] }>) => this.nodeCommand(e.detail.command, e.detail.id, e.detail.ids)}
          @group-command=${(e: CustomEvent<{ ids: string[]; collapse: boolean }>) => this.doc.commit(setCollapsed(this.doc.graph, e.detail.ids, e.detail.collapse))}
          @canvas-message=${(e: CustomEvent<{ text: string }>) => this.say('info', e.detail.text)}></dw-canvas>
        ${this.training.open ? html`<dw-train-panel .fields=${this.training.fields} .datasets=${this.data.list()} .code=${this.training.code} .status=${this.training.status}
          .progress=${this.training.progress} .results=${this.training.runs.view()} .error=${this.training.error || (this.training.busy ? '' : this.training.optionsError)} .result=${this.training.result}
          @train-options=${(e: CustomEvent<{ options: TrainFields }>) => this.training.setFields(e.detail.options)}
          @train-command=${(e: CustomEvent<{ name: string }>) => this.training.command(e.detail.name)}
          @train-results=${(e: CustomEvent<{ action: string; value: unknown }>) => this.training.runs.action(e.detail.action, e.detail.value)}>
          <dw-data-panel slot="data" .data=${this.data} .version=${this.data.version} .fields=${this.training.fields} .busy=${this.training.busy}
            .prediction=${this.prediction.top} .predictionError=${this.prediction.error}
            @data-command=${(e: CustomEvent<{ name: string; set?: string; classes?: number }>) => void this.dataCommand(e.detail)}></dw-data-panel></dw-train-panel>` : null}
        ${this.message ? html`<div class="message ${this.message.kind}" role=${this.message.kind === 'error' ? 'alert' : 'status'} data-testid="message">
          <span>${this.message.text}</span><button aria-label="Dismiss" @click=${() => (this.message = null)}>×</button></div>` : null}
      </div>
      ${this.runs.mapsOpen ? html`<dw-activation-viewer class="viewer" data-testid="activation-viewer" .source=${probe ? probe.source : viewer.source}
        .message=${probe ? (probe.source ? '' : probe.pending ? `Drawing ${viewer.name}'s map on the probe…` : `${viewer.name} has no map of its own on the probe.`) : viewer.message}
        .nodeLabel=${probe ? `${viewer.name} · probe, ${probe.label}` : viewer.name} .nodeId=${viewer.id} .photo=${this.input.feeds().preview}
        .field=${probe ? null : fieldOnPhoto(this.doc.report, viewer.id, this.input.feeds().preview)} .globalRange=${this.runs.globalRange} .globalSources=${this.runs.globalSources}
        .compareOptions=${this.runs.compareOptions()} .compareSource=${this.runs.compareSource} @close=${() => this.runs.closeMaps()}
        .explainer=${probe ? null : (at: number[], image: number) => explainInEditor(this.explainHooks, viewer.id, at, image)}
        .classNames=${this.doc.report.outputs.includes(viewer.id) ? this.doc.graph.classNames ?? null : null}
        @compare-request=${(e: CustomEvent<{ id: string }>) => void this.runs.loadCompare(e.detail.id)}
        @field-hover=${(e: CustomEvent<{ rect: PixelRect | null }>) => this.showField(e.detail.rect)}>
        <select slot="actions" class="dock" data-testid="maps-dock" aria-label="Where the maps dock" title="Where the maps dock: beside the canvas, below it, or as the window's size allows"
          @change=${(e: Event) => this.layout.setDock((e.target as HTMLSelectElement).value as DockChoice)}>
          ${(['auto', 'right', 'below'] as const).map((d) => html`<option value=${d} ?selected=${prefs.dock === d}>${d === 'auto' ? `Dock: auto (${this.layout.plan?.dock === 'right' ? 'beside' : 'below'})` : d === 'right' ? 'Dock: beside' : 'Dock: below'}</option>`)}
        </select>
        <dw-where-it-looks slot="where" .nodeId=${viewer.id} .report=${this.doc.report} .classNames=${this.doc.graph.classNames} .photo=${this.input.feeds().preview}
          .compute=${this.computeWhere} .activation=${this.activationOf}></dw-where-it-looks></dw-activation-viewer>` : null}
      <dw-panel class="side-panel" panel="side" label="Input & inspector" edge="right" .collapsed=${!prefs.side} shortcut=${keysOf('toggle-side')} @panel-toggle=${this.onPanelToggle}>
      <div class="side">
        <dw-input-panel .feed=${this.input.feeds().info} .preview=${this.input.feeds().preview} .outline=${this.runs.mapsOpen ? this.fieldHover : null} .notes=${this.input.notes} .error=${this.input.error || this.input.feeds().error || this.input.feeds().refused}
          .resize=${this.input.choice.resize} .preprocess=${this.input.choice.preprocess} .samples=${SAMPLES}
          @image-file=${(e: CustomEvent<{ file: File }>) => void this.input.loadFile(e.detail.file)}
          @image-sample=${(e: CustomEvent<{ url: string; name: string }>) => void this.input.loadSample(e.detail.url, e.detail.name)}
          @image-frame=${(e: CustomEvent<{ canvas: HTMLCanvasElement; name: string }>) => this.input.useFrame(e.detail.canvas, e.detail.name)}
          @resize-change=${(e: CustomEvent<{ mode: ResizeMode }>) => this.input.setResize(e.detail.mode)}
          @preprocess-change=${(e: CustomEvent<{ mode: Preprocess }>) => this.input.setPreprocess(e.detail.mode)}></dw-input-panel>
        <dw-inspector .node=${inspected} .selectedCount=${this.selected.length} .block=${this.selectedBlock()} .activations=${Object.keys(ACTIVATIONS)} .initializers=${[...INITIALIZERS]}
          @attr-change=${(e: CustomEvent<{ id: string; key: string; value: unknown }>) => this.doc.commit(setAttr(this.doc.graph, e.detail.id, e.detail.key, e.detail.value))}
          @rename=${(e: CustomEvent<{ id: string; name: string }>) => this.doc.commit(rename(this.doc.graph, e.detail.id, e.detail.name))}
          @node-command=${(e: CustomEvent<{ command: string; id: string }>) => this.nodeCommand(e.detail.command, e.detail.id)}
          @block-trainable=${(e: CustomEvent<{ trainable: boolean }>) => this.doc.commit(setTrainable(this.doc.graph, this.doc.report, this.selected, e.detail.trainable))}></dw-inspector>
      </div>
      </dw-panel>
      <dw-panel class="summary-panel" panel="summary" label="Summary" edge="bottom" .collapsed=${!prefs.summary && !this.outline} shortcut=${keysOf('toggle-summary')}
        note=${`${rows.length} layers · ${formatCount(this.doc.report.totals.params)} params · ${formatCompactCount(this.doc.report.totals.flops)} FLOPs`} @panel-toggle=${this.onPanelToggle}>
        <dw-summary .rows=${rows} .totals=${this.doc.report.totals} @focus-node=${(e: CustomEvent<{ id: string }>) => this.canvas.focusNode(e.detail.id)}></dw-summary>
      </dw-panel>
      <dw-status-bar .nodes=${this.doc.graph.nodes.length} .params=${this.doc.report.totals.params} .flops=${this.doc.report.totals.flops}
        .losses=${this.runs.lossesText()} .runSummary=${this.runs.summary} .runProgress=${this.runs.running ? this.runs.progress?.text ?? 'running…' : null}
        .problems=${[...graphProblems, ...nodeProblems]} .adapter=${this.device.adapter} .selfTest=${this.device.selfTest}></dw-status-bar>
      <dw-block-dialog .block=${this.blockForm} @close=${() => (this.blockForm = null)}
        @insert-block=${(e: CustomEvent<{ type: string; values: Record<string, BlockParamValue> }>) => this.insertBlock(e.detail.type, e.detail.values, this.blockForm?.position)}></dw-block-dialog>
      <dw-open-model @model-open=${(e: CustomEvent<OpenedModel>) => this.openModel(e.detail)}></dw-open-model>
      <dw-shortcuts .open=${this.shortcutsOpen} @close=${() => (this.shortcutsOpen = false)}></dw-shortcuts>
      ${this.dragging ? html`<div class="drop" data-testid="drop-overlay">Drop a photo (or a .npy) to run on it, or a .onnx model to open it</div>` : null}
    `;
  }

  // ── messages and what the panels show ────────────────────────────────────────────────────────────

  private onPanelToggle = (e: CustomEvent<{ panel: Panel }>): void => {
    // In the outline the summary is the page's main view: its toggle leaves the outline.
    if (e.detail.panel === 'summary' && this.outline) return void this.runCommand('outline');
    this.layout.toggle(e.detail.panel);
  };

  /** Opens a folded panel before the keyboard goes into it ('/' into the palette, Enter into the inspector). */
  private async unfold(panel: Panel): Promise<void> {
    if (this.layout.prefs[panel]) return;
    this.layout.toggle(panel, true);
    await this.updateComplete;
  }

  /** Export ▸ PyTorch / Keras script: the files the CLI's export writes, downloaded; a graph with problems is refused with the first. */
  private async exportGraph(kind: 'export-pytorch' | 'export-keras'): Promise<void> {
    await weightsReady();
    // The document's analysis marks imported weights gone from storage: an export never swaps in random ones silently.
    const { graph, report } = this.doc;
    let exported: ReturnType<typeof kerasScriptFile>;
    try {
      exported = kind === 'export-pytorch' ? pytorchFiles(graph, report, getWeightStore()) : kerasScriptFile(graph, report);
    } catch (e) {
      const { message, hint } = e as { message: string; hint?: string };
      return this.say('error', `Export failed: ${message}${hint ? ` — ${hint}` : ''}`);
    }
    for (const file of exported.files) downloadFile(file);
    this.say('info', `Exported ${exported.summary}.`);
  }

  /** Save with weights: one .json carrying the imported and trained weights its nodes refer to (persistence.ts). */
  private async saveWithWeights(): Promise<void> {
    await weightsReady();
    try {
      const { name, tensors, bytes } = downloadGraphWithWeights(this.doc.graph, getWeightStore());
      this.say('info', tensors
        ? `Saved ${name} with ${tensors} weight tensor${tensors === 1 ? '' : 's'} inside (${formatMegabytes(bytes)}).`
        : `Saved ${name}: no node has imported or trained weights, so its weights come from its seed as with Save.`);
    } catch (e) {
      const { message, hint } = e as { message: string; hint?: string };
      this.say('error', `Not saved: ${message}${hint ? ` — ${hint}` : ''}`);
    }
  }

  /** An error stays until dismissed or replaced, or until `holds` says it is no longer true; an info message
   *  for 4 s on screen, counted from the frame that draws it, not from when it was said: drawing what it
   *  announces (an opened model) can hold the page for seconds first, and those seconds used to come out of the 4. */
  private say(kind: 'info' | 'error', text: string, holds?: () => boolean): void {
    const message = { kind, text, holds };
    this.message = message;
    clearTimeout(this.messageTimer);
    if (kind !== 'info') return;
    void this.updateComplete.then(() => requestAnimationFrame(() => {
      if (this.message !== message) return; // replaced, dismissed or undone meanwhile
      this.messageTimer = window.setTimeout(() => {
        if (this.message === message) this.message = null;
      }, 4000);
    }));
  }

  /** A node's height as the canvas draws it: its sockets, and the box of its error if it has one. */
  private drawnHeight = (n: GraphFile['nodes'][number]): number =>
    nodeHeight(Math.max(n.inputs?.length ?? 0, 1), !!this.doc.report.byId.get(n.id)?.problems.length);

  /** The collapsed block whose members are exactly the selection (selecting a collapsed block selects them all). */
  private selectedBlock(): InspectedBlock | null {
    if (this.selected.length < 2) return null;
    const chosen = new Set(this.selected);
    const g = (this.doc.graph.groups ?? []).find((x) => x.collapsed && x.nodes.length === chosen.size && x.nodes.every((id) => chosen.has(id)));
    if (!g) return null;
    const params = g.nodes.reduce((sum, id) => {
      const p = this.doc.report.byId.get(id)?.params;
      return sum + (p ? p.trainable + p.nonTrainable : 0);
    }, 0);
    const weighted = withWeights(this.doc.report, g.nodes);
    const frozen = weighted.filter((id) => this.doc.report.byId.get(id)!.attrs.trainable === false).length;
    return { name: g.name, layers: g.nodes.length, params, withWeights: weighted.length, frozen };
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
      losses: this.runs.nodeLossText(r.id),
      trainable: r.weights.length ? r.attrs.trainable !== false : undefined,
      receptiveField: fieldText(this.doc.report, r.id),
      mapsOnCanvas: this.canvasMaps.isShown(r.id),
    };
  }

  /** Runs the graph on the input and names its top classes (the graph's class names once trained here). */
  private async predictInput(): Promise<Prediction> {
    await this.runs.run();
    const output = await this.runs.activation(this.doc.graph.outputs[0]);
    if (!output) throw new Error('the run gave no output to predict with');
    return topClasses(output, this.doc.graph.classNames);
  }

  /** The data panel's actions that edit the graph or run it. */
  private async dataCommand(command: { name: string; set?: string; classes?: number }): Promise<void> {
    if (command.name === 'add-head') {
      try {
        const head = addClassifierHead(this.doc.graph, this.doc.report, command.classes ?? 0);
        this.doc.commit(head.graph);
        // The head is for this set: it becomes the dataset to train on.
        this.training.setFields({ ...this.training.fields, dataset: command.set! });
        this.say('info', head.text);
        void this.selectSoon([head.added[head.added.length - 1]]);
      } catch (e) {
        this.say('error', `No head added: ${(e as Error).message}.`);
      }
    }
    if (command.name === 'predict') {
      try {
        this.prediction = { top: await this.predictInput(), error: '' };
      } catch (e) {
        const error = e as Error & { hint?: string };
        this.prediction = { top: null, error: `No prediction: ${error.message}${error.hint ? ` — ${error.hint}` : ''}` };
      }
    }
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

  private anchorForBlock(): BlockAnchor | null {
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
    const { graph, ids, output } = placeBlock(this.doc.graph, block, values, {
      anchor: this.anchorForBlock(), position, viewCentre: () => this.canvas.viewCentre(), drawnHeight: this.drawnHeight,
    });
    this.doc.commit(graph);
    this.blockForm = null;
    void this.selectSoon([output]);
    // Show the new block where it landed, which may be out of view.
    void this.updateComplete.then(() => this.canvas.reveal(ids));
    return ids;
  }

  private rewire(inputs: Record<string, string[]>): void {
    let g = this.doc.graph;
    for (const [target, sources] of Object.entries(inputs)) g = setInputs(g, target, sources);
    this.doc.commit(g);
  }

  private nodeCommand(command: string, id: string, given?: string[]): void {
    if (command === 'edit') return void this.unfold('side').then(() => this.updateComplete).then(() => this.inspector.focusFirst());
    if (command === 'toggle-maps') return this.canvasMaps.toggle(id);
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

  /** The field of the map position hovered in the viewer, outlined on the input panel's photo too. */
  private showField(rect: PixelRect | null): void {
    const same = (a: PixelRect | null, b: PixelRect | null) => a === b || (!!a && !!b && a.top === b.top && a.left === b.left && a.bottom === b.bottom && a.right === b.right);
    if (!same(rect, this.fieldHover)) this.fieldHover = rect;
  }

  /** A map clicked on the canvas: its node in the activation viewer, that channel zoomed. */
  private async openMap(id: string, channel: number): Promise<void> {
    await this.selectSoon([id]);
    await (this.runs.mapsOpen ? this.runs.refreshViewer() : this.runs.toggleMaps());
    await this.updateComplete;
    this.viewerElement?.showChannel(channel);
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
      case 'run': return void this.runs.run().catch(() => undefined);
      case 'cancel': return void this.runs.cancel();
      case 'heatmap': return this.runs.toggleHeatmap();
      case 'maps': return this.runs.toggleMaps();
      case 'train': return this.training.toggle();
      case 'pretrained': return this.openPretrainedModel();
      case 'open-model': return this.modelDialog.show();
      case 'new':
        this.doc.commit(emptyGraph());
        return this.canvas.resetView();
      case 'save': return downloadGraph(this.doc.graph);
      case 'save-weights': return this.saveWithWeights();
      case 'export-pytorch':
      case 'export-keras': return this.exportGraph(name);
      case 'share': return this.doc.share();
      case 'undo': return this.undo();
      case 'redo': return this.redo();
      case 'fit': return this.canvas.fit();
      case 'arrange':
        this.doc.commit(moveNodes(this.doc.graph, await this.canvas.autoArrange()));
        // The new layout has another extent: show all of it, as F does.
        return this.canvas.fit();
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

  private onSelection(ids: string[]): void {
    this.selected = ids;
    this.runs.selectionChanged(ids);
  }

  /** A model from the Open model gallery or a dropped .onnx: one undo step; its weights are in the session store. */
  private openModel(model: OpenedModel): void {
    if (!this.doc.load(acceptGraph(model.graph), true).ok) return;
    this.doc.remarkWeights();
    if (model.preprocess) this.input.setPreprocess(model.preprocess);
    this.say('info', `Opened ${[model.label, ...model.notes].join('; ')}.`);
  }

  /** A held-out image from the Train panel as the input, and its maps: a built-in set's as the network saw it
   *  ([0, 1]); a user's photo (`photo`) through the input's own resize and preprocessing, as training fed it. */
  private async openExample(canvas: HTMLCanvasElement, label: string, photo = false): Promise<void> {
    if (!photo) this.input.setPreprocess('unit');
    this.input.useFrame(canvas, label);
    await this.runs.run().catch(() => undefined);
    if (!this.runs.mapsOpen) await this.runs.toggleMaps();
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
      setTimeout(() => void this.runs.run().catch(() => undefined));
    },
    'cancel-run': () => this.runs.cancel(),
    undo: () => this.undo(),
    redo: () => this.redo(),
    copy: () => this.copy(),
    cut: () => (this.copy(), this.doc.commit(removeNodes(this.doc.graph, this.selected))),
    paste: () => void (this.pasteTimer = window.setTimeout(() => this.paste(), 60)),
    duplicate: () => this.duplicate(this.selected),
    'select-all': () => void this.selectSoon(this.doc.graph.nodes.map((n) => n.id)),
    save: () => downloadGraph(this.doc.graph),
    'save-weights': () => void this.saveWithWeights(),
    open: () => this.toolbar.openFilePicker(),
    find: () => this.toolbar.focusFind(),
    delete: () => this.doc.commit(removeNodes(this.doc.graph, this.selected)),
    fit: () => void this.canvas.fit(),
    'toggle-block': () => this.toggleBlocks(false),
    'toggle-all-blocks': () => this.toggleBlocks(true),
    'toggle-canvas-maps': () => this.canvasMaps.toggleAll(),
    arrange: () => void this.runCommand('arrange'),
    'search-palette': () => void this.unfold('palette').then(() => this.palette.focusSearch()),
    help: () => void (this.shortcutsOpen = true),
    'clear-selection': () => void this.selectSoon([]),
    'edit-node': () => (this.selected.length === 1 ? void this.unfold('side').then(() => this.inspector.focusFirst()) : false),
    'toggle-palette': () => this.layout.toggle('palette'),
    'toggle-side': () => this.layout.toggle('side'),
    'toggle-summary': () => this.layout.toggle('summary'),
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
