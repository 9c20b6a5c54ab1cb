/** A side panel that collapses: open, a slim header whose button folds it away; folded, a strip on its edge
 *  of the page (a vertical one for the palette and the inspector, a row for the summary) that opens it again.
 *  The panel's content stays in the page while folded, so a search typed in the palette or a chosen input survives.
 *  @fires panel-toggle - detail: { panel } */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

const ARROWS = { left: ['‹', '›'], right: ['›', '‹'], bottom: ['▾', '▴'] } as const;

@customElement('dw-panel')
export class PanelFrame extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; overflow: hidden; background: var(--dw-panel-bg); }
    header { flex: none; display: flex; align-items: center; gap: 6px; min-width: 0; padding: 2px 4px 2px 8px; border-bottom: 1px solid var(--dw-border); }
    .title { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--dw-muted); white-space: nowrap; }
    .note { flex: 1; min-width: 0; font-size: 12px; color: var(--dw-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    button {
      flex: none; border: 1px solid transparent; border-radius: 5px; background: none; color: var(--dw-fg); cursor: pointer;
      font: 14px/1 system-ui, sans-serif; padding: 3px 7px; margin-left: auto;
    }
    button:hover, button:focus-visible { background: var(--dw-hover); border-color: var(--dw-border); }
    .body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
    .body[hidden] { display: none; }
    /* Folded left or right: the whole strip is the button, its name written down the page. */
    .rail {
      flex: 1; width: 100%; margin: 0; padding: 8px 0; border: none; border-radius: 0; display: flex; flex-direction: column;
      align-items: center; gap: 8px; font-size: 12px; color: var(--dw-muted);
    }
    .rail span { writing-mode: vertical-rl; white-space: nowrap; letter-spacing: 0.04em; }
    .rail b { font-size: 14px; color: var(--dw-fg); }
  `;

  /** Which panel: names the toggle's test id (`panel-toggle-<panel>`) and the event's detail. */
  @property() panel = '';
  @property() label = '';
  /** The page edge the panel sits on: where the arrows point and how a folded panel is drawn. */
  @property() edge: 'left' | 'right' | 'bottom' = 'left';
  @property({ type: Boolean, reflect: true }) collapsed = false;
  /** Said beside the name (the summary's totals), so that a folded panel still tells something. */
  @property() note = '';
  /** The key that toggles it, for the buttons' titles (key-map.ts). */
  @property() shortcut = '';

  override render() {
    const [fold, unfold] = ARROWS[this.edge];
    const key = this.shortcut ? ` (${this.shortcut})` : '';
    const vertical = this.edge !== 'bottom';
    if (this.collapsed && vertical) {
      return html`<button class="rail" data-testid=${`panel-toggle-${this.panel}`} aria-expanded="false" title=${`Show the ${this.label.toLowerCase()}${key}`}
        @click=${this.toggle}><b aria-hidden="true">${unfold}</b><span>${this.label}</span></button><div class="body" hidden><slot></slot></div>`;
    }
    return html`
      <header>
        <span class="title">${this.label}</span>
        ${this.note ? html`<span class="note" data-testid=${`panel-note-${this.panel}`} title=${this.note}>${this.note}</span>` : null}
        <button data-testid=${`panel-toggle-${this.panel}`} aria-expanded=${!this.collapsed}
          aria-label=${`${this.collapsed ? 'Show' : 'Hide'} the ${this.label.toLowerCase()}`} title=${`${this.collapsed ? 'Show' : 'Hide'} the ${this.label.toLowerCase()}${key}`}
          @click=${this.toggle}>${this.collapsed ? unfold : fold}</button>
      </header>
      <div class="body" ?hidden=${this.collapsed}><slot></slot></div>`;
  }

  private toggle(): void {
    this.dispatchEvent(new CustomEvent('panel-toggle', { detail: { panel: this.panel }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-panel': PanelFrame }
}
