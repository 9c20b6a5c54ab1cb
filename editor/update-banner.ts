/** The built site's service worker (vite-plugin-pwa, Workbox precache: the app, the bundled models,
 *  samples and datasets), registered from here rather than an inline script (the page's CSP allows
 *  scripts from this origin only). It makes the site work offline after the first visit. A new
 *  version is announced, never swapped in under the user: it waits until they choose Reload (their
 *  graph is autosaved). Absent from the dev server, where `virtual:pwa-register` does nothing. */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { registerSW } from 'virtual:pwa-register';

@customElement('dw-update-banner')
export class UpdateBanner extends LitElement {
  static override styles = css`
    :host { position: fixed; right: 16px; bottom: 36px; z-index: 50; }
    .banner {
      display: flex; gap: 10px; align-items: center; padding: 8px 12px; font: 13px system-ui, sans-serif;
      background: var(--dw-panel-bg); color: var(--dw-fg); border: 1px solid var(--dw-accent); border-radius: 8px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
    }
    button { font: inherit; padding: 3px 10px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-input-bg); color: var(--dw-fg); cursor: pointer; }
    button.primary { border-color: var(--dw-accent); font-weight: 600; }
  `;

  /** 'offline-ready' once the first visit's files are cached; 'update' while a new version waits. */
  @state() private shown: 'offline-ready' | 'update' | null = null;
  private applyUpdate: ((reload?: boolean) => Promise<void>) | null = null;
  private hideTimer = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.applyUpdate = registerSW({
      onNeedRefresh: () => {
        clearTimeout(this.hideTimer);
        this.shown = 'update';
      },
      onOfflineReady: () => {
        // The banner hides after a few seconds; the attribute stays, for tests and for the curious.
        this.dataset['offline'] = 'ready';
        this.shown = 'offline-ready';
        this.hideTimer = window.setTimeout(() => {
          if (this.shown === 'offline-ready') this.shown = null;
        }, 6000);
      },
      onRegisterError: (error) => console.warn('deepwire: the offline cache could not be set up:', error),
    });
  }

  override render() {
    if (this.shown === 'offline-ready')
      return html`<div class="banner" role="status" data-testid="offline-ready">deepwire now works offline.
        <button @click=${() => (this.shown = null)}>OK</button></div>`;
    if (this.shown === 'update')
      return html`<div class="banner" role="status" data-testid="update-ready">A new version of deepwire is ready. Your graph is saved.
        <button class="primary" data-testid="update-reload" @click=${() => void this.applyUpdate?.(true)}>Reload</button>
        <button @click=${() => (this.shown = null)}>Later</button></div>`;
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-update-banner': UpdateBanner }
}
