#!/usr/bin/env bash
# Writes, with forja only, the files that tools/interop/check_hf.py loads with the Python ecosystem's own clients
# (transformers, peft, tokenizers, tensorboard): tiny models of each architecture, LoRA adapters (GPT-2's fused
# c_attn and Llama's separate projections), a merged model, a full fine-tune, a trained tokenizer, TensorBoard
# events, and forja's own log-probabilities for each, to compare against.
# Usage: tools/interop/make_artifacts.sh [OUT_DIR]   (default target/interop; about 2 minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/interop}
forja="$root/forja"
rm -rf "$out" && mkdir -p "$out/models" "$out/scores" "$out/runs"
export FORJA_JAVA_OPTS="-Xmx2g"

cat > "$out/texts.jsonl" <<'TXT'
{"text": "¿Qué puerto usa SSH por defecto? El puerto 22/TCP."}
{"text": "GET /admin/login.php?user=root HTTP/1.1 403"}
{"text": "A inyeção de SQL é evitada com consultas parametrizadas. ñandú, açaí, ¡hola!"}
{"text": "def f(x):\n    return x * 2  # 🚀"}
TXT

for arch in gpt2 llama qwen2; do
  "$forja" init-model --arch $arch --preset tiny --seed 3 --output "$out/models/$arch" >/dev/null
done

lora() { # arch, extra args...
  local arch=$1; shift
  "$forja" train --model "$out/models/$arch" --data "$root/samples/seguridad-qa.jsonl" --method lora \
    --max-steps 24 --lr 1e-2 --batch-size 8 --logging-steps 4 --eval-steps 12 --save-steps 12 --threads 2 \
    --output "$out/runs/$arch-lora" "$@" >"$out/runs/$arch-lora.log" 2>&1
}
lora gpt2
lora llama lora_dropout=0.1 lora_r=4
"$forja" train --model "$out/models/qwen2" --data "$root/samples/seguridad-qa.jsonl" --method full \
  --max-steps 12 --lr 3e-3 --batch-size 8 --logging-steps 4 --save-steps 12 --threads 2 \
  --output "$out/runs/qwen2-full" >"$out/runs/qwen2-full.log" 2>&1

adapter() { find "$out/runs/$1" -name adapter_config.json -not -path '*checkpoint*' -printf '%h\n' | head -n 1; }
final_model() { find "$out/runs/$1" -name config.json -not -path '*checkpoint*' -printf '%h\n' | head -n 1; }
for arch in gpt2 llama; do
  a=$(adapter $arch-lora)
  rm -rf "$out/models/$arch-lora" && cp -r "$a" "$out/models/$arch-lora"
  "$forja" merge --model "$out/models/$arch" --adapter "$out/models/$arch-lora" --output "$out/models/$arch-merged" >/dev/null
done
m=$(final_model qwen2-full); rm -rf "$out/models/qwen2-full" && cp -r "$m" "$out/models/qwen2-full"

"$forja" tokenizer train --input "$root/samples/http-requests-es.jsonl" --vocab-size 600 --output "$out/tokenizer" >/dev/null
"$forja" init-model --arch llama --preset tiny --tokenizer "$out/tokenizer" --output "$out/models/llama-bpe" >/dev/null

score() { # name, extra args
  local name=$1; shift
  "$forja" score --input "$out/texts.jsonl" --threads 2 --output "$out/scores/$name.jsonl" "$@"
}
for m in gpt2 llama qwen2 gpt2-merged llama-merged qwen2-full llama-bpe; do score $m --model "$out/models/$m"; done
score gpt2-lora --model "$out/models/gpt2" --adapter "$out/models/gpt2-lora"
score llama-lora --model "$out/models/llama" --adapter "$out/models/llama-lora"
for r in gpt2-lora llama-lora qwen2-full; do
  mkdir -p "$out/events/$r"
  cp "$out/runs/$r"/metrics.jsonl "$out/events/$r/"
  find "$out/runs/$r" -name 'events.out.tfevents.*' -exec cp {} "$out/events/$r/" \;
done
rm -rf "$out/runs"/*/checkpoint-*
du -sh "$out"
