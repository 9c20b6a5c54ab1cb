/** Asks for a block's parameters before it is inserted (Inception widths, ResNet strides, …).
 *  @fires insert-block - detail: { type, values }
 *  @fires close */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

export interface BlockForm {
  type: string;
  title: string;
  summary: string;
  params: { key: string; label: string; default: number | string | boolean; options?: readonly string[]; min?: number }[];
  /** Where the block attaches: the selected node's name, or a new Input of this shape. */
  attachTo: string;
}

@customElement('dw-block-dialog')
export class BlockDialog extends LitElement {
  static override styles = css`
    dialog {
      border: 1px solid var(--dw-border); border-radius: 10px; background: var(--dw-panel-bg); color: var(--dw-fg);
      min-width: 320px; box-shadow: 0 8px 30px rgb(0 0 0 / 0.3);
    }
    h2 { margin: 0 0 4px; font-size: 16px; }
    p { margin: 0 0 10px; color: var(--dw-muted); font-size: 12px; }
    form { display: grid; grid-template-columns: auto 1fr; gap: 6px 10px; align-items: center; }
    input, select, button {
      padding: 4px 7px; border: 1px solid var(--dw-border); border-radius: 5px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit;
    }
    .actions { grid-column: 1 / 3; display: flex; justify-content: flex-end; gap: 6px; margin-top: 6px; }
    button.primary { background: var(--dw-accent); color: white; border-color: var(--dw-accent); }
  `;

  @property({ attribute: false }) block: BlockForm | null = null;
  @state() private values: Record<string, number | string | boolean> = {};

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('block') && this.block) this.values = Object.fromEntries(this.block.params.map((p) => [p.key, p.default]));
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.renderRoot.querySelector('dialog')!;
    if (changed.has('block')) {
      if (this.block && !dialog.open) dialog.showModal();
      if (!this.block && dialog.open) dialog.close();
    }
  }

  override render() {
    const b = this.block;
    return html`
      <dialog data-testid="block-dialog" @close=${() => this.dispatchEvent(new CustomEvent('close'))}>
        ${b ? html`
          <h2>${b.title}</h2>
          <p>${b.summary}<br />Attaches to ${b.attachTo}.</p>
          <form method="dialog" @submit=${this.submit}>
            ${b.params.map((p) => html`
              <label for=${`b-${p.key}`}>${p.label}</label>
              ${p.options
                ? html`<select id=${`b-${p.key}`} data-testid=${`block-param-${p.key}`} @change=${(e: Event) => this.setValue(p.key, (e.target as HTMLSelectElement).value)}>
                    ${p.options.map((o) => html`<option .selected=${o === this.values[p.key]} value=${o}>${o}</option>`)}</select>`
                : html`<input id=${`b-${p.key}`} type="number" step="any" min=${p.min ?? ''} data-testid=${`block-param-${p.key}`} required
                    .value=${String(this.values[p.key])} @input=${(e: Event) => this.setValue(p.key, Number((e.target as HTMLInputElement).value))} />`}`)}
            <div class="actions">
              <button type="button" @click=${() => this.renderRoot.querySelector('dialog')!.close()}>Cancel</button>
              <button class="primary" type="submit" data-testid="block-insert">Insert</button>
            </div>
          </form>` : null}
      </dialog>
    `;
  }

  private setValue(key: string, value: number | string): void {
    this.values = { ...this.values, [key]: value };
  }

  private submit(e: Event): void {
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('insert-block', { detail: { type: this.block!.type, values: this.values } }));
    this.renderRoot.querySelector('dialog')!.close();
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-block-dialog': BlockDialog }
}
