// The editor's Content-Security-Policy, written once: in index.html's <meta>, which every host serves.
// A header is stronger (it also takes frame-ancestors, which a <meta> cannot set, and covers the
// service worker's own fetches), so where the server can send one it does: `vite preview` sends it,
// and the build writes `dist/_headers`, which Netlify and Cloudflare Pages read. The meta stays for
// the hosts that take no headers (GitHub Pages, a plain file server).
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** What a header may add to the page's own policy. */
const HEADER_ONLY = "frame-ancestors 'none'";

/** The policy of index.html's <meta http-equiv="Content-Security-Policy">. */
export function pagePolicy(html: string): string {
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  if (!m) throw new Error('index.html has no Content-Security-Policy <meta>: the site would run without one');
  return m[1];
}

/** The headers every response of the site gets: the policy and the usual hardening. */
export function siteHeaders(html: string): Record<string, string> {
  return {
    'Content-Security-Policy': `${pagePolicy(html)}; ${HEADER_ONLY}`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** `_headers` (Netlify, Cloudflare Pages): the site's headers on every path. */
export function headersFile(headers: Record<string, string>): string {
  return `/*\n${Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
}

export function sitePolicy(indexHtml = 'index.html'): Plugin {
  const headers = () => siteHeaders(readFileSync(indexHtml, 'utf8'));
  return {
    name: 'deepwire-site-policy',
    configurePreviewServer(server) {
      const h = headers();
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(h)) res.setHeader(k, v);
        next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile(headers()) });
    },
  };
}
