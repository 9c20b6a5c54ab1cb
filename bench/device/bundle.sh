#!/bin/bash
# Packs what `npm run bench` needs on a bare GPU machine with no network (this workplace's device
# machines: x86-64 Ubuntu, an NVIDIA driver, no Node, no Chromium) into .dev/part0..2 of at most 57 MB
# each, so every part fits one `run` call (64 MiB with the working tree). Run here, after `npm install`
# and scripts/test.mjs (it installed Debian's chromium). Takes ~7 min on two cores.
# Then, one call each, with nothing else between them (the machine goes back after 30 s idle), in this
# order, which is the priority: a session has ~15 minutes of device time in all, the start included.
#   run  bash bench/device/run.sh recv   carry [.dev/part0]
#   run  bash bench/device/run.sh recv   carry [.dev/part1]
#   run  DEEPWIRE_COMMIT=<git rev-parse --short HEAD> bash bench/device/run.sh bench --workloads W1,W2,W3,W5 --runs 10   carry [.dev/part2]
#        ($OUT/results-gpu.json is that run's results.json with the row #20 asks for: commit it as bench/results-gpu.json)
#   run  bash bench/device/run.sh train --steps 20 --warmup 3     (at once: the machine is warm, unpacked;
#        #17's last line: training leads TF.js' WebGPU backend on a GPU too)
#   run  bash bench/device/run.sh fixed --workloads W1,W2,W3,W5
#   run  bash bench/device/run.sh lab W5 'apart={"fusePools":false}' 'fused={"fusePools":true}' --runs 15
#        (pools in the 1×1 convs' loads; the bench's adapter line says whether its autotune fused them)
#   run  bash bench/device/run.sh train --steps 20 --warmup 3 --batch 256
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/b/chromium/lib" "$tmp/b/chromium/locales"

# Chromium and every library it links (but glibc and libstdc++, which the target has newer), plus what
# it loads at run time: NSS's modules, glvnd for NVIDIA's Vulkan driver, and libpci, without which
# Chromium cannot tell which GPU it has and WebGPU's requestAdapter() returns null.
c=/usr/lib/chromium
cp -a $c/chromium $c/chrome_crashpad_handler $c/chrome_100_percent.pak $c/chrome_200_percent.pak $c/icudtl.dat $c/libEGL.so $c/libGLESv2.so $c/libvulkan.so.1 \
  $c/libvk_swiftshader.so $c/vk_swiftshader_icd.json $c/resources.pak $c/snapshot_blob.bin $c/v8_context_snapshot.bin "$tmp/b/chromium/"
cp $c/locales/en-US.pak "$tmp/b/chromium/locales/"
# glibc's own libraries (libresolv too: it needs GLIBC_PRIVATE symbols of the very same glibc) stay behind.
ldd $c/chromium | awk '$3 ~ /^\// {print $3}' | grep -v -E '/(libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libBrokenLocale|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' \
  | while read -r f; do cp -L "$f" "$tmp/b/chromium/lib/"; done
lib=/usr/lib/x86_64-linux-gnu
for f in libfreebl3.chk libfreebl3.so libfreeblpriv3.chk libfreeblpriv3.so libnssckbi.so libnssdbm3.chk libnssdbm3.so libsoftokn3.chk libsoftokn3.so \
  libGLdispatch.so.0 libGLX.so.0 libEGL.so.1 libGL.so.1 libOpenGL.so.0; do cp -L "$lib/$f" "$tmp/b/chromium/lib/"; done
(cd "$tmp" && apt-get download libpci3 && dpkg -x libpci3_*.deb pci && cp -a pci/usr/lib/x86_64-linux-gnu/libpci.so.3* b/chromium/lib/) \
  || { echo "bundle.sh: could not fetch Debian's libpci3 (apt-get download libpci3)"; exit 1; }

# Node itself (the target has none) and node_modules without what the benchmark never loads.
cp "$(readlink -f "$(command -v node)")" "$tmp/b/node"
tar -cf "$tmp/b/node_modules.tar" --exclude='*.map' --exclude='./node_modules/typescript' --exclude='./node_modules/nsfwjs' \
  --exclude='./node_modules/@deno' --exclude='./node_modules/deno' --exclude='./node_modules/@vitest' --exclude='./node_modules/vitest' --exclude='./node_modules/@types' --exclude='./node_modules/.vite' \
  --exclude='./node_modules/webgpu/dist/darwin-*' --exclude='./node_modules/webgpu/dist/win32-*' --exclude='./node_modules/webgpu/dist/linux-arm64' \
  --exclude='./node_modules/@tensorflow/*/dist/tf.*' --exclude='./node_modules/@tensorflow/tfjs/dist/miniprogram' --exclude='./node_modules/@tensorflow/*/dist/tf-*.js' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.all*' --exclude='./node_modules/onnxruntime-web/dist/ort.webgl*' \
  --exclude='./node_modules/onnxruntime-web/dist/*jspi*' --exclude='./node_modules/onnxruntime-web/lib' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.js' --exclude='./node_modules/onnxruntime-web/dist/ort.min.js' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.mjs' --exclude='./node_modules/onnxruntime-web/dist/ort.min.mjs' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.webgpu.js' --exclude='./node_modules/onnxruntime-web/dist/ort.webgpu.mjs' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.webgpu.min.*' --exclude='./node_modules/onnxruntime-web/dist/ort.wasm.js' \
  --exclude='./node_modules/onnxruntime-web/dist/ort.wasm.mjs' --exclude='./node_modules/onnxruntime-web/dist/ort.wasm.min.*' ./node_modules
# TF.js' Node entry points (package.json "main"), which the browser-bundle patterns above also caught:
# bench:train imports @tensorflow/tfjs in Node.
tar -rf "$tmp/b/node_modules.tar" ./node_modules/@tensorflow/*/dist/*.node.js

mkdir -p "$root/.dev" && rm -f "$root"/.dev/part*
tar -C "$tmp/b" -cf - . | xz -T0 -9 | split -b 57000000 -d -a 1 - "$root/.dev/part"
ls -l "$root"/.dev/part*
# run.sh unpacks however many parts came; the calls above assume three (the last one carried by `bench`).
n=$(ls "$root"/.dev/part* | wc -l)
[ "$n" = 3 ] || echo "bundle.sh: $n parts, not 3: one 'run.sh recv' call per part but the last, which 'run.sh bench' carries"
