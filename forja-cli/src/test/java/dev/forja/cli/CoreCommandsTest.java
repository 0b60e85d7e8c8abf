package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core commands as a user runs them: init-model, generate, score, and their errors. */
class CoreCommandsTest {
    @TempDir
    static Path tmp;

    static Path gpt2;
    static Path llama;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void models() {
        gpt2 = tmp.resolve("gpt2");
        llama = tmp.resolve("llama");
        CliRun.initModel(gpt2, "--arch", "gpt2", "--seed", "3");
        CliRun.initModel(llama, "--arch", "llama", "--seed", "5");
    }

    @Test
    void initModelWritesACompleteHuggingFaceDirectory() throws IOException {
        for (String f : List.of(
                "config.json",
                "generation_config.json",
                "model.safetensors",
                "tokenizer.json",
                "tokenizer_config.json")) {
            assertThat(llama.resolve(f)).isRegularFile();
        }
        JsonNode c = JSON.readTree(llama.resolve("config.json").toFile());
        assertThat(c.get("model_type").asText()).isEqualTo("llama");
        assertThat(c.get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
        assertThat(c.get("vocab_size").asInt()).isEqualTo(259);
        assertThat(c.get("num_hidden_layers").asInt()).isEqualTo(2);
        assertThat(c.get("hidden_size").asInt()).isEqualTo(64);
        // no staging directory is left behind
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void generationIsReproducibleAndCacheInvariant() {
        CliRun a = CliRun.of(sampleHola("1"));
        CliRun b = CliRun.of(sampleHola("1"));
        CliRun c = CliRun.of(sampleHola("1"), "--no-cache");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out())
                .startsWith("Hola")
                .hasSizeGreaterThan("Hola".length())
                .isEqualTo(b.out())
                .isEqualTo(c.out());
        CliRun other = CliRun.of(sampleHola("2"));
        assertThat(other.out()).isNotEqualTo(a.out());
    }

    /** 20 tokens after "Hola" from the tiny llama, sampled at temperature 0.9 with {@code seed}. */
    private static List<String> sampleHola(String seed) {
        String flags = "--prompt Hola --max-new-tokens 20 --temperature 0.9 --seed " + seed;
        return Stream.concat(Stream.of("generate", "--model", llama.toString()), Stream.of(flags.split(" ")))
                .toList();
    }

    @Test
    void severalPromptsDecodedInABatchPrintWhatOneByOneDecodingPrints() {
        for (Path m : List.of(gpt2, llama)) {
            String[] args = {
                "generate",
                "--model",
                m.toString(),
                "--prompt",
                "Hola",
                "--prompt",
                "¿Qué puerto usa SSH?",
                "--prompt",
                "a",
                "--max-new-tokens",
                "12",
                "--seed",
                "3",
                "--temperature",
                "0.8",
                "--stop",
                "e"
            };
            CliRun batched = CliRun.of(args);
            CliRun single = CliRun.of(List.of(args), "--batch-size", "1");
            CliRun noCache = CliRun.of(List.of(args), "--no-cache");
            assertThat(batched.exit()).as(batched.err()).isZero();
            assertThat(batched.out())
                    .contains("Hola", "¿Qué puerto usa SSH?")
                    .isEqualTo(single.out())
                    .isEqualTo(noCache.out());
        }
    }

    @Test
    void scoreWritesOneLinePerInputAndTheCachedPathAgrees() throws IOException {
        Path in = tmp.resolve("score.jsonl");
        Files.writeString(
                in, "{\"text\": \"¿Dónde está el índice? Ação, coração.\"}\n{\"ids\": [256, 72, 111, 108, 97]}\n");
        for (Path m : List.of(gpt2, llama)) {
            CliRun full = CliRun.of("score", "--model", m.toString(), "--input", in.toString());
            CliRun inc = CliRun.of("score", "--model", m.toString(), "--input", in.toString(), "--incremental");
            CliRun bf16 = CliRun.of("score", "--model", m.toString(), "--input", in.toString(), "--dtype", "bf16");
            assertThat(full.exit()).as(full.err()).isZero();
            String[] f = full.out().split("\n");
            String[] i = inc.out().split("\n");
            String[] h = bf16.out().split("\n");
            assertThat(f).hasSize(2);
            for (int line = 0; line < 2; line++) {
                JsonNode a = JSON.readTree(f[line]);
                JsonNode b = JSON.readTree(i[line]);
                JsonNode c = JSON.readTree(h[line]);
                assertThat(a.get("logprobs").size()).isEqualTo(a.get("ids").size() - 1);
                double sum = 0;
                double bf16Deviation = 0;
                int n = a.get("logprobs").size();
                for (int k = 0; k < n; k++) {
                    double lp = a.get("logprobs").get(k).asDouble();
                    sum -= lp;
                    assertThat(b.get("logprobs").get(k).asDouble())
                            .isCloseTo(lp, org.assertj.core.data.Offset.offset(1e-5));
                    // the stated bf16 tolerance on the tiny preset: 0.15 nats for any token, 0.05 on average
                    double d = Math.abs(c.get("logprobs").get(k).asDouble() - lp);
                    assertThat(d).isLessThanOrEqualTo(0.15);
                    bf16Deviation += d / n;
                }
                assertThat(bf16Deviation).isLessThanOrEqualTo(0.05);
                double nll = sum / n;
                assertThat(a.get("nll").asDouble()).isCloseTo(nll, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(a.get("ppl").asDouble()).isCloseTo(Math.exp(nll), org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(JSON.readTree(f[1]).get("ids").toString()).isEqualTo("[256,72,111,108,97]");
        }
    }

    @Test
    void badModelDirectoriesGiveOneClearLine() throws IOException {
        Path missing = tmp.resolve("nope");
        expectError(missing, "does not exist");

        Path unknown = copy("unknown");
        ObjectNode c = (ObjectNode) JSON.readTree(unknown.resolve("config.json").toFile());
        c.put("model_type", "mamba9");
        JSON.writeValue(unknown.resolve("config.json").toFile(), c);
        expectError(unknown, "mamba9");

        Path trunc = copy("trunc");
        Path st = trunc.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        expectError(trunc, "model.safetensors");

        Path shape = copy("shape");
        c = (ObjectNode) JSON.readTree(shape.resolve("config.json").toFile());
        c.put("hidden_size", 128);
        JSON.writeValue(shape.resolve("config.json").toFile(), c);
        expectError(shape, "shape");

        Path pickle = copy("pickle");
        Files.delete(pickle.resolve("model.safetensors"));
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, '}', 'q', 0, '.'});
        expectError(pickle, "pytorch_model.bin");
    }

    private static Path copy(String name) throws IOException {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (var s = Files.list(llama)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    private static void expectError(Path model, String mention) {
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--prompt", "hola", "--max-new-tokens", "2");
        assertThat(r.exit()).isNotZero();
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("forja: error: ").contains(mention).doesNotContain("Exception");
    }

    @Test
    void helpAndVersionWork() {
        assertThat(CliRun.of("--version").out()).startsWith("forja ");
        CliRun help = CliRun.of("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("init-model", "generate", "score", "train", "bench", "tokenizer");
        CliRun bad = CliRun.of("generate", "--frobnicate");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines().count()).isEqualTo(1);
    }
}
