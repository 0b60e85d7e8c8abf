#!/usr/bin/env bash
# Data-parallel throughput on this machine: one forja train process with all cores against --nproc-per-node 2 with
# half each, same global batch. GPT-2 124M (init-model small), bf16, packed rows of 256 tokens of samples/logs.
# Prints the median train/tokens_per_s of steps 2.. of each run. METHOD=lora for LoRA, STEPS=N (default 8).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=${WORK:-/tmp/forja-dp-throughput}
mkdir -p "$work"
[ -f "$work/gpt2/config.json" ] || ./forja init-model --arch gpt2 --preset small --output "$work/gpt2" >/dev/null
python3 - "$work/data.jsonl" <<'PY'
import json, sys
rows = [json.loads(l)["text"] for l in open("samples/logs/train.jsonl")]
with open(sys.argv[1], "w") as out:
    for i in range(0, len(rows), 4):
        out.write(json.dumps({"text": "\n".join(rows[i:i + 4])}) + "\n")
PY
cores=$(nproc)
for run in "--threads $cores --batch-size 4" "--nproc-per-node 2 --batch-size 2"; do
  rm -rf "$work/run"
  ./forja train --model "$work/gpt2" --data "$work/data.jsonl" --output "$work/run" --method "${METHOD:-full}" \
    --precision bf16 --max-length 256 --packing --max-steps "${STEPS:-8}" --eval-steps 1000 --save-steps 1000 \
    --logging-steps 1 --val-fraction 0.01 $run >"$work/run.log" 2>&1 || { tail -5 "$work/run.log"; exit 1; }
  python3 - "$run" "$work/run/metrics.jsonl" <<'PY'
import json, statistics, sys
v = [json.loads(l)["train/tokens_per_s"] for l in open(sys.argv[2]) if "train/tokens_per_s" in l]
print(f"{sys.argv[1]}: median {statistics.median(v[1:]):.1f} tokens/s over steps 2..{len(v)}")
PY
  grep -h "gradients summed" "$work/run.log" || true
done
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(unset)}"
