/** Editable attributes of the selected node, one control per AttrSpec kind, plus its name and problems.
 *  @fires attr-change - detail: { id, key, value } (value undefined: back to the Keras default)
 *  @fires rename - detail: { id, name }
 *  @fires node-command - detail: { command: 'extract' | 'toggle-maps', id } ("Extract features here", its maps on the canvas)
 *  @fires block-trainable - detail: { trainable } (every layer with weights of the selected block) */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCount, type AttrSpec } from '../src/index.ts';

export interface InspectedNode {
  id: string;
  op: string;
  name: string;
  summary: string;
  /** Attrs as written in the graph. */
  raw: Record<string, unknown>;
  /** Attrs resolved by the engine (defaults filled, shorthand expanded). */
  resolved: Record<string, unknown>;
  spec: Record<string, AttrSpec>;
  problems: { message: string; hint?: string }[];
  shape: string;
  params: string;
  flops: string;
  /** Its share of Keras' model.losses after the last run, where it has regularizers. */
  losses?: string;
  /** Keras' layer.trainable, for a node with weights (undefined: it has none to freeze). */
  trainable?: boolean;
  /** Its receptive field in the input's pixels ("59×59 px, stride 8"), with where output (0, 0)'s starts. */
  receptiveField?: { text: string; title: string };
  /** Its channel maps are drawn beside it on the canvas after a run (undefined: no run to draw from). */
  mapsOnCanvas?: boolean;
}

/** A collapsed block as the inspector shows it. */
export interface InspectedBlock {
  name: string;
  layers: number;
  params: number;
  /** Its layers with weights, and how many of them are frozen (trainable = False). */
  withWeights: number;
  frozen: number;
}

type Pads = [[number, number], [number, number]];

@customElement('dw-inspector')
export class AttrInspector extends LitElement {
  static override styles = css`
    :host { display: block; padding: 8px 10px; overflow: auto; }
    h2 { margin: 0; font-size: 15px; }
    .summary { color: var(--dw-muted); font-size: 12px; margin: 2px 0 8px; }
    .grid { display: grid; grid-template-columns: auto 1fr; gap: 5px 8px; align-items: center; }
    label { font-family: ui-monospace, monospace; font-size: 11.5px; color: var(--dw-muted); }
    label.set { color: var(--dw-fg); font-weight: 600; }
    input, select {
      box-sizing: border-box; width: 100%; min-width: 0; padding: 3px 5px; border: 1px solid var(--dw-border); border-radius: 4px;
      background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 12px;
    }
    input[type='checkbox'] { width: auto; }
    .row { display: flex; gap: 4px; align-items: center; }
    .row span { color: var(--dw-muted); font-size: 11px; }
    .wide { grid-column: 1 / -1; padding-left: 12px; }
    .problem { background: var(--dw-error-bg); color: var(--dw-error); border-radius: 4px; padding: 4px 6px; margin-bottom: 6px; font-size: 12px; }
    .stats { margin: 8px 0; font-size: 12px; font-variant-numeric: tabular-nums; }
    .empty { color: var(--dw-muted); }
    label.trainable { display: flex; gap: 5px; align-items: center; font-family: inherit; font-size: 12px; color: var(--dw-fg); }
    .note { color: var(--dw-muted); font-size: 11px; }
    .extract { padding: 3px 8px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 12px; cursor: pointer; }
  `;

  @property({ attribute: false }) node: InspectedNode | null = null;
  @property({ attribute: false }) selectedCount = 0;
  /** The collapsed block that is the whole selection, if it is one: its layers are edited once expanded. */
  @property({ attribute: false }) block: InspectedBlock | null = null;
  @property({ attribute: false }) activations: string[] = [];
  @property({ attribute: false }) initializers: string[] = [];

