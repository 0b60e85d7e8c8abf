// Prompt and decode speed of llama.cpp (node-llama-cpp 3.21.1's prebuilt build, CPU) on a GGUF file, measured the way
// `forja bench generate` measures forja: fixed pseudo-random prompt ids, greedy decoding, median of the timed runs
// after one warm-up. Not part of `mvn verify`: it needs node-llama-cpp installed outside the repository.
//
// Usage: NODE_PATH=/path/to/node_modules node tools/bench/llama_cpp_speed.mjs MODEL.gguf
//        [--prompt-tokens 128] [--new-tokens 128] [--threads 2] [--repeats 3] [--vocab 50257]
//
// Prints one JSON line: {"prompt_tokens_per_s", "generated_tokens_per_s", "ms_per_generated_token", ...}. The prompt
// is evaluated as one batch without sampling (its last token is left for the first decode step); each of the
// new tokens is one evaluation of one token plus node-llama-cpp's greedy sampling, as a chat client would run it.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? process.cwd(), "x.js"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i < 0 ? fallback : Number(args[i + 1]);
};
const modelPath = args[0];
const promptTokens = opt("--prompt-tokens", 128);
const newTokens = opt("--new-tokens", 128);
const threads = opt("--threads", 2);
const repeats = opt("--repeats", 3);

const llama = await getLlama({ gpu: false, maxThreads: threads, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({
    contextSize: promptTokens + newTokens + 8,
    batchSize: Math.max(512, promptTokens),
    threads,
    flashAttention: false,
});
const sequence = context.getSequence();

// the same kind of prompt as forja's bench: ids drawn from the vocabulary, skipping end-of-generation tokens
const vocab = opt("--vocab", 50257);
let state = 12345;
const ids = [];
while (ids.length < promptTokens) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const id = state % vocab;
    if (!model.isEogToken(id)) ids.push(id);
}

async function once() {
    await sequence.clearHistory();
    const t0 = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(ids.slice(0, -1));
    const t1 = performance.now();
    let n = 0;
    for await (const t of sequence.evaluate(ids.slice(-1), { temperature: 0, yieldEogToken: true })) {
        if (++n >= newTokens) break;
    }
    const t2 = performance.now();
    return { prefill: (t1 - t0) / 1e3, decode: (t2 - t1) / 1e3 };
}

const runs = [];
for (let r = -1; r < repeats; r++) {
    const t = await once();
    if (r >= 0) runs.push(t);
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const prefill = median(runs.map((r) => r.prefill));
const decode = median(runs.map((r) => r.decode));
console.log(JSON.stringify({
    model: modelPath,
    threads,
    prompt_tokens: promptTokens,
    new_tokens: newTokens,
    prompt_tokens_per_s: Math.round(((promptTokens - 1) / prefill) * 10) / 10,
    generated_tokens_per_s: Math.round((newTokens / decode) * 10) / 10,
    ms_per_generated_token: Math.round((decode / newTokens) * 1e5) / 100,
}));
await context.dispose();
await model.dispose();
await llama.dispose();
