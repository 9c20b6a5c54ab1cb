import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../src/index.ts';
import { CanvasMapsController } from './canvas-maps.ts';
import type { NodeRunFace } from './op-node.ts';

/** The controller's choices of nodes, without a page: nothing is drawn until its host updates. */
function controller() {
  const said: string[] = [];
  let updates = 0;
  const host = { addController: () => undefined, requestUpdate: () => void updates++ } as never;
  const report = analyzeGraph({ format: 'deepwire-graph', version: 1, nodes: [{ id: 'x', op: 'Input', attrs: { shape: [4, 4, 3] } }] });
  const maps = new CanvasMapsController(host, {
    report: () => report, runNumber: () => 0, source: async () => null, photo: () => null, say: (_kind, text) => said.push(text),
  });
  return { maps, said, updates: () => updates };
}

describe('maps on the canvas: which nodes show them', () => {
  it('toggles one node, then all, and one off while all are on', () => {
    const { maps, updates } = controller();
    maps.toggle('a');
    expect([maps.isShown('a'), maps.isShown('b'), maps.allShown]).toEqual([true, false, false]);
    maps.toggleAll();
    expect([maps.isShown('a'), maps.isShown('b'), maps.allShown]).toEqual([true, true, true]);
    maps.toggle('b');
    expect([maps.isShown('a'), maps.isShown('b')]).toEqual([true, false]);
    maps.toggle('b');
    expect(maps.isShown('b')).toBe(true);
    maps.toggleAll();
    expect([maps.isShown('a'), maps.isShown('b')]).toEqual([false, false]);
    expect(updates()).toBe(5);
  });

  it('says the maps come after a run when asked for before one', () => {
    const { maps, said } = controller();
    maps.toggleAll();
    expect(said).toEqual(['The maps appear on the nodes after a run: press ▶ Run (Ctrl+Enter).']);
    maps.toggleAll(); // turning them off says nothing
    expect(said).toHaveLength(1);
  });

  it('hands the run faces through unchanged while no strip is drawn', () => {
    const { maps } = controller();
    const run = new Map<string, NodeRunFace>([['x', { time: '1 ms', title: '', heat: null, mosaic: null, stale: false }]]);
    maps.toggleAll();
    const faces = maps.faces(run);
    expect(faces.get('x')).toEqual(run.get('x'));
    expect(maps.faces(run)).toBe(faces);
  });
});
