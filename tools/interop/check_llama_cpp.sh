#!/usr/bin/env bash
# llama.cpp itself reads forja's GGUF exports: for tiny GPT-2, Llama and Qwen2 models whose norms and biases a short
# full fine-tune has moved away from init-model's exact 1 and 0, it compares llama.cpp's next-token log-probabilities
# (node-llama-cpp 3.21.1's prebuilt llama.cpp, CPU, flash attention off, F32 KV cache) with `forja score`, its
# tokenization with forja's, and its greedy continuation with `forja generate --temperature 0`; then a LoRA adapter
# exported with --adapter-only and applied by llama.cpp on the base GGUF against `forja score --adapter`.
#
# Usage: tools/interop/check_llama_cpp.sh [OUT_DIR]   (default target/llama-cpp-check; ~15 minutes on 2 cores)
# node-llama-cpp is installed once into $FORJA_NODE_LLAMA_CPP (default ~/.cache/forja/node-llama-cpp-3.21.1, ~700 MB),
# never into the repository; it needs npm and the npm registry the first time.
# Prints one line per comparison and "PASS" or "FAIL: ..." last; exits non-zero on a failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/llama-cpp-check}
forja="$root/forja"
export FORJA_JAVA_OPTS=${FORJA_JAVA_OPTS:--Xmx2g}

. "$root/tools/interop/node_llama_cpp.sh"
install_node_llama_cpp
# llama MODEL PROMPT [ARGS...]: llama.cpp's JSON line, or {"error"} when it could not load or run the file
llama() {
  local r
  if r=$(node "$root/tools/interop/llama_cpp_score.mjs" "$@" 2>"$out/llama.err"); then
    printf '%s\n' "$r" | tail -n 1
  else
    node -e 'console.log(JSON.stringify({ error: process.argv[1] }))' \
      "$(grep -m 1 -i 'error' "$out/llama.err" || tail -n 1 "$out/llama.err") (LLAMA_LOG=debug shows llama.cpp's log)"
  fi
}

rm -rf "$out" && mkdir -p "$out"
prompt='¿Qué puerto usa SSH por defecto? El puerto 22/TCP, ñandú 🚀'
printf '{"text": %s}\n' "$(node -e 'console.log(JSON.stringify(process.argv[1]))' "$prompt")" >"$out/prompt.jsonl"
failures=0

# compare NAME FORJA_SCORE_JSON LLAMA_JSON MAX_ABS MEAN_ABS: prints the figures, counts a failure
compare() {
  if node - "$@" <<'JS'; then :; else failures=$((failures + 1)); fi
const [name, forjaLine, llamaLine, maxTol, meanTol] = process.argv.slice(2);
const f = JSON.parse(forjaLine), l = JSON.parse(llamaLine);
if (l.error) {
  console.log(`FAIL ${name}: llama.cpp could not run the file: ${l.error}`);
  process.exit(1);
}
const problems = [];
if (JSON.stringify(f.ids) !== JSON.stringify(l.ids)) problems.push(`token ids differ: forja ${f.ids} llama.cpp ${l.ids}`);
const d = f.logprobs.map((x, i) => Math.abs(x - (l.logprobs[i] ?? -Infinity)));
const max = Math.max(...d), mean = d.reduce((a, b) => a + b, 0) / d.length;
if (!(max <= Number(maxTol))) problems.push(`max |Δ logprob| ${max.toExponential(2)} > ${maxTol}`);
if (!(mean <= Number(meanTol))) problems.push(`mean |Δ logprob| ${mean.toExponential(2)} > ${meanTol}`);
console.log(`${problems.length ? "FAIL" : "ok  "} ${name}: ${f.ids.length} tokens, max |Δ| ${max.toExponential(2)}, mean |Δ| ${mean.toExponential(2)}${problems.length ? " — " + problems.join("; ") : ""}`);
process.exit(problems.length ? 1 : 0);
JS
}

