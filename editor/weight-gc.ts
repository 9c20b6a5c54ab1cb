// Which stored weight sets may go. Every tab of the editor publishes the sets it refers to (a TabRecord,
// editor/weight-db.ts keeps them); a clean-up in any tab deletes a set only when no record that still
// counts and no shared autosave refers to it. Pure, so the rule is tested apart from IndexedDB.

/** What one tab (by its id, kept across its reloads) refers to. */
export interface TabRecord {
  tab: string;
  /** Sets its autosave's graph refers to: that graph comes back on a reload, a reopened tab or a restored session. */
  saved: string[];
  /** Every set the open page holds (its graph, its undo and redo steps): none of them outlives the page. */
  held: string[];
  /** When a clean-up first found the tab closed (no lock held under its id). */
  closedAt?: number;
}

/** How long a closed tab's autosave keeps its sets: long enough for "reopen closed tab" or the browser's restored session. */
export const CLOSED_TAB_KEEP_MS = 14 * 24 * 3600 * 1000;

export interface Collection {
  /** Stored sets nothing refers to. */
  deleteSets: string[];
  /** Records of tabs closed for longer than CLOSED_TAB_KEEP_MS. */
  dropTabs: string[];
  /** Records to write back: tabs found closed now (their closedAt set), or open again (cleared). */
  rewrite: TabRecord[];
}

/**
 * `open`: ids of the tabs whose page is open now; `pinned`: sets the shared autosave (the graph a new tab
 * opens) refers to, kept however old.
 */
export function collectSets(stored: readonly string[], tabs: readonly TabRecord[], open: ReadonlySet<string>,
  pinned: ReadonlySet<string>, now: number): Collection {
  const keep = new Set(pinned);
  const dropTabs: string[] = [];
  const rewrite: TabRecord[] = [];
  for (const record of tabs) {
    if (open.has(record.tab)) {
      for (const h of [...record.saved, ...record.held]) keep.add(h);
      if (record.closedAt !== undefined) rewrite.push({ tab: record.tab, saved: record.saved, held: record.held });
      continue;
    }
    const closedAt = record.closedAt ?? now;
    if (now - closedAt >= CLOSED_TAB_KEEP_MS) {
      dropTabs.push(record.tab);
      continue;
    }
    // Closed: its undo steps went with the page; what its autosave refers to may come back.
    for (const h of record.saved) keep.add(h);
    if (record.closedAt === undefined) rewrite.push({ ...record, closedAt });
  }
  return { deleteSets: stored.filter((h) => !keep.has(h)), dropTabs, rewrite };
}
