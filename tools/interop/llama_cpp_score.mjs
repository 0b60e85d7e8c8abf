// Scores a GGUF file with llama.cpp through node-llama-cpp (3.21.1), for comparison with `forja score` and
// `forja generate --temperature 0`. Not part of `mvn verify`: it needs node-llama-cpp installed outside the repository.
//
// Usage: NODE_PATH=/path/to/node_modules node tools/interop/llama_cpp_score.mjs MODEL.gguf (--ids 1,2,3 | PROMPT)
//        [--generate N] [--lora ADAPTER.gguf]
//
// Prints one JSON line: {"ids", "logprobs", "greedy", "greedy_text"} where ids are the prompt's tokens (as given, or as llama.cpp
// tokenizes PROMPT), logprobs[i] = log p(ids[i+1] | ids[0..i]) as `forja score` writes it, and greedy holds the next
// N tokens (default 16) chosen at temperature 0. LLAMA_LOG=debug prints llama.cpp's log (why a file does not load). Runs on the CPU, flash attention off, F32 KV cache.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? process.cwd(), "x.js"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

const args = process.argv.slice(2);
if (args.length < 2) {
    console.error("usage: llama_cpp_score.mjs MODEL.gguf (--ids 1,2,3 | PROMPT) [--generate N]");
    process.exit(2);
}
const modelPath = args[0];
let ids = null;
let prompt = null;
let generate = 16;
let lora = null;
for (let i = 1; i < args.length; i++) {
    if (args[i] === "--ids") ids = args[++i].split(",").map(Number);
    else if (args[i] === "--generate") generate = Number(args[++i]);
    else if (args[i] === "--lora") lora = args[++i];
    else prompt = args[i];
}

const llama = await getLlama({ gpu: false, logLevel: process.env.LLAMA_LOG === "debug" ? LlamaLogLevel.debug : LlamaLogLevel.warn });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
if (ids == null) ids = Array.from(model.tokenize(prompt, true));
const context = await model.createContext({
    contextSize: Math.max(64, ids.length + generate + 8),
    flashAttention: false,
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
    ...(lora == null ? {} : { lora: { adapters: [{ filePath: lora, scale: 1 }] } }),
});

// 1) log p(ids[i+1] | ids[..i]): the full next-token distribution after every prompt position, at temperature 1
//    with no truncation, so it is the model's softmax.
const sequence = context.getSequence();
const full = { temperature: 1, topK: 0, topP: 1, minP: 0 };
const input = ids.map((t) => [t, { generateNext: { probabilities: true, options: full } }]);
const out = await sequence.controlledEvaluate(input);
const logprobs = [];
for (let i = 0; i + 1 < ids.length; i++) {
    const p = out[i]?.next?.probabilities?.get(ids[i + 1]);
    logprobs.push(p == null || p <= 0 ? null : Math.log(p));
}

// 2) Greedy continuation, from a fresh sequence.
await sequence.clearHistory();
const greedy = [];
if (generate > 0) {
    for await (const t of sequence.evaluate(ids, { temperature: 0, yieldEogToken: true })) {
        greedy.push(t);
        if (greedy.length >= generate) break;
    }
}
// the greedy text up to the first end-of-generation token, as `forja generate` prints it
const eog = greedy.findIndex((t) => model.isEogToken(t));
const greedyText = model.detokenize(eog < 0 ? greedy : greedy.slice(0, eog));
console.log(JSON.stringify({ model: modelPath, ids, logprobs, greedy, greedy_text: greedyText }));
await context.dispose();
await model.dispose();
await llama.dispose();
