#!/usr/bin/env bash
# The README's tour, run top to bottom as a new user would, with each step's expected effect asserted; then the
# interrupt scenario (kill a run during training, --resume, compare with an uninterrupted run).
#
# usage (from the project's root): tools/tour.sh [--skip-classify]
# Runs in a fresh scratch directory that holds the project's samples/ and recipes/ and a ./forja that calls this
# checkout's launcher, so every command is the README's own, character for character (the script refuses a command
# the README does not contain). Takes about 10 minutes on 2 cores (the classification recipe is most of it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readme="$root/README.md"
skip_classify=""
[ "${1:-}" = --skip-classify ] && skip_classify=yes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$root/samples" "$work/samples"
ln -s "$root/recipes" "$work/recipes"
printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$root/forja" > "$work/forja"
chmod +x "$work/forja"
cd "$work"

fail() { echo "tour: FAIL: $*" >&2; exit 1; }
ok() { echo "tour: ok: $*"; }
# step CMD: the README must hold CMD verbatim; run it, keep its stdout in $out and its stderr in $err
step() {
  grep -qF -- "$1" "$readme" || fail "the README's tour no longer holds: $1"
  echo "tour: \$ $1"
  local code=0
  bash -c "$1" >"$work/.out" 2>"$work/.err" || code=$?
  out=$(cat "$work/.out"); err=$(cat "$work/.err")
  [ $code -eq 0 ] || fail "exit $code from: $1
$(tail -n 5 "$work/.err")"
}
last_loss() { python3 -c '
import json,sys
l=None
for x in open(sys.argv[1]):
    j=json.loads(x)
    if "train/loss" in j: l=j["train/loss"]
print(l)' "$1"; }
tree_digest() { (cd "$1" && find . -type f -printf '%p %s %T@\n' | sort; find . -type f -exec sha256sum {} + | sort) | sha256sum; }

step './forja init-model --arch llama --preset tiny --seed 1 --output runs/base'
for f in config.json model.safetensors tokenizer.json generation_config.json; do
  [ -s runs/base/$f ] || fail "init-model wrote no runs/base/$f"
done
ok "init-model wrote a Hugging Face directory"

train_qa='./forja train --model runs/base --data samples/seguridad-qa.jsonl --output runs/qa --method lora --max-steps 200 --lr 3e-3'
step "$train_qa"
for f in final/adapter_config.json final/adapter_model.safetensors metrics.jsonl report.html config.yaml; do
  [ -s runs/qa/$f ] || fail "train wrote no runs/qa/$f"
done
ls runs/qa/events.out.tfevents.* >/dev/null 2>&1 || fail "train wrote no TensorBoard events file"
steps_logged=$(grep -c '"train/loss"' runs/qa/metrics.jsonl)
[ "$steps_logged" -ge 1 ] || fail "metrics.jsonl has no train/loss"
grep -q NaN runs/qa/report.html && fail "report.html holds NaN"
ok "LoRA run: adapter, metrics ($steps_logged loss lines), events, report"

step './forja generate --model runs/base --adapter runs/qa/final --prompt "¿Qué es XSS?" --max-new-tokens 30 --temperature 0'
[ -n "$out" ] || fail "generate printed nothing"
first=$out
step './forja generate --model runs/base --adapter runs/qa/final --prompt "¿Qué es XSS?" --max-new-tokens 30 --temperature 0'
[ "$out" = "$first" ] || fail "greedy generation differs between two runs"
ok "greedy generation with the adapter is repeatable"

step './forja merge --model runs/base --adapter runs/qa/final --output runs/qa-merged'
[ -s runs/qa-merged/model.safetensors ] && [ -s runs/qa-merged/config.json ] || fail "merge wrote no model"
ok "merge wrote a model directory"

before=$(tree_digest runs/qa)
step "$train_qa --resume"
echo "$out$err" | grep -qi "complete" || fail "resume of a finished run did not say it is complete: $out"
[ "$(tree_digest runs/qa)" = "$before" ] || fail "resume of a finished run changed runs/qa"
ok "resume of a finished run says so and changes nothing"

echo '{"text": "Hola, mundo"}' > /tmp/t.jsonl
step './forja score --model runs/base --input /tmp/t.jsonl'
echo "$out" | grep -q '"logprobs"' || fail "score printed no logprobs"
ok "score printed per-token log-probabilities"

step './forja prepare --input samples/http-requests-es.jsonl --output runs/ds --anonymize'
for f in train.jsonl val.jsonl manifest.json report.html; do [ -s runs/ds/$f ] || fail "prepare wrote no runs/ds/$f"; done
step './forja data info runs/ds'
hash=$(python3 -c 'import json;print(json.load(open("runs/ds/manifest.json"))["content_hash"])' 2>/dev/null || true)
[ -n "$hash" ] || fail "manifest.json has no content_hash"
echo "$out$err" | grep -qF "$hash" || fail "data info does not print the manifest's hash $hash"
ok "prepare wrote a versioned dataset; data info shows its hash"

if [ -z "$skip_classify" ]; then
  step './forja train --config recipes/minilm-classify.yaml data=runs/ds/train.jsonl val_data=runs/ds/val.jsonl output=runs/cls'
  [ -s runs/cls/final/config.json ] || fail "classification run wrote no final model"
  grep -q "$hash" runs/cls/report.html || fail "the classifier's report does not show the dataset hash $hash"
  step './forja eval --model runs/cls/final --data runs/ds/val.jsonl --task classification'
  eval_f1=$(echo "$out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["macro_f1"])')
  train_f1=$(python3 -c '
import json,sys
v=None
for x in open(sys.argv[1]):
    j=json.loads(x)
    for k in ("eval/macro_f1","eval_macro_f1"):
        if k in j: v=j[k]
print(v)' runs/cls/metrics.jsonl)
  python3 -c "import sys; a,b=float('$eval_f1'),float('$train_f1'); sys.exit(0 if abs(a-b)<=0.01 else 1)" ||
    fail "forja eval macro-F1 $eval_f1 differs from training's last evaluation $train_f1"
  ok "eval agrees with training: macro-F1 $eval_f1 (training's last evaluation: $train_f1)"
fi

# the interrupt scenario: kill during training, resume, compare final losses with the uninterrupted run
args=(--model runs/base --data samples/seguridad-qa.jsonl --method lora --max-steps 200 --lr 3e-3 --save-steps 20)
./forja train "${args[@]}" --output runs/killed >runs/killed.log 2>&1 & pid=$!
for _ in $(seq 1 900); do
  [ -d runs/killed/checkpoint-40 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
kill -TERM $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ -d runs/killed/final ] && fail "the run finished before it could be interrupted (make it longer)"
./forja train "${args[@]}" --output runs/killed --resume >runs/resumed.log 2>&1 || fail "resume failed: $(tail -n 2 runs/resumed.log)"
./forja train "${args[@]}" --output runs/whole >runs/whole.log 2>&1 || fail "uninterrupted run failed"
a=$(last_loss runs/whole/metrics.jsonl); b=$(last_loss runs/killed/metrics.jsonl)
[ "$a" = "$b" ] || fail "interrupted + resumed run ends at loss $b, the uninterrupted one at $a"
ok "killed, resumed: final loss $b equals the uninterrupted run's"
echo "tour: PASS"
