// Where a benchmark page (page.ts, lab-page.ts, fixed-cost-page.ts) reads a workload's files: from the
// page's own Vite server, which answers a missing file with its HTML fallback.
import type { Sources } from './workloads.ts';

export const pageSources: Sources = {
  async file(path) {
    const response = await fetch(`/${path}`);
    if (!response.ok || response.headers.get('content-type')?.includes('text/html')) return null;
    return new Uint8Array(await response.arrayBuffer());
  },
};