  override render() {
    const n = this.node;
    const b = this.block;
    if (!n && b) return html`<p class="empty" data-testid="inspector-block">Block <b>${b.name}</b>: ${b.layers} layers, ${formatCount(b.params)} params. Expand it (G) to edit its layers.</p>
      ${b.withWeights ? html`<label class="trainable"><input type="checkbox" data-testid="block-trainable" .checked=${b.frozen === 0} .indeterminate=${b.frozen > 0 && b.frozen < b.withWeights}
        @change=${(e: Event) => this.fire('block-trainable', { trainable: (e.target as HTMLInputElement).checked })} />
        trainable <span class="note">(${b.frozen ? `${b.frozen} of ${b.withWeights} layers with weights frozen` : `all ${b.withWeights} layers with weights learn`}; Keras' block.trainable)</span></label>` : nothing}`;
    if (!n) return html`<p class="empty">${this.selectedCount > 1 ? `${this.selectedCount} nodes selected.` : 'Select a node to edit its attributes.'}</p>`;
    return html`
      <h2>${n.op}</h2>
      <div class="summary">${n.summary}</div>
      ${n.problems.map((p) => html`<div class="problem" data-testid="inspector-problem">${p.message}${p.hint ? html`<br />→ ${p.hint}` : nothing}</div>`)}
      <div class="grid">
        <label for="name">name</label>
        <input id="name" data-testid="param-name" .value=${n.name} @change=${(e: Event) => this.fire('rename', { id: n.id, name: (e.target as HTMLInputElement).value })} />
        ${Object.entries(n.spec).map(([key, spec]) => html`
          <label for=${`a-${key}`} class=${key in n.raw ? 'set' : ''} title=${spec.doc ?? ''}>${key}</label>
          ${this.control(key, spec, key in n.raw ? n.raw[key] : n.resolved[key])}`)}
        ${n.trainable === undefined ? nothing : html`
          <label for="a-trainable" class=${n.trainable ? '' : 'set'} title="Keras' layer.trainable: off freezes the weights while training (a BatchNormalization then uses its moving statistics)">trainable</label>
          <input id="a-trainable" type="checkbox" data-testid="param-trainable" .checked=${n.trainable}
            @change=${(e: Event) => this.set('trainable', (e.target as HTMLInputElement).checked ? undefined : false)} />`}
      </div>
      <div class="stats">Output <b data-testid="inspector-shape">${n.shape}</b> · ${n.params} params · ${n.flops} FLOPs</div>
      ${n.receptiveField ? html`<div class="stats" title=${n.receptiveField.title}>Receptive field <b data-testid="inspector-field">${n.receptiveField.text}</b></div>` : nothing}
      ${n.mapsOnCanvas === undefined ? nothing : html`<label class="trainable"><input type="checkbox" data-testid="node-maps-toggle" .checked=${n.mapsOnCanvas}
        @change=${() => this.fire('node-command', { command: 'toggle-maps', id: n.id })} />maps on the canvas <span class="note">(M: every node)</span></label>`}
      ${n.losses ? html`<div class="stats" data-testid="inspector-losses">Regularization: ${n.losses}</div>` : nothing}
      ${n.op === 'Input' ? nothing : html`<button class="extract" data-testid="extract-features" title="Make this node the model's output, as Keras' Model(inputs, layer.output): what comes after it is dropped"
        @click=${() => this.fire('node-command', { command: 'extract', id: n.id })}>Extract features here</button>`}
    `;
  }

  /** Moves keyboard focus to the first attribute (after the name), for Enter on a node. */
  focusFirst(): void {
    const fields = this.renderRoot.querySelectorAll<HTMLElement>('input, select');
    (fields[1] ?? fields[0])?.focus();
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private set(key: string, value: unknown): void {
    this.fire('attr-change', { id: this.node!.id, key, value });
  }

  private control(key: string, spec: AttrSpec, value: unknown): TemplateResult {
    const id = `a-${key}`;
    const tid = `param-${key}`;
    const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
    const numberBox = (v: unknown, onChange: (x: string) => void, testid = tid, step = 'any', elementId = id) => html`
      <input id=${elementId} type="number" step=${step} data-testid=${testid} .value=${v === null || v === undefined ? '' : String(v)}
        @change=${(e: Event) => onChange((e.target as HTMLInputElement).value)} />`;
    const select = (options: readonly string[], current: string, onChange: (x: string) => void) => html`
      <select id=${id} data-testid=${tid} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
        ${options.map((o) => html`<option .selected=${o === current} value=${o}>${o}</option>`)}
      </select>`;
    const list = (v: unknown, parse: (s: string) => unknown, placeholder: string) => html`
      <input id=${id} data-testid=${tid} placeholder=${placeholder} .value=${Array.isArray(v) ? v.join(', ') : v === null || v === undefined ? '' : String(v)}
        @change=${(e: Event) => this.set(key, parse((e.target as HTMLInputElement).value))} />`;
    const parseNumbers = (s: string, empty: unknown) => {
      if (s.trim() === '') return empty;
      const parts = s.split(/[,×x\s]+/).filter(Boolean).map(Number);
      return parts.every(Number.isFinite) ? parts : s; // left as typed: the node shows what is wrong
    };

    switch (spec.kind) {
      case 'int':
        return numberBox(value, (s) => this.set(key, num(s)), tid, '1');
      case 'float':
        return numberBox(value, (s) => this.set(key, num(s)));
      case 'optionalFloat':
        return numberBox(value, (s) => this.set(key, s.trim() === '' ? null : Number(s)));
      case 'bool':
        return html`<input id=${id} type="checkbox" data-testid=${tid} .checked=${!!value} @change=${(e: Event) => this.set(key, (e.target as HTMLInputElement).checked)} />`;
      case 'enum':
        return select(spec.options, String(value), (s) => this.set(key, s));
      case 'activation':
        return select(this.activations, String(value), (s) => this.set(key, s));
      case 'pair': {
        const p = Array.isArray(value) ? value : typeof value === 'number' ? [value, value] : null;
        const auto = spec.default === null;
        return html`<div class="row">
          ${auto ? html`<input type="checkbox" title="auto (Keras default)" data-testid=${`${tid}-auto`} .checked=${p === null}
            @change=${(e: Event) => this.set(key, (e.target as HTMLInputElement).checked ? null : [2, 2])} /><span>auto</span>` : nothing}
          ${p ? html`${numberBox(p[0], (s) => this.set(key, [num(s), p[1]]), `${tid}-0`, '1')}<span>×</span>${numberBox(p[1], (s) => this.set(key, [p[0], num(s)]), `${tid}-1`, '1', `${id}-1`)}` : nothing}
        </div>`;
      }
      case 'padding': {
        const explicit = Array.isArray(value);
        return html`<div>
          ${select(['same', 'valid', 'explicit'], explicit ? 'explicit' : String(value), (s) => this.set(key, s === 'explicit' ? [[1, 1], [1, 1]] : s))}
          ${explicit ? this.pads(key, value as Pads) : nothing}
        </div>`;
      }
      case 'pads':
        return this.pads(key, (Array.isArray(value) && Array.isArray(value[0]) ? value : [[0, 0], [0, 0]]) as Pads);
      case 'ints':
        return list(value, (s) => parseNumbers(s, []), 'e.g. 28, 28, 3');
      case 'floats':
        return list(value, (s) => parseNumbers(s, null), 'none');
      case 'axes':
        return list(value, (s) => {
          const v = parseNumbers(s, undefined);
          return Array.isArray(v) && v.length === 1 ? v[0] : v;
        }, '-1 or 1, 2');
      case 'initializer': {
        const name = typeof value === 'string' ? value : (value as { name?: string; class_name?: string } | null)?.name ?? String(spec.default);
        return select(this.initializers, name, (s) => this.set(key, s));
      }
      case 'regularizer': {
        const r = (value ?? null) as { l1?: number; l2?: number } | string | null;
        const l1 = typeof r === 'object' && r ? r.l1 ?? 0 : r === 'l1' || r === 'l1_l2' ? 0.01 : 0;
        const l2 = typeof r === 'object' && r ? r.l2 ?? 0 : r === 'l2' || r === 'l1_l2' ? 0.01 : 0;
        const update = (a: number, b: number) => this.set(key, a || b ? { l1: a, l2: b } : null);
        return html`<div class="row wide">
          <span>l1</span>${numberBox(l1, (s) => update(Number(s) || 0, l2), `${tid}-l1`)}
          <span>l2</span>${numberBox(l2, (s) => update(l1, Number(s) || 0), `${tid}-l2`, 'any', `${id}-l2`)}
        </div>`;
      }
    }
  }

  private pads(key: string, p: Pads): TemplateResult {
    const set = (i: number, j: number, s: string) => {
      const next = structuredClone(p);
      next[i][j] = Number(s);
      this.set(key, next);
    };
    const box = (i: number, j: number, label: string) => html`<span>${label}</span>
      <input type="number" min="0" step="1" data-testid=${`param-${key}-${label}`} .value=${String(p[i][j])} @change=${(e: Event) => set(i, j, (e.target as HTMLInputElement).value)} />`;
    return html`<div class="row">${box(0, 0, 't')}${box(0, 1, 'b')}${box(1, 0, 'l')}${box(1, 1, 'r')}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-inspector': AttrInspector }
}
