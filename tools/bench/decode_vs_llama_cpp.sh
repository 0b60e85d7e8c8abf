#!/usr/bin/env bash
# forja against llama.cpp on the same weights, in one run on this machine (issue 17): a GPT-2 124M-shaped model
# (`forja init-model --preset small`, random weights, GPT-2's 50,257-token vocabulary) exported to GGUF F32, Q8_0 and
# Q4_0; llama.cpp (node-llama-cpp 3.21.1's prebuilt build, CPU) and `forja bench generate` (fp32, bf16,
# --quantize int8, --quantize int4, each also at --batch-size BATCH) each time a PROMPT-token prompt and NEW greedy
# tokens on THREADS threads; forja also on the Q8_0 and Q4_0 files themselves (their own precision); then fp32 and
# int8 once more at batch 1 alone, for their peak RSS. node-llama-cpp's own cost per token is measured on a 2-layer tiny model, where the
# model's compute is negligible. Prints one table with both engines and their ratios, the CPU, the OPENBLAS_*
# variables and the load average; when OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set, forja's runs are repeated with
# both unset.
#
# Usage: tools/bench/decode_vs_llama_cpp.sh [OUT_DIR]   (default target/decode-vs-llama-cpp; ~15 minutes on a quiet
#        2-core machine; the model and its GGUF files take 1.5 GB)
#        PROMPT=128 NEW=128 THREADS=2 REPEATS=3 BATCH=8 override the defaults. The table is also written to
#        OUT_DIR/table.md and each run's JSON line to OUT_DIR/<engine>_<precision>.json.
# Not part of `mvn verify`. node-llama-cpp is installed once outside the repository (tools/interop/node_llama_cpp.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/decode-vs-llama-cpp}
forja="$root/forja"
prompt=${PROMPT:-128}
new=${NEW:-128}
threads=${THREADS:-2}
repeats=${REPEATS:-3}
batch=${BATCH:-8}
. "$root/tools/interop/node_llama_cpp.sh"
install_node_llama_cpp

mkdir -p "$out"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$(date -u +%FT%TZ) load average $load_start; results in $out" >&2

# the models: GPT-2 124M shape and a 2-layer tiny one, each with its GGUF exports
if [ ! -f "$out/G/model.safetensors" ]; then
  "$forja" init-model --arch gpt2 --preset small --seed 0 --output "$out/G" >&2
fi
if [ ! -f "$out/tiny/model.safetensors" ]; then
  "$forja" init-model --arch gpt2 --preset tiny --seed 0 --output "$out/tiny" >&2
fi
for dtype in f32 q8_0 q4_0; do
  [ -f "$out/G-$dtype.gguf" ] || "$forja" export --model "$out/G" --format gguf --dtype $dtype \
    --output "$out/G-$dtype.gguf" >"$out/export-$dtype.log" 2>&1
done
[ -f "$out/tiny-f32.gguf" ] || "$forja" export --model "$out/tiny" --format gguf --dtype f32 \
  --output "$out/tiny-f32.gguf" >"$out/export-tiny.log" 2>&1
vocab() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).vocab_size)' "$1/config.json"; }

# llama MODEL.gguf VOCAB: llama.cpp's JSON line
llama() {
  node "$root/tools/bench/llama_cpp_speed.mjs" "$1" --vocab "$2" --prompt-tokens "$prompt" --new-tokens "$new" \
    --threads "$threads" --repeats "$repeats" 2>>"$out/llama.err" | tail -n 1
}
# bench MODEL [ARGS...]: forja's JSON line
bench() {
  local model=$1
  shift
  "$forja" bench generate --model "$model" --prompt-tokens "$prompt" --new-tokens "$new" --threads "$threads" \
    --repeats "$repeats" "$@" 2>>"$out/forja.err" | tail -n 1
}

echo "llama.cpp runs..." >&2
declare -A r
r[llama_f32]=$(llama "$out/G-f32.gguf" "$(vocab "$out/G")")
r[llama_q8_0]=$(llama "$out/G-q8_0.gguf" "$(vocab "$out/G")")
r[llama_q4_0]=$(llama "$out/G-q4_0.gguf" "$(vocab "$out/G")")
r[llama_tiny]=$(llama "$out/tiny-f32.gguf" "$(vocab "$out/tiny")")
forja_runs() { # SUFFIX: forja's runs under the current environment
  echo "forja runs$1..." >&2
  r[forja_fp32$1]=$(bench "$out/G" --batch-size "$batch")
  r[forja_bf16$1]=$(bench "$out/G" --dtype bf16 --batch-size "$batch")
  r[forja_int8$1]=$(bench "$out/G" --quantize int8 --batch-size "$batch")
  r[forja_int4$1]=$(bench "$out/G" --quantize int4 --batch-size "$batch")
  r[forja_q8_0_gguf$1]=$(bench "$out/G-q8_0.gguf")
  r[forja_q4_0_gguf$1]=$(bench "$out/G-q4_0.gguf")
  r[forja_tiny$1]=$(bench "$out/tiny")
  # peak RSS of one stream (batch 1 only), fp32 against int8
  r[forja_rss_fp32$1]=$(repeats=1 bench "$out/G")
  r[forja_rss_int8$1]=$(repeats=1 bench "$out/G" --quantize int8)
}
forja_runs ""
suffixes=""
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
  saved_coretype=${OPENBLAS_CORETYPE-}
  saved_l2=${OPENBLAS_L2_SIZE-}
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  forja_runs "_unset"
  suffixes="_unset"
  [ -n "$saved_coretype" ] && export OPENBLAS_CORETYPE=$saved_coretype
  [ -n "$saved_l2" ] && export OPENBLAS_L2_SIZE=$saved_l2
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

