// Fused epilogue of the conv kernels (with activation.wgsl before it):
//   v = acc (+ bias[oc]) → ACT → (+ residual) → POST_ACT
// ResNet's relu(bn(conv(x)) + shortcut) is one kernel: BN folded into the weights at compile time,
// the add and the relu here. Kernels that include this declare `bias` and `residual` storage arrays.
override HAS_BIAS: bool = false;
override HAS_RESIDUAL: bool = false;

/** `acc` for output channel `oc`; `r` is the residual's flat index (ignored without one). */
fn epilogue(acc: f32, oc: u32, r: u32) -> f32 {
  var v = acc;
  if (HAS_BIAS) { v += bias[oc]; }
  v = act(v);
  if (HAS_RESIDUAL) { v += residual[r]; }
  return postAct(v);
}
