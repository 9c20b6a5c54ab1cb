/** The keyboard cheat sheet, opened with `?`: the key map's table (key-map.ts).
 *  @fires close */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { SHORTCUTS } from './key-map.ts';

@customElement('dw-shortcuts')
export class ShortcutSheet extends LitElement {
  static override styles = css`
    dialog {
      border: 1px solid var(--dw-border); border-radius: 10px; background: var(--dw-panel-bg); color: var(--dw-fg);
      box-shadow: 0 8px 30px rgb(0 0 0 / 0.3);
    }
    h2 { margin: 0 0 8px; font-size: 16px; }
    table { border-collapse: collapse; font-size: 13px; }
    td { padding: 3px 10px 3px 0; }
    kbd {
      font: 12px ui-monospace, monospace; border: 1px solid var(--dw-border); border-bottom-width: 2px; border-radius: 4px;
      padding: 0 5px; background: var(--dw-input-bg);
    }
    button { margin-top: 10px; padding: 4px 10px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); }
  `;

  @property({ type: Boolean }) open = false;

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.renderRoot.querySelector('dialog')!;
    if (changed.has('open')) {
      if (this.open && !dialog.open) dialog.showModal();
      if (!this.open && dialog.open) dialog.close();
    }
  }

  override render() {
    return html`
      <dialog data-testid="shortcuts" aria-label="Keyboard shortcuts" @close=${() => this.dispatchEvent(new CustomEvent('close'))}>
        <h2>Keyboard shortcuts</h2>
        <table>${SHORTCUTS.map(({ keys, description }) => html`<tr><td>${keys.split(' ').map((k) => html`<kbd>${k}</kbd> `)}</td><td>${description}</td></tr>`)}</table>
        <form method="dialog"><button>Close</button></form>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-shortcuts': ShortcutSheet }
}
