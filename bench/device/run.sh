#!/bin/bash
# The device machine's side of bench/device/bundle.sh (its header says how to call this).
#   recv            keeps the part that came with this call (a carried .dev is replaced by the next call's)
#   bench [args]    unpacks Node, node_modules and Chromium, checks which WebGPU adapter Chromium gets
#                   (bench/device/probe.mjs), runs `npm run bench -- args` on it, and profiles W3 on Dawn
set -u
W=${DEVICE_DIR:-/tmp/dw}
mkdir -p $W
cp .dev/part* $W/ 2>/dev/null
case "${1:-}" in
recv) ls -l $W ;;
bench)
  shift
  if [ ! -x $W/node ]; then
    t=$(date +%s)
    cat $W/part* | xz -dc | tar -C $W -xf - && tar -xf $W/node_modules.tar && rm $W/node_modules.tar || exit 1
    echo "unpacked in $(( $(date +%s) - t )) s"
  fi
  export PATH=$W:$PATH CHROMIUM_PATH=$W/chromium/chromium XDG_RUNTIME_DIR=/tmp
  # Chromium's libraries first, then its Vulkan loader (Dawn in Node needs one too), then the driver's.
  export LD_LIBRARY_PATH=$W/chromium/lib:$W/chromium:/usr/local/nvidia/lib64:/usr/local/nvidia/lib
  icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia*.json /usr/share/vulkan/icd.d/nvidia*.json 2>/dev/null | head -1)
  [ -n "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  nvidia-smi -L
  timeout 60 node bench/device/dawn-probe.mjs
  flags=$(timeout 240 node bench/device/probe.mjs 2>/dev/null | tee ${OUT:-/tmp}/probe.log | sed -n 's/^FLAGS //p')
  # With no flags found the bench still runs on its own GPU flags: its adapters line says what it got.
  [ -n "$flags" ] || echo "the probe found no GPU adapter (probe.log, gpu.txt); running the bench with its own flags"
  set -o pipefail
  DEEPWIRE_CHROMIUM_ARGS="$flags" timeout 400 node --import ./bin/register.mjs bench/run.ts --out ${OUT:-/tmp}/results.json "$@" 2>&1 \
    | grep -v -E '^\s+at |source map|map file|ENOENT' | tee ${OUT:-/tmp}/bench.log
  timeout 60 node --import ./bin/register.mjs bench/profile.ts W3 5 | head -20
  ;;
*) echo "usage: run.sh recv | bench [bench args]"; exit 2 ;;
esac