for k in "${!r[@]}"; do printf '%s\n' "${r[$k]}" >"$out/$k.json"; done # each run's JSON line, kept
json=$(for k in "${!r[@]}"; do printf '%s\t%s\n' "$k" "${r[$k]}"; done)
node - "$json" "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" "$(nproc)" "${OPENBLAS_CORETYPE:-(unset)}" \
  "${OPENBLAS_L2_SIZE:-(unset)}" "$load_start" "$load_end" "$prompt" "$new" "$threads" "$batch" "$suffixes" \
  <<'JS' | tee "$out/table.md"
const [json, cpu, cores, coretype, l2, loadStart, loadEnd, prompt, gen, threads, batch, suffixes] = process.argv.slice(2);
const r = Object.fromEntries(json.split("\n").filter(Boolean).map((l) => {
  const [k, v] = l.split("\t");
  try { return [k, JSON.parse(v)]; } catch { return [k, {}]; }
}));
const f = (x) => (x == null || Number.isNaN(x) ? "n/a" : x.toFixed(1));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "n/a");
console.log(`machine: ${cpu}, ${cores} cores; ${threads} threads; OPENBLAS_CORETYPE=${coretype} OPENBLAS_L2_SIZE=${l2}`);
console.log(`load average (1, 5, 15 min): ${loadStart} at the start, ${loadEnd} at the end`);
console.log(`GPT-2 124M shape, random weights, vocabulary 50,257; prompt ${prompt} tokens, ${gen} generated, greedy; median of the timed runs\n`);
for (const s of ["", ...suffixes.split(" ").filter(Boolean)]) {
  if (s) console.log(`\nforja again with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (llama.cpp rows repeated from above):\n`);
  const rows = [
    ["llama.cpp F32", r.llama_f32], ["llama.cpp Q8_0", r.llama_q8_0], ["llama.cpp Q4_0", r.llama_q4_0],
    ["forja fp32", r["forja_fp32" + s]], ["forja bf16", r["forja_bf16" + s]],
    ["forja int8 (--quantize int8)", r["forja_int8" + s]], ["forja int4 (--quantize int4)", r["forja_int4" + s]],
    ["forja on the Q8_0 GGUF (int8)", r["forja_q8_0_gguf" + s]], ["forja on the Q4_0 GGUF (int4)", r["forja_q4_0_gguf" + s]],
  ];
  console.log(`| engine, precision | prompt tok/s | decode tok/s | batch ${batch} aggregate decode tok/s | batch ${batch} / batch 1 (goal >= 4) | peak RSS MiB |`);
  console.log("|---|---|---|---|---|---|");
  for (const [name, x] of rows) console.log(`| ${name} | ${f(x?.prompt_tokens_per_s)} | ${f(x?.generated_tokens_per_s)} | ` +
    `${f(x?.batch_generated_tokens_per_s)} | ${x?.batch_speedup ?? ""} | ${x?.peak_rss_mb ?? ""} |`);
  const rf = r["forja_rss_fp32" + s] ?? {};
  const ri = r["forja_rss_int8" + s] ?? {};
  console.log(`\npeak RSS of one stream (batch 1, one run each): fp32 ${rf.peak_rss_mb ?? "n/a"} MiB, int8 ` +
    `${ri.peak_rss_mb ?? "n/a"} MiB, int8 / fp32 ${ratio(ri.peak_rss_mb, rf.peak_rss_mb)} (goal <= 0.45)`);
  console.log("\n| ratio | prompt | decode |\n|---|---|---|");
  for (const [name, a, b] of [
    ["forja fp32 / llama.cpp F32", r["forja_fp32" + s], r.llama_f32],
    ["forja bf16 / llama.cpp F32", r["forja_bf16" + s], r.llama_f32],
    ["forja int8 / llama.cpp Q8_0", r["forja_int8" + s], r.llama_q8_0],
    ["forja int4 / llama.cpp Q4_0", r["forja_int4" + s], r.llama_q4_0],
    ["forja on Q8_0 GGUF / llama.cpp Q8_0", r["forja_q8_0_gguf" + s], r.llama_q8_0],
    ["forja on Q4_0 GGUF / llama.cpp Q4_0", r["forja_q4_0_gguf" + s], r.llama_q4_0],
  ]) console.log(`| ${name} | ${ratio(a?.prompt_tokens_per_s, b?.prompt_tokens_per_s)} | ${ratio(a?.generated_tokens_per_s, b?.generated_tokens_per_s)} |`);
  const t = r["forja_tiny" + s] ?? {};
  console.log(`\nper-token overhead, 2-layer tiny GPT-2 (compute negligible): llama.cpp through node-llama-cpp ` +
    `${f(r.llama_tiny?.generated_tokens_per_s)} tok/s (${r.llama_tiny?.ms_per_generated_token ?? "n/a"} ms/token), ` +
    `forja ${f(t.generated_tokens_per_s)} tok/s (${t.generated_tokens_per_s ? (1000 / t.generated_tokens_per_s).toFixed(2) : "n/a"} ms/token)`);
}
JS
