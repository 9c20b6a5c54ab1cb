// The clean-up rule of the stored weight sets across tabs: what an open tab holds (its undo steps too),
// what a closed tab's autosave names (for a while) and what the shared autosave names stay; the rest goes.
import { describe, expect, it } from 'vitest';
import { CLOSED_TAB_KEEP_MS, collectSets, type TabRecord } from './weight-gc.ts';

const NOW = 1_000_000_000_000;
const none = new Set<string>();

describe('collectSets', () => {
  it('keeps every set an open tab holds, its undo and redo steps included, and deletes what no tab refers to', () => {
    const tabs: TabRecord[] = [
      { tab: 'a', saved: ['s1'], held: ['s1', 'undo-only'] },
      { tab: 'b', saved: ['s2'], held: ['s2'] },
    ];
    const out = collectSets(['s1', 's2', 'undo-only', 'orphan'], tabs, new Set(['a', 'b']), none, NOW);
    expect(out).toEqual({ deleteSets: ['orphan'], dropTabs: [], rewrite: [] });
  });

  it('a closed tab: its undo steps went with the page, its autosave\'s sets stay and its closing is noted', () => {
    const tabs: TabRecord[] = [{ tab: 'a', saved: ['s1'], held: ['s1', 'undo-only'] }];
    const out = collectSets(['s1', 'undo-only'], tabs, none, none, NOW);
    expect(out.deleteSets).toEqual(['undo-only']);
    expect(out.rewrite).toEqual([{ tab: 'a', saved: ['s1'], held: ['s1', 'undo-only'], closedAt: NOW }]);
    expect(out.dropTabs).toEqual([]);
  });

  it('a tab closed for longer than CLOSED_TAB_KEEP_MS: its record goes, and its sets unless another refers to them', () => {
    const tabs: TabRecord[] = [
      { tab: 'old', saved: ['s1', 's2'], held: [], closedAt: NOW - CLOSED_TAB_KEEP_MS },
      { tab: 'recent', saved: ['s2'], held: [], closedAt: NOW - CLOSED_TAB_KEEP_MS + 1 },
    ];
    const out = collectSets(['s1', 's2'], tabs, none, none, NOW);
    expect(out).toEqual({ deleteSets: ['s1'], dropTabs: ['old'], rewrite: [] });
  });

  it('the shared autosave (what a new tab opens) keeps its sets however old', () => {
    const tabs: TabRecord[] = [{ tab: 'old', saved: ['s1'], held: [], closedAt: NOW - 2 * CLOSED_TAB_KEEP_MS }];
    const out = collectSets(['s1', 's2'], tabs, none, new Set(['s1']), NOW);
    expect(out).toEqual({ deleteSets: ['s2'], dropTabs: ['old'], rewrite: [] });
  });

  it('a tab open again (reopened, or its session restored) counts in full and loses its closedAt', () => {
    const tabs: TabRecord[] = [{ tab: 'a', saved: ['s1'], held: ['s1', 's2'], closedAt: NOW - 5 }];
    const out = collectSets(['s1', 's2'], tabs, new Set(['a']), none, NOW);
    expect(out).toEqual({ deleteSets: [], dropTabs: [], rewrite: [{ tab: 'a', saved: ['s1'], held: ['s1', 's2'] }] });
  });

  it('no records and nothing pinned: every stored set goes; an open tab with no record changes nothing', () => {
    expect(collectSets(['s1'], [], new Set(['x']), none, NOW).deleteSets).toEqual(['s1']);
    expect(collectSets([], [], none, none, NOW)).toEqual({ deleteSets: [], dropTabs: [], rewrite: [] });
  });
});
