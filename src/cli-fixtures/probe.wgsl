// probe: a kernel that only proves `?raw` imports reach Node (bin/raw-loader.mjs).
@compute @workgroup_size(1)
fn main() {}
