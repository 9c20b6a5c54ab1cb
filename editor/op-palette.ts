/** The palette: ops by category and the lecture's blocks, a search box, click to add or drag to the canvas.
 *  @fires add-item - detail: { kind: 'op' | 'block', type } on click or Enter */
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

export interface PaletteItem {
  kind: 'op' | 'block';
  type: string;
  label: string;
  category: string;
  summary: string;
}

/** Must match the canvas's drop handler (graph-canvas.ts DRAG_MIME); kept literal so this leaf imports nothing. */
const DRAG_MIME = 'application/x-deepwire-item';

@customElement('dw-palette')
export class OpPalette extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; }
    input {
      margin: 8px; padding: 5px 8px; border: 1px solid var(--dw-border); border-radius: 6px;
      background: var(--dw-input-bg); color: var(--dw-fg); font: inherit;
    }
    .list { overflow: auto; padding: 0 8px 8px; }
    h3 { margin: 10px 0 4px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--dw-muted); }
    button {
      display: block; width: 100%; text-align: left; margin: 2px 0; padding: 4px 8px; border-radius: 6px;
      border: 1px solid var(--dw-border); border-left: 4px solid var(--dw-cat, var(--dw-border));
      background: var(--dw-panel-bg); color: var(--dw-fg); font: inherit; cursor: grab;
    }
    button:hover, button:focus-visible { background: var(--dw-hover); outline: none; }
    .summary { display: block; font-size: 11px; color: var(--dw-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .empty { color: var(--dw-muted); padding: 8px; }
  `;

  @property({ attribute: false }) items: PaletteItem[] = [];
  @state() private query = '';

  override render() {
    const q = this.query.trim().toLowerCase();
    const shown = this.items.filter((i) => !q || `${i.label} ${i.type} ${i.category} ${i.summary}`.toLowerCase().includes(q));
    const categories = [...new Set(shown.map((i) => i.category))];
    return html`
      <input type="search" placeholder="Search ops and blocks…" aria-label="Search ops and blocks" data-testid="palette-search"
        .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
        @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && shown[0] && this.pick(shown[0])} />
      <div class="list" role="list">
        ${categories.map((cat) => html`
          <h3>${cat}</h3>
          ${shown.filter((i) => i.category === cat).map((i) => html`
            <button role="listitem" draggable="true" title=${i.summary}
              data-testid=${i.kind === 'op' ? `palette-item-${i.type}` : `palette-block-${i.type}`}
              style="--dw-cat: var(--dw-cat-${i.kind === 'op' ? i.category.toLowerCase() : 'block'})"
              @click=${() => this.pick(i)}
              @dragstart=${(e: DragEvent) => this.onDragStart(e, i)}>
              ${i.label}<span class="summary">${i.summary}</span>
            </button>`)}
        `)}
        ${shown.length ? null : html`<div class="empty">Nothing matches “${this.query}”.</div>`}
      </div>
    `;
  }

  focusSearch(): void {
    this.renderRoot.querySelector('input')?.focus();
  }

  private pick(item: PaletteItem): void {
    this.dispatchEvent(new CustomEvent('add-item', { detail: { kind: item.kind, type: item.type }, bubbles: true, composed: true }));
  }

  private onDragStart(e: DragEvent, item: PaletteItem): void {
    e.dataTransfer?.setData(DRAG_MIME, JSON.stringify({ kind: item.kind, type: item.type }));
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copy';
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-palette': OpPalette }
}
