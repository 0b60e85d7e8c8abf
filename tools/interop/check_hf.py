#!/usr/bin/env python3
"""Loads the files forja wrote (tools/interop/make_artifacts.sh) with the Python ecosystem's own clients and checks
that they agree with forja: transformers loads every model with no missing or unexpected keys and gives the same
log-probabilities as `forja score`; peft loads the LoRA adapters, gives the same log-probabilities as
`forja score --adapter`, and its merge equals `forja merge`; Hugging Face tokenizers encodes like forja; TensorBoard
reads the event files and finds the values of metrics.jsonl.

Usage: python3 tools/interop/check_hf.py [ARTIFACT_DIR]   (needs torch, transformers, peft, tensorboard)
Prints one line per check and exits non-zero if any fails.
"""
import json
import math
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

TOL = 1e-4  # fp32 log-probabilities, two implementations, different summation orders
root = sys.argv[1] if len(sys.argv) > 1 else "target/interop"
failures = []


def report(name, ok, detail):
    print(("PASS " if ok else "FAIL ") + name + ": " + detail, flush=True)
    if not ok:
        failures.append(name)


def scores(name):
    with open(os.path.join(root, "scores", name + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def texts():
    with open(os.path.join(root, "texts.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def load(name):
    model, info = AutoModelForCausalLM.from_pretrained(os.path.join(root, "models", name), torch_dtype=torch.float32,
                                                       output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k != "error_msgs"} | (
        {"error_msgs": info["error_msgs"]} if info.get("error_msgs") else {})
    report(f"load {name}", not problems, "no missing/unexpected/mismatched keys" if not problems else str(problems))
    return model.eval()


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].double()
    lp = torch.log_softmax(logits, dim=-1)
    return [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]


def compare(model, name, forja_name=None):
    worst = 0.0
    for row in scores(forja_name or name):
        ours = logprobs(model, row["ids"])
        worst = max(worst, max(abs(a - b) for a, b in zip(ours, row["logprobs"])))
        if len(ours) != len(row["logprobs"]):
            worst = math.inf
    report(f"logprobs {forja_name or name}", worst <= TOL, f"max |transformers - forja| = {worst:.2e} (tol {TOL:g})")


def tokenizer(name):
    tok = AutoTokenizer.from_pretrained(os.path.join(root, "models", name))
    bad = [t for t, row in zip(texts(), scores(name)) if tok(t)["input_ids"] != row["ids"]]
    report(f"tokenizer {name}", not bad, "HF tokenizer ids == forja ids on every text" if not bad
           else f"{len(bad)} texts differ, first: {bad[0]!r}")
    decoded = [tok.decode(row["ids"]) for row in scores(name)]
    report(f"decode {name}", decoded == texts(), "decode(forja ids) == text" if decoded == texts() else str(decoded))
    if tok.chat_template:
        rendered = tok.apply_chat_template([{"role": "user", "content": "hola"},
                                            {"role": "assistant", "content": "¿qué tal?"}], tokenize=False)
        report(f"chat_template {name}", "hola" in rendered and "¿qué tal?" in rendered, repr(rendered[:80]))


def adapter(arch):
    from peft import PeftModel
    base = load(arch)
    peft_model = PeftModel.from_pretrained(base, os.path.join(root, "models", arch + "-lora")).eval()
    compare(peft_model, arch + " + adapter (peft)", arch + "-lora")
    merged = peft_model.merge_and_unload()
    ours = load(arch + "-merged").state_dict()
    theirs = merged.state_dict()
    keys = [k for k in theirs if k in ours]
    worst = max((ours[k] - theirs[k]).abs().max().item() for k in keys)
    report(f"merge {arch}", worst <= 1e-5 and len(keys) == len(theirs),
           f"forja merge vs peft merge_and_unload: max |Δw| = {worst:.2e} over {len(keys)}/{len(theirs)} tensors")
    compare(merged, arch + " merged by peft", arch + "-merged")


def events(run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    d = os.path.join(root, "events", run)
    acc = EventAccumulator(d, size_guidance={"scalars": 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    with open(os.path.join(d, "metrics.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    checked, worst, missing = 0, 0.0, set()
    for row in rows:
        for tag, value in row.items():
            if tag == "step" or not isinstance(value, (int, float)):
                continue
            if tag not in tags:
                missing.add(tag)
                continue
            at = {e.step: e.value for e in acc.Scalars(tag)}
            if row["step"] not in at:
                missing.add(f"{tag}@{row['step']}")
                continue
            worst = max(worst, abs(at[row["step"]] - value) / max(1.0, abs(value)))
            checked += 1
    need = {"train/loss", "train/lr", "train/grad_norm", "train/tokens_per_s"}
    ok = not missing and checked > 0 and need <= tags and worst < 1e-6
    report(f"tensorboard {run}", ok, f"{checked} values of metrics.jsonl found in the events (max rel Δ {worst:.1e}); "
           f"tags {sorted(tags)}" + (f"; missing {sorted(missing)}" if missing else ""))


def main():
    print(f"torch {torch.__version__}", flush=True)
    for name in ["gpt2", "llama", "qwen2", "qwen2-full", "llama-bpe"]:
        compare(load(name), name)
    for name in ["gpt2", "llama-bpe"]:
        tokenizer(name)
    for arch in ["gpt2", "llama"]:
        adapter(arch)
    for run in ["gpt2-lora", "llama-lora", "qwen2-full"]:
        events(run)
    print(f"{len(failures)} failed" + (": " + ", ".join(failures) if failures else ""), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
