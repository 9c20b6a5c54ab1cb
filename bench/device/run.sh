#!/bin/bash
# The device machine's side of bench/device/bundle.sh (its header says how to call this).
#   recv            keeps the part that came with this call (a carried .dev is replaced by the next call's)
#   bench [args]    unpacks Node, node_modules and Chromium, checks which WebGPU adapter Chromium gets
#                   (bench/device/probe.mjs), runs `npm run bench -- args` on it, and profiles W3 on Dawn
#   fixed [args]    the same set-up, then `npm run bench:fixed -- args`: where a warm run's wall time goes
#   lab W 'a={…}' 'b={…}' [--runs N]   the same set-up, then bench/lab.ts: lowering variants alternately in one page
#   train [args]    the same set-up, then `npm run bench:train -- args`: training on Dawn in Node (no Chromium),
#                   deepwire against TF.js' WebGPU backend on the same adapter (PyTorch skipped: no torch there)
set -u
W=${DEVICE_DIR:-/tmp/dw}
mkdir -p $W
cp .dev/part* $W/ 2>/dev/null
case "${1:-}" in
recv) ls -l $W ;;
bench|fixed|lab|train)
  mode=$1
  shift
  if [ ! -e $W/unpacked ]; then
    # xz checks its own CRC: a part missing or cut short fails here, and a retry unpacks again.
    t=$(date +%s)
    cat $W/part* | xz -dc | tar -C $W -xf - && tar -xf $W/node_modules.tar && rm $W/node_modules.tar || { echo "unpacking failed: are all the parts here?"; ls -l $W; exit 1; }
    touch $W/unpacked
    echo "unpacked in $(( $(date +%s) - t )) s"
  fi
  export PATH=$W:$PATH CHROMIUM_PATH=$W/chromium/chromium XDG_RUNTIME_DIR=/tmp
  # Chromium's libraries first, then its Vulkan loader (Dawn in Node needs one too), then the driver's.
  export LD_LIBRARY_PATH=$W/chromium/lib:$W/chromium:/usr/local/nvidia/lib64:/usr/local/nvidia/lib
  icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia*.json /usr/share/vulkan/icd.d/nvidia*.json 2>/dev/null | head -1)
  [ -n "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  nvidia-smi -L
  # Time limits add up to under the device's 10 minutes a command: 30 + 120 + 330 + 60 s.
  timeout 30 node bench/device/dawn-probe.mjs
  if [ $mode = train ]; then
    # Dawn in Node: the `webgpu` package finds the NVIDIA Vulkan driver through VK_ICD_FILENAMES above.
    timeout 540 node --import ./bin/register.mjs bench/train.ts "$@" 2>&1 | tee ${OUT:-/tmp}/train.log
    exit
  fi
  flags=$(timeout 120 node bench/device/probe.mjs 2>/dev/null | tee ${OUT:-/tmp}/probe.log | sed -n 's/^FLAGS //p')
  # With no flags found the bench still runs on its own GPU flags: its adapters line says what it got.
  [ -n "$flags" ] || echo "the probe found no GPU adapter (probe.log, gpu.txt); running the bench with its own flags"
  if [ $mode = lab ]; then
    DEEPWIRE_CHROMIUM_ARGS="$flags" LAB_STEPS=${LAB_STEPS:-4} timeout 400 node --import ./bin/register.mjs bench/lab.ts "$@" 2>&1 | tee ${OUT:-/tmp}/lab.log
    exit
  fi
  if [ $mode = fixed ]; then
    DEEPWIRE_CHROMIUM_ARGS="$flags" timeout 400 node --import ./bin/register.mjs bench/fixed-cost.ts --out ${OUT:-/tmp}/fixed-cost.json "$@" 2>&1 | tee ${OUT:-/tmp}/fixed-cost.log
    exit
  fi
  DEEPWIRE_CHROMIUM_ARGS="$flags" timeout 330 node --import ./bin/register.mjs bench/run.ts --out ${OUT:-/tmp}/results.json "$@" 2>&1 \
    | grep -v -E '^\s+at |source map|map file|ENOENT' | tee ${OUT:-/tmp}/bench.log
  # results-gpu.json, to commit as bench/results-gpu.json: the run's rows and one naming the machine and
  # the code (the copy here has no .git: pass DEEPWIRE_COMMIT=$(git rev-parse --short HEAD) in the call).
  [ -e ${OUT:-/tmp}/results.json ] && node -e '
    const fs = require("fs");
    const [file, device, driver, chromium, commit] = process.argv.slice(1);
    const rows = JSON.parse(fs.readFileSync(file + "/results.json", "utf8"));
    rows.push({ device, driver, chromium, date: new Date().toISOString().slice(0, 10), commit });
    fs.writeFileSync(file + "/results-gpu.json", JSON.stringify(rows, null, 2) + "\n");
  ' ${OUT:-/tmp} "$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)" \
    "$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1)" "$($CHROMIUM_PATH --version 2>/dev/null)" \
    "${DEEPWIRE_COMMIT:-unknown}"
  # Per-kernel GPU time of ResNet-50 on Dawn (Node), whole in profile.log.
  timeout 60 node --import ./bin/register.mjs bench/profile.ts W3 5 > ${OUT:-/tmp}/profile.log 2>&1
  sed -n '1,4p;/^  [a-zA-Z]/p' ${OUT:-/tmp}/profile.log
  ;;
*) echo "usage: run.sh recv | bench [bench args] | fixed [bench:fixed args] | lab W 'a={…}' 'b={…}' | train [bench:train args]"; exit 2 ;;
esac