# Two sizes per architecture: init-model's tiny preset, on which the issue's bounds hold (q8_0's mean |Δ| is 0.03-0.06
# there when blocks are rounded as ggml rounds them, ~0.08 when truncated), and a 256-wide one, so that Q4_K's
# 256-value super-blocks fit the rows and q4_k_m stores Q4_K and Q6_K rather than its fallbacks; its quantized
# figures are reported, not bounded (a wider trained model is more sensitive to its weights' rounding).
preset() {
  case $1/$2 in
    */tiny) echo tiny ;;
    gpt2/wide) echo '{"n_embd": 256, "n_head": 4, "n_inner": 512}' ;;
    */wide) echo '{"hidden_size": 256, "intermediate_size": 512, "num_attention_heads": 4, "num_key_value_heads": 2,
      "head_dim": 64}' ;;
  esac
}
for arch in gpt2 llama qwen2; do
  for size in tiny wide; do
    name=$arch-$size
    "$forja" init-model --arch $arch --preset "$(preset $arch $size)" --seed 3 --output "$out/$name-init" >/dev/null
    # a short full fine-tune at a high rate moves every norm weight and bias away from 1 and 0
    "$forja" train --model "$out/$name-init" --data "$root/samples/seguridad-qa.jsonl" --method full --max-steps 6 \
      --lr 3e-3 --batch-size 4 --threads 2 --precision fp32 --output "$out/$name-run" >"$out/$name-train.log" 2>&1
    model="$out/$name-run/final"
    score=$("$forja" score --model "$model" --input "$out/prompt.jsonl")
    dtypes="f32 q8_0 q4_0"; [ $size = wide ] && dtypes="f32 q8_0 q4_k_m"
    for dtype in $dtypes; do
      "$forja" export --model "$model" --format gguf --dtype $dtype --output "$out/$name-$dtype.gguf" \
        2>"$out/$name-$dtype.log"
      result=$(llama "$out/$name-$dtype.gguf" "$prompt")
      case "$arch/$size/$dtype" in
        gpt2/*/f32) tol="5e-3 5e-3" ;;     # llama.cpp takes GELU from an F16 table
        */f32) tol="2e-4 2e-4" ;;
        */tiny/q8_0) tol="1 0.075" ;;
        *) tol="10 10" ;;                  # reported, not bounded by the issue
      esac
      compare "$name $dtype" "$score" "$result" $tol
      if [ $dtype != f32 ]; then
        # the same rounded weights on both sides (forja reads the GGUF back): what is left is how each runtime
        # computes (llama.cpp rounds activations to 8 bits for quantized matmuls), not the weights' rounding
        compare "$name $dtype, forja on the same file" \
          "$("$forja" score --model "$out/$name-$dtype.gguf" --input "$out/prompt.jsonl" 2>/dev/null)" "$result" 10 10
      fi
      if [ $dtype = f32 ]; then
        text=$("$forja" generate --model "$model" --prompt "$prompt" --temperature 0 --max-new-tokens 16 2>/dev/null)
        # forja generate prints the prompt, then the continuation
        if node -e 'const r = JSON.parse(process.argv[1]); process.exit(process.argv[2] === process.argv[3] + r.greedy_text ? 0 : 1)' \
          "$result" "$text" "$prompt"; then
          echo "ok   $name f32: greedy 16 tokens equal"
        else
          echo "FAIL $name f32: greedy differs: forja '$text' llama.cpp $(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1]).greedy_text))' "$result")"
          failures=$((failures + 1))
        fi
      fi
    done
  done
done

# an embedding with more rows than the tokenizer has tokens: the vocabulary is padded as the converter pads it
"$forja" init-model --arch llama --preset '{"vocab_size": 300}' --seed 3 --output "$out/padded" >/dev/null
"$forja" export --model "$out/padded" --format gguf --dtype f32 --output "$out/padded.gguf" 2>/dev/null
compare "llama vocab_size 300" "$("$forja" score --model "$out/padded" --input "$out/prompt.jsonl")" \
  "$(llama "$out/padded.gguf" "$prompt")" 2e-4 2e-4

# a LoRA adapter, written alone and applied by llama.cpp on top of the base GGUF
for arch in llama-tiny gpt2-tiny; do
  "$forja" train --model "$out/$arch-run/final" --data "$root/samples/seguridad-qa.jsonl" --method lora --max-steps 6 \
    --lr 1e-2 --batch-size 4 --threads 2 --precision fp32 --output "$out/$arch-lora" >"$out/$arch-lora.log" 2>&1
  adapter="$out/$arch-lora/final"
  "$forja" export --model "$out/$arch-run/final" --adapter "$adapter" --adapter-only --format gguf --dtype f32 \
    --base-gguf "$out/$arch-f32.gguf" --output "$out/$arch-adapter.gguf" 2>"$out/$arch-adapter.log"
  tol="2e-4 2e-4"; [ $arch = gpt2-tiny ] && tol="5e-3 5e-3"
  compare "$arch f32 + adapter-only LoRA" \
    "$("$forja" score --model "$out/$arch-run/final" --adapter "$adapter" --input "$out/prompt.jsonl")" \
    "$(llama "$out/$arch-f32.gguf" "$prompt" --lora "$out/$arch-adapter.gguf")" $tol
done

if [ $failures -eq 0 ]; then echo PASS; else echo "FAIL: $failures comparison(s) out of tolerance"; exit 1; fi
