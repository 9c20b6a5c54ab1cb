// Winograd's two tile sizes for 3×3 stride-1 convs (on adapters where the quad-shared direct conv
// runs): which one a conv takes, and which convs memory lets take one at all. F(2×2, 3×3)
// (winograd-input.wgsl) computes 2×2 outputs from 16 products per input/output channel pair, 2.25×
// fewer multiply-adds than the direct conv; F(4×4, 3×3) (winograd4-input.wgsl) 4×4 from 36, 4× fewer,
// with larger rounding errors (a few 1e-6 of the output's scale, within the conv tolerance) and weights
// 4× the kernel's instead of 16/9. The products run 16 tiles to an invocation (winograd-gemm.wgsl), so
// on small images the bigger tile is mostly padding: 7×7 is 4 tiles of F(4×4), 16 of F(2×2).
import type { GraphReport } from '../graph/analyze.ts';
import type { Tensor } from '../tensor.ts';

/** Output pixels per tile side: F(2×2, 3×3) or F(4×4, 3×3). */
export type WinogradTile = 2 | 4;

/**
 * The weight transforms G of F(m, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2015): m + 2 rows; evaluation points 0, ±1 (m = 2) and 0, ±1, ±2 (m = 4), then ∞. The
 * shaders hold the matching Bᵀ and Aᵀ; winograd.test.ts checks the three make a 3×3 correlation.
 */
export const WINOGRAD_G: Record<WinogradTile, readonly (readonly number[])[]> = {
  2: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  4: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
};

/** Tiles of m×m output pixels covering N images of OH×OW. */
export const winogradTiles = (N: number, OH: number, OW: number, m: WinogradTile): number => N * Math.ceil(OH / m) * Math.ceil(OW / m);

/**
 * The products' rows a conv takes with tile m: (m + 2)² positions × its tiles rounded up to the
 * invocation's 16. The products are most of Winograd's time, and the transforms scale the same way.
 */
const productRows = (N: number, OH: number, OW: number, m: WinogradTile) => (m + 2) ** 2 * Math.ceil(winogradTiles(N, OH, OW, m) / 16) * 16;

/** The faster tile for a conv's output: F(4×4) where its rows are fewer (11×11 and up at batch 1), else F(2×2). */
export function fasterWinogradTile(N: number, OH: number, OW: number): WinogradTile {
  return productRows(N, OH, OW, 4) < productRows(N, OH, OW, 2) ? 4 : 2;
}

/** Floats the Winograd weights take beyond the kernel's 9·C·OC. */
const growth = (m: WinogradTile, C: number, OC: number) => ((m + 2) ** 2 - 9) * C * OC;

type Weights = Map<string, Record<string, Tensor>>;

export function weightFloats(weights: Weights): number {
  let floats = 0;
  for (const w of weights.values()) for (const t of Object.values(w)) floats += t.data.length;
  return floats;
}

/**
 * The 3×3 stride-1 convs whose Winograd weights memory can afford, and the tile each takes. First
 * F(2×2) as before F(4×4) existed: a conv whose growth is at most twice its output (large early
 * layers; a lone conv) takes it free; others, largest outputs first, while their growth stays within
 * 15% of the graph's weights. Then F(4×4) where it is the faster tile, the upgrades that save the most
 * products per float of weights first, from what is left of the same budget: free where F(4×4)'s
 * growth too is within twice the output, else charged its whole growth (27·C·OC, not the 20·C·OC more
 * than F(2×2)'s: conservative, as F(2×2)'s was free). So a conv never loses Winograd to F(4×4)'s bigger
 * weights, and peak memory stays near the direct conv's (ResNet-50: 120 → 123 MiB).
 */
export function winogradPlan(report: GraphReport, weights: Weights, batch: number): Map<string, WinogradTile> {
  const candidates = report.nodes.filter((r) => {
    const a = r.attrs as { kernel_size?: number[]; strides?: number[]; dilation_rate?: number[]; groups?: number };
    const C = report.byId.get(r.inputs[0])?.shape?.at(-1) ?? 0;
    return r.op === 'Conv2D' && a.kernel_size?.every((k) => k === 3) && a.strides?.every((k) => k === 1) && a.dilation_rate?.every((k) => k === 1) && (a.groups ?? 1) === 1 && C % 4 === 0;
  }).map((r) => {
    const C = report.byId.get(r.inputs[0])!.shape!.at(-1)!;
    const [OH, OW, OC] = r.shape!;
    const output = batch * OH * OW * OC;
    // Floats of the budget a tile takes: none within twice the output.
    const charge = (m: WinogradTile) => (growth(m, C, OC) <= 2 * output ? 0 : growth(m, C, OC));
    const saved = (productRows(batch, OH, OW, 2) - productRows(batch, OH, OW, 4)) * C * OC;
    return { id: r.id, area: OH * OW, charge, upgrade: saved > 0 ? (charge(4) - charge(2)) / saved : Infinity };
  }).sort((a, b) => b.area - a.area);
  let budget = 0.15 * weightFloats(weights);
  const chosen = new Map<string, WinogradTile>();
  for (const c of candidates) {
    if (c.charge(2) > budget) continue;
    chosen.set(c.id, 2);
    budget -= c.charge(2);
  }
  for (const c of candidates.filter((c) => chosen.has(c.id) && c.upgrade < Infinity).sort((a, b) => a.upgrade - b.upgrade)) {
    const cost = c.charge(4) - c.charge(2);
    if (cost > budget) continue;
    chosen.set(c.id, 4);
    budget -= cost;
  }
  return chosen;
}
