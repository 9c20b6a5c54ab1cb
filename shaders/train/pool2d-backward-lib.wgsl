// What the two pooling backward kernels share (pool2d-backward.wgsl, pool2d-backward-blocks.wgsl):
// their bindings, modes and the input read; each declares its own `struct Params` with N, H, W, C,
// xStride and xOffset (WGSL's module-scope declarations may come in any order).
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override MODE: u32 = 0u;
override COUNT_INCLUDE_PAD: bool = false;
override ACCUMULATE: bool = false;
const MAX: u32 = 0u;
const AVERAGE: u32 = 1u;

/** x at (n, iy, ix, c): x may be a channel slice of a wider buffer (a Concatenate's). */
fn at(n: u32, iy: u32, ix: u32, c: u32) -> f32 { return x[((n * p.H + iy) * p.W + ix) * p.xStride + p.xOffset + c]; }
