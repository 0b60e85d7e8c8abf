#!/usr/bin/env python3
"""An independent PyTorch reference for forja's causal LMs: reads a Hugging Face model directory (config.json +
model.safetensors, parsed by hand: no transformers or safetensors package needed) and prints per-token
log-probabilities of given ids, following the semantics of transformers' GPT2LMHeadModel and LlamaForCausalLM /
Qwen2ForCausalLM (fp32, no cache). Used to make the parity fixtures under forja-core/src/test/resources/parity/.

usage: python3 tools/reference_logprobs.py MODEL_DIR IDS_JSON   ->  {"logprobs": [...]} on stdout
"""
import json, math, struct, sys
import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        if info["dtype"] == "BF16":
            raw = np.frombuffer(data[a:b], dtype=np.uint16).astype(np.uint32) << 16
            arr = raw.view(np.float32)
        else:
            arr = np.frombuffer(data[a:b], dtype=DTYPES[info["dtype"]])
        out[name] = torch.from_numpy(arr.copy().reshape(info["shape"])).float()
    return out


def gpt2(cfg, w, ids):
    p = "transformer." if "transformer.wte.weight" in w else ""
    T = len(ids)
    C, H = cfg["n_embd"], cfg["n_head"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    x = w[p + "wte.weight"][ids] + w[p + "wpe.weight"][torch.arange(T)]
    for i in range(cfg["n_layer"]):
        q = f"{p}h.{i}."
        h = F.layer_norm(x, (C,), w[q + "ln_1.weight"], w[q + "ln_1.bias"], eps)
        qkv = h @ w[q + "attn.c_attn.weight"] + w[q + "attn.c_attn.bias"]  # Conv1D: (in, out)
        qq, kk, vv = qkv.split(C, dim=-1)
        qq, kk, vv = (t.view(T, H, C // H).transpose(0, 1) for t in (qq, kk, vv))
        att = (qq @ kk.transpose(-1, -2)) / math.sqrt(C // H)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        y = (att @ vv).transpose(0, 1).reshape(T, C)
        x = x + y @ w[q + "attn.c_proj.weight"] + w[q + "attn.c_proj.bias"]
        h = F.layer_norm(x, (C,), w[q + "ln_2.weight"], w[q + "ln_2.bias"], eps)
        h = F.gelu(h @ w[q + "mlp.c_fc.weight"] + w[q + "mlp.c_fc.bias"], approximate="tanh")
        x = x + h @ w[q + "mlp.c_proj.weight"] + w[q + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), w[p + "ln_f.weight"], w[p + "ln_f.bias"], eps)
    return x @ w[p + "wte.weight"].T


def rms(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def llama(cfg, w, ids):
    T = len(ids)
    C, H = cfg["hidden_size"], cfg["num_attention_heads"]
    K = cfg.get("num_key_value_heads", H)
    D = cfg.get("head_dim", C // H)
    eps = cfg.get("rms_norm_eps", 1e-6)
    theta = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
    freqs = torch.arange(T).float()[:, None] * inv[None, :]
    emb = torch.cat([freqs, freqs], -1)
    cos, sin = emb.cos(), emb.sin()

    def rope(t):  # (heads, T, D)
        t1, t2 = t[..., : D // 2], t[..., D // 2:]
        return t * cos + torch.cat([-t2, t1], -1) * sin

    def lin(x, name):
        y = x @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        q = rope(lin(h, p + "self_attn.q_proj").view(T, H, D).transpose(0, 1))
        k = rope(lin(h, p + "self_attn.k_proj").view(T, K, D).transpose(0, 1))
        v = lin(h, p + "self_attn.v_proj").view(T, K, D).transpose(0, 1)
        k, v = k.repeat_interleave(H // K, 0), v.repeat_interleave(H // K, 0)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        x = x + lin((att @ v).transpose(0, 1).reshape(T, H * D), p + "self_attn.o_proj")
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + lin(F.silu(lin(h, p + "mlp.gate_proj")) * lin(h, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = rms(x, w["model.norm.weight"], eps)
    head = w["lm_head.weight"] if "lm_head.weight" in w else w["model.embed_tokens.weight"]
    return x @ head.T


def main():
    model_dir, ids = sys.argv[1], json.loads(sys.argv[2])
    cfg = json.load(open(f"{model_dir}/config.json"))
    w = load_safetensors(f"{model_dir}/model.safetensors")
    ids_t = torch.tensor(ids)
    with torch.no_grad():
        logits = gpt2(cfg, w, ids_t) if cfg["model_type"] == "gpt2" else llama(cfg, w, ids_t)
        lp = logits.double().log_softmax(-1)
    print(json.dumps({"logprobs": [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]}))


if __name__ == "__main__":
    main()
