/** The document: the graph being edited (the source of truth), its analysis, undo/redo, autosave, and how a
 *  graph arrives (share link, example, autosave, file) and leaves (share link). A Lit reactive controller:
 *  the host re-renders whenever the graph or its analysis changes. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { analyzeGraph, type GraphFile, type GraphReport } from '../src/index.ts';
import demoGraph from '../examples/inception-v1-stem.json';
import { emptyGraph } from './graph-edits.ts';
import { GraphHistory } from './history.ts';
import { placeUnplaced } from './layout.ts';
import { acceptGraph, autosave, parseGraph, parseGraphFile, readShareHash, restoreAutosave, shareHash, type Loaded } from './persistence.ts';
import { adoptWeights, GONE_MESSAGE, markMissingWeights, weightsKept, weightsReady } from './weight-store.ts';

/** Examples a link can open with ?example=NAME (examples/NAME.json). */
const EXAMPLES = import.meta.glob<{ default: unknown }>('../examples/*.json');

export interface DocumentHooks {
  /** An info message, or an error; `holds` says whether an error is still true (it goes once it is not). */
  say(kind: 'info' | 'error', text: string, holds?: () => boolean): void;
  /** A graph is shown (an edit, undo, a load): what depends on it catches up. */
  shown(): void;
  /** A whole graph was loaded: the view fits it, once drawn. */
  loaded(): void;
}

export class DocumentController implements ReactiveController {
  private current: GraphFile = emptyGraph();
  private analysis: GraphReport = analyzeGraph(emptyGraph());
  private history = new GraphHistory();
  /** The last share link made, for scripts and tests (the clipboard may be closed to them). */
  lastShareUrl = '';

  constructor(private host: ReactiveControllerHost, private hooks: DocumentHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  get graph(): GraphFile { return this.current; }
  get report(): GraphReport { return this.analysis; }
  get canUndo(): boolean { return this.history.canUndo; }
  get canRedo(): boolean { return this.history.canRedo; }

  /** Every edit goes through here: one undo step, a fresh analysis, an autosave. */
  commit(next: GraphFile): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.history.record(this.current);
    this.show(next);
  }

  private show(graph: GraphFile): void {
    this.current = graph;
    this.analysis = markMissingWeights(analyzeGraph(graph));
    autosave(graph);
    this.host.requestUpdate();
    this.hooks.shown();
  }

  /** Loads a checked graph; `undoable` keeps the current one a step back. A failure leaves the graph as it is. */
  load(loaded: Loaded, undoable: boolean): Loaded {
    if (!loaded.ok) {
      this.hooks.say('error', `Not opened: ${loaded.message}. Your graph is unchanged.`);
      return loaded;
    }
    const graph = { ...loaded.graph, nodes: placeUnplaced(loaded.graph.nodes) };
    if (undoable) this.commit(graph);
    else this.show(graph);
    this.hooks.loaded();
    return { ok: true, graph: structuredClone(graph) };
  }

  /** Whether there was a step to undo. */
  undo(): boolean {
    const prev = this.history.undo(this.current);
    if (prev) this.show(prev);
    return !!prev;
  }

  /** Whether there was a step to redo. */
  redo(): boolean {
    const next = this.history.redo(this.current);
    if (next) this.show(next);
    return !!next;
  }

  /** 'conv2_3x3: ', the node a message is about, by its name; '' for none. */
  where(node?: string): string {
    return node ? `${this.analysis.byId.get(node)?.name ?? node}: ` : '';
  }

  /** A share link wins, then the autosave, then the demo; a bad link says so and opens the autosave. */
  async start(): Promise<void> {
    const fromLink = await readShareHash(location.hash);
    if (fromLink) history.replaceState(null, '', location.pathname + location.search);
    if (fromLink?.ok) {
      this.load(fromLink, false);
      this.hooks.say('info', 'Opened the graph from the link.');
      return;
    }
    if (fromLink && !fromLink.ok) this.hooks.say('error', `Could not open the link: ${fromLink.message}`);
    // ?example=NAME opens examples/NAME.json once (a reload then finds the autosave).
    const example = new URLSearchParams(location.search).get('example');
    if (example) {
      history.replaceState(null, '', location.pathname + location.hash);
      const module = EXAMPLES[`../examples/${example}.json`];
      if (module) return void this.load(acceptGraph((await module()).default), false);
      this.hooks.say('error', `There is no example '${example}': opened your last graph instead.`);
    }
    const saved = restoreAutosave();
    this.load(saved ? { ok: true, graph: saved } : acceptGraph(demoGraph), false);
    if (saved) await this.weightsRestored();
  }

  /** Marks anew the nodes whose imported weights are missing; how many. The same model opened again (an
   *  unchanged graph, so no commit) brings them back. */
  remarkWeights(): number {
    this.analysis = markMissingWeights(analyzeGraph(this.current));
    this.host.requestUpdate();
    return this.analysis.problems.filter((p) => p.message === GONE_MESSAGE).length;
  }

  /** After a reload: the imported weights are back from IndexedDB, or the nodes needing them say they are gone. */
  private async weightsRestored(): Promise<void> {
    await weightsReady();
    const gone = this.remarkWeights();
    if (gone) this.hooks.say('error', `The imported weights of ${gone} node${gone === 1 ? '' : 's'} are gone from this browser's storage: open the model file again.`,
      () => this.analysis.problems.some((p) => p.message === GONE_MESSAGE));
  }

  async openFile(file: File): Promise<void> {
    const { loaded: parsed, weights } = parseGraphFile(await file.text());
    // Weights inside the file join the session's store (and IndexedDB, for reloads) like an opened model's.
    const loaded = this.load(parsed.ok && weights ? { ok: true, graph: adoptWeights(parsed.graph, weights) } : parsed, true);
    if (!loaded.ok) return;
    if (weights) {
      const problem = await weightsKept(loaded.graph);
      this.remarkWeights();
      if (problem) this.hooks.say('error', `Opened ${file.name} with its weights, but ${problem}`);
    }
    // A file that parses but has problems (an unknown op, a bad wire) opens, problems shown on its nodes.
    await this.host.updateComplete;
    const problems = this.analysis.problems;
    if (!problems.length) return this.hooks.say('info', `Opened ${file.name}${weights ? ` with its weights (${weights.size} tensors)` : ''}.`);
    const p = problems[0];
    this.hooks.say('error', `Opened ${file.name} with ${problems.length} problem${problems.length > 1 ? 's' : ''}, shown on the nodes (first: ${this.where(p.node)}${p.message}). Undo (Ctrl+Z) returns to your previous graph.`,
      () => this.analysis.problems.length > 0);
  }

  async share(): Promise<void> {
    const result = await shareHash(this.current);
    if (!result.ok) return this.hooks.say('error', result.message);
    const url = `${location.origin}${location.pathname}${result.hash}`;
    const copied = await navigator.clipboard?.writeText(url).then(() => true, () => false);
    this.hooks.say('info', copied ? 'Share link copied to the clipboard.' : `Share link: ${url}`);
    this.lastShareUrl = url;
  }
}
