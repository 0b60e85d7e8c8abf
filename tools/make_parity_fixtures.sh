#!/usr/bin/env bash
# Regenerates forja-core/src/test/resources/parity/*.json: tiny init-model directories (seed 11) scored by the
# independent PyTorch reference in tools/reference_logprobs.py. Needs ./forja and /usr/bin/python3 with torch
# (Debian: apt-get install python3-torch). Not part of the build.
set -euo pipefail
cd "$(dirname "$0")/.."
IDS='[256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 32, 195, 177, 40, 41, 123, 125, 60, 62, 99, 111, 100, 101]'
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for arch in gpt2 llama qwen2; do
  ./forja init-model --arch "$arch" --preset tiny --seed 11 --output "$tmp/$arch" 2>/dev/null
  ref=$(/usr/bin/python3 tools/reference_logprobs.py "$tmp/$arch" "$IDS")
  sum=$(/usr/bin/python3 -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())" "$tmp/$arch/model.safetensors")
  printf '{"arch": "%s", "preset": "tiny", "seed": 11, "model_safetensors_sha256": "%s", "ids": %s, "reference": %s}\n' \
    "$arch" "$sum" "$IDS" "$ref" > "forja-core/src/test/resources/parity/$arch.json"
done
