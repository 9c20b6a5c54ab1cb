// Undo and redo over whole-graph snapshots.
// Why snapshots and not rete-history-plugin: that plugin records node add/remove/move only, so attr
// edits, renames, block inserts, pastes and auto-arrange would each need a custom action. A snapshot
// of the graph JSON covers every edit the same way, makes any bulk edit one step by construction, and
// costs little (a 500-node graph is ~150 kB of JSON; the stack keeps the last LIMIT).
import type { GraphFile } from '../src/index.ts';

const LIMIT = 200;

export class GraphHistory {
  private past: string[] = [];
  private future: string[] = [];

  /** Records the graph as it was before an edit. */
  record(before: GraphFile): void {
    this.past.push(JSON.stringify(before));
    if (this.past.length > LIMIT) this.past.shift();
    this.future = [];
  }

  undo(current: GraphFile): GraphFile | null {
    const prev = this.past.pop();
    if (prev === undefined) return null;
    this.future.push(JSON.stringify(current));
    return JSON.parse(prev) as GraphFile;
  }

  redo(current: GraphFile): GraphFile | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(JSON.stringify(current));
    return JSON.parse(next) as GraphFile;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }
}
