package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.train.Fingerprints;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja federate}: the stacked average is exact, the naive one is not, and bad input is refused. */
class FederateCommandTest {
    @TempDir
    Path tmp;

    Path base;

    @BeforeEach
    void baseModel() {
        base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama");
    }

    /** A LoRA adapter of {@code cfg} on {@code base} with B drawn at random ({@code seed}), so its update is not 0. */
    static void randomAdapter(Path base, Path dir, LoraConfig cfg, long seed) {
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        LoraAdapter a = LoraAdapter.attach(m, cfg, seed);
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.2)));
            }
        }
        a.save(dir, base.toString());
    }

    /** The adapter's update ΔW = scaling · B A per adapted weight name. */
    private Map<String, Tensor> updates(Path adapter) {
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        LoraAdapter.load(m, adapter).layers().forEach((p, l) -> out.put(p + ".weight", l.deltaWeight()));
        return out;
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    private CliRun federate(Path out, String... more) {
        return CliRun.of(List.of("federate", "--base", base.toString(), "--output", out.toString()), more);
    }

    @Test
    void theStackedAdapterIsTheTokenWeightedAverageOfTheUpdatesAndAveragingABIsNot() throws IOException {
        Path a1 = tmp.resolve("site1");
        Path a2 = tmp.resolve("site2");
        randomAdapter(base, a1, new LoraConfig(4, 8, 0, List.of("all-linear"), false), 1);
        randomAdapter(base, a2, new LoraConfig(4, 8, 0, List.of("all-linear"), false), 2);
        String hash = Fingerprints.modelDir(base);
        Lineage.write(a1, "sha256:d1", base.toString(), hash, null, 1000); // weights 0.25 and 0.75
        Lineage.write(a2, "sha256:d2", base.toString(), hash, null, 3000);

        Path out = tmp.resolve("fed");
        CliRun r = federate(out, "--adapters", a1.toString(), a2.toString()).ok();
        assertThat(r.err()).contains("0.25", "0.75", "rank 8");
        JsonNode cfg = Json.read(out.resolve("adapter_config.json"));
        assertThat(cfg.get("r").asInt()).isEqualTo(8);
        assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(8.0); // scaling 1: the sites' live in B
        assertThat(Lineage.trainedTokens(out)).hasValue(4000);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }

        // base + stacked update == base + 0.25 ΔW_1 + 0.75 ΔW_2
        Map<String, Tensor> d1 = updates(a1);
        Map<String, Tensor> d2 = updates(a2);
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> plain = m.parameters();
        Map<String, Tensor> merged = LoraAdapter.load(m, out).mergedParameters();
        assertThat(d1).hasSize(14); // 2 layers × (q, k, v, o, gate, up, down)
        double worst = 0;
        double naiveBest = Double.MAX_VALUE;
        CausalLM n1 = ModelLoader.load(base, ScalarType.Float);
        CausalLM n2 = ModelLoader.load(base, ScalarType.Float);
        Map<String, LoraLinear> l1 = LoraAdapter.load(n1, a1).layers();
        Map<String, LoraLinear> l2 = LoraAdapter.load(n2, a2).layers();
        for (String name : d1.keySet()) {
            Tensor expected = plain.get(name)
                    .add(d1.get(name).mul(new Scalar(0.25)))
                    .add(d2.get(name).mul(new Scalar(0.75)));
            worst = Math.max(worst, maxAbsDiff(merged.get(name), expected));

            // FedAvg of the factors: mean A and mean B, multiplied
            String module = name.substring(0, name.length() - ".weight".length());
            LoraLinear s1 = l1.get(module);
            LoraLinear s2 = l2.get(module);
            Tensor a = s1.loraA()
                    .detach()
                    .mul(new Scalar(0.25))
                    .add(s2.loraA().detach().mul(new Scalar(0.75)));
            Tensor b = s1.loraB()
                    .detach()
                    .mul(new Scalar(0.25))
                    .add(s2.loraB().detach().mul(new Scalar(0.75)));
            Tensor naive = plain.get(name).add(b.mm(a).mul(new Scalar(s1.scaling())));
            naiveBest = Math.min(naiveBest, maxAbsDiff(naive, expected));
        }
        assertThat(worst).isLessThan(1e-5);
        assertThat(naiveBest).isGreaterThan(1e-3); // every module is off when A and B are averaged apart

        // the output is an adapter forja applies
        CliRun g = CliRun.of(
                        "generate",
                        "--model",
                        base.toString(),
                        "--adapter",
                        out.toString(),
                        "--prompt",
                        "hi",
                        "--max-new-tokens",
                        "2")
                .ok();
        assertThat(g.exit()).isZero();
    }

    @Test
    void differentRanksAndModulesStackExactlyWithZerosForTheMissingSites() {
        Path a1 = tmp.resolve("r4");
        Path a2 = tmp.resolve("r2");
        randomAdapter(base, a1, new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj"), false), 3);
        randomAdapter(base, a2, new LoraConfig(2, 3, 0, List.of("v_proj", "down_proj"), true), 4); // rsLoRA too
        Path out = tmp.resolve("fed");
        federate(out, "--adapters", a1.toString(), a2.toString(), "--weights", "1,3")
                .ok();
        assertThat(Json.read(out.resolve("adapter_config.json")).get("r").asInt())
                .isEqualTo(6);

        Map<String, Tensor> d1 = updates(a1);
        Map<String, Tensor> d2 = updates(a2);
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> plain = m.parameters();
        LoraAdapter fed = LoraAdapter.load(m, out);
        Map<String, Tensor> merged = fed.mergedParameters();
        assertThat(fed.layers()).hasSize(6); // q, v and down of both layers
        for (String module : fed.layers().keySet()) {
            String name = module + ".weight";
            Tensor expected = plain.get(name);
            if (d1.containsKey(name)) expected = expected.add(d1.get(name).mul(new Scalar(0.25)));
            if (d2.containsKey(name)) expected = expected.add(d2.get(name).mul(new Scalar(0.75)));
            assertThat(maxAbsDiff(merged.get(name), expected)).as(name).isLessThan(1e-5);
        }
    }

    @Test
    void badInputIsRefusedWithTheFileAndTheFix() throws IOException {
        Path a1 = tmp.resolve("site1");
        Path a2 = tmp.resolve("site2");
        randomAdapter(base, a1, new LoraConfig(4, 8, 0, List.of("q_proj"), false), 1);
        randomAdapter(base, a2, new LoraConfig(4, 8, 0, List.of("q_proj"), false), 2);
        Path out = tmp.resolve("fed");

        CliRun one = federate(out, "--adapters", a1.toString());
        assertThat(one.exit()).isEqualTo(2);
        assertThat(one.err()).contains("at least 2");

        CliRun missing =
                federate(out, "--adapters", a1.toString(), tmp.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope", "does not exist");

        CliRun zero = federate(out, "--adapters", a1.toString(), a2.toString(), "--weights", "0,1");
        assertThat(zero.exit()).isEqualTo(1);
        assertThat(zero.err()).contains("positive");
        assertThat(federate(out, "--adapters", a1.toString(), a2.toString(), "--weights", "1")
                        .exit())
                .isEqualTo(2);

        CliRun noTokens = federate(out, "--adapters", a1.toString(), a2.toString());
        assertThat(noTokens.exit()).isEqualTo(1);
        assertThat(noTokens.err()).contains(Lineage.FILE_NAME, "--weights");

        // another base, by its weights hash
        Lineage.write(a2, "sha256:d2", "elsewhere/base", "beef", null, 10);
        CliRun otherHash = federate(out, "--adapters", a1.toString(), a2.toString(), "--weights", "1,1");
        assertThat(otherHash.exit()).isEqualTo(1);
        assertThat(otherHash.err()).contains(a2.toString(), "elsewhere/base", "same base model");
        Files.delete(a2.resolve(Lineage.FILE_NAME));

        // another base, by the name in adapter_config.json
        JsonNode cfg = Json.read(a2.resolve("adapter_config.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) cfg).put("base_model_name_or_path", "org/other-model");
        Json.writeAtomic(a2.resolve("adapter_config.json"), cfg);
        CliRun otherName = federate(out, "--adapters", a1.toString(), a2.toString(), "--weights", "1,1");
        assertThat(otherName.exit()).isEqualTo(1);
        assertThat(otherName.err()).contains("org/other-model", "base_model_name_or_path");

        // another base, by the shapes: an adapter of a wider model
        Path wide = CliRun.initModel(tmp.resolve("wide"), "--arch", "llama", "--preset", "{\"hidden_size\": 128}");
        Path a3 = tmp.resolve("site3");
        randomAdapter(wide, a3, new LoraConfig(4, 8, 0, List.of("q_proj"), false), 5);
        Files.writeString(
                a3.resolve("adapter_config.json"),
                Files.readString(a3.resolve("adapter_config.json")).replace(wide.toString(), base.toString()));
        CliRun shapes = federate(out, "--adapters", a1.toString(), a3.toString(), "--weights", "1,1");
        assertThat(shapes.exit()).isEqualTo(1);
        assertThat(shapes.err()).contains(a3.toString(), "q_proj");

        assertThat(out).doesNotExist();
        Files.createDirectories(out.resolve("x"));
        CliRun full = federate(out, "--adapters", a1.toString(), a1.toString(), "--weights", "1,1");
        assertThat(full.exit()).isEqualTo(1);
        assertThat(full.err()).contains("--output");
    }
}
