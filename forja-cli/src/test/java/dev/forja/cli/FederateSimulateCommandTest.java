package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forja federate simulate}: the sites train in processes of their own, only adapter files reach the
 * aggregator, the global model improves and is exactly the base plus the rounds' updates; bad input is refused.
 */
class FederateSimulateCommandTest {
    @TempDir
    Path tmp;

    Path base, val;
    List<Path> sites = new ArrayList<>();

    /** A tiny Llama; the sample Q&A file split into 3 sites of 10 lines and 10 validation lines. */
    @BeforeEach
    void modelAndSites() throws IOException {
        base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama");
        List<String> lines = Files.readAllLines(Path.of("../samples/seguridad-qa.jsonl"), StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            Path f = tmp.resolve("site" + (i + 1) + ".jsonl");
            Files.write(f, lines.subList(10 * i, 10 * i + 10), StandardCharsets.UTF_8);
            sites.add(f);
        }
        val = Files.write(tmp.resolve("val.jsonl"), lines.subList(30, 40), StandardCharsets.UTF_8);
    }

    private CliRun simulate(Path out, List<Path> data, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "federate",
                "simulate",
                "--model",
                base.toString(),
                "--val-data",
                val.toString(),
                "--output",
                out.toString(),
                "--lora-r",
                "4",
                "--lr",
                "1e-2",
                "--lr-scheduler-type",
                "constant",
                "--batch-size",
                "2",
                "--max-length",
                "64",
                "--precision",
                "fp32"));
        args.addAll(List.of(more));
        args.add("--data");
        data.forEach(d -> args.add(d.toString()));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void threeSitesTrainApartShareOnlyAdaptersAndTheGlobalModelLearns() throws IOException {
        Path out = tmp.resolve("sim");
        CliRun r = simulate(out, sites, "--rounds", "2", "--local-steps", "2").ok();

        // per round: the global model's and the centralised run's validation loss, both finite; training helped
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl")))
            rows.add(Json.mapper().readTree(line));
        assertThat(rows).extracting(n -> n.get("round").asInt()).containsExactly(0, 1, 2);
        for (JsonNode n : rows) {
            assertThat(Double.isFinite(n.get("federated/eval_loss").asDouble()))
                    .as(n.toString())
                    .isTrue();
            assertThat(n.get("centralised/eval_loss").isNumber())
                    .as(n.toString())
                    .isTrue();
        }
        assertThat(rows.get(2).get("federated/eval_loss").asDouble())
                .isLessThan(rows.get(0).get("federated/eval_loss").asDouble());
        assertThat(rows.get(1).get("sites/trained_tokens").asLong()).isPositive();
        assertThat(r.out()).contains("federated eval loss", "centralised eval loss");
        assertThat(Files.readString(out.resolve("report.html"))).contains("federated", "centralised");

        // what passed between the sites and the aggregator: adapter files only, none holding a line of the data
        List<String> dataLines = new ArrayList<>();
        for (Path s : sites) dataLines.addAll(Files.readAllLines(s));
        List<Path> exchanged;
        try (Stream<Path> s = Files.walk(out.resolve("exchange"))) {
            exchanged = s.filter(Files::isRegularFile).toList();
        }
        assertThat(exchanged).hasSize(2 * (3 + 1) * 3); // 2 rounds × (3 sites + the global update) × 3 files
        for (Path f : exchanged) {
            assertThat(f.getFileName().toString())
                    .isIn("adapter_config.json", "adapter_model.safetensors", "forja_lineage.json");
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            assertThat(dataLines).noneMatch(bytes::contains);
        }

        // each site and round trained in a process of its own, whose output went to the site's log, not here
        long self = ProcessHandle.current().pid();
        for (int site = 1; site <= 3; site++) {
            for (int round = 1; round <= 2; round++) {
                String log = Files.readString(out.resolve("sites/site-" + site + "/round-" + round + ".log"));
                Matcher pid = Pattern.compile("pid (\\d+) exited 0").matcher(log);
                assertThat(pid.find()).as(log).isTrue();
                assertThat(Long.parseLong(pid.group(1))).isNotEqualTo(self);
                assertThat(log).contains("step 2/2");
            }
        }
        assertThat(r.err()).doesNotContain("step 2/2");

        // final/ is D_1 + D_2 on the base: a forja adapter equal to the global model the sites hold
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        LoraAdapter fin = LoraAdapter.load(m, out.resolve("final"));
        assertThat(fin.config().r()).isEqualTo(2 * 3 * 4); // rounds × sites × lora_r
        Map<String, Tensor> merged = fin.mergedParameters();
        Map<String, Tensor> global = ModelLoader.load(out.resolve("global/model-2"), ScalarType.Float)
                .parameters();
        double worst = 0;
        for (String name : global.keySet()) {
            worst = Math.max(
                    worst, merged.get(name).sub(global.get(name)).abs().max().item_double());
        }
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void badInputIsRefusedAndAFailingSiteIsNamedWithItsLog() throws IOException {
        Path out = tmp.resolve("sim");
        CliRun one = simulate(out, sites.subList(0, 1), "--rounds", "1", "--local-steps", "1");
        assertThat(one.exit()).isEqualTo(2);
        assertThat(one.err()).contains("at least 2");

        CliRun missing =
                simulate(out, List.of(sites.get(0), tmp.resolve("nope.jsonl")), "--rounds", "1", "--local-steps", "1");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("site 2", "nope.jsonl", "does not exist");

        CliRun rounds = simulate(out, sites, "--rounds", "0", "--local-steps", "1");
        assertThat(rounds.exit()).isEqualTo(2);
        assertThat(rounds.err()).contains("--rounds must be >= 1");
        CliRun steps = simulate(out, sites, "--rounds", "1", "--local-steps", "0");
        assertThat(steps.exit()).isEqualTo(2);
        assertThat(steps.err()).contains("--local-steps must be >= 1");
        CliRun own = simulate(out, sites, "--rounds", "1", "--local-steps", "1", "max_steps=3");
        assertThat(own.exit()).isEqualTo(2);
        assertThat(own.err()).contains("max_steps", "--local-steps");
        assertThat(out).doesNotExist();

        // a site whose run fails: named, with its round and its log
        Files.writeString(sites.get(1), "{\"nothing\": 1}\n", StandardCharsets.UTF_8);
        CliRun bad = simulate(out, sites, "--rounds", "1", "--local-steps", "1", "--no-centralised");
        assertThat(bad.exit()).isEqualTo(1);
        Path log = out.resolve("sites/site-2/round-1.log");
        assertThat(bad.err()).contains("site-2, round 1", "forja train failed", log.toString());
        assertThat(log).exists();

        CliRun full = simulate(out, sites, "--rounds", "1", "--local-steps", "1");
        assertThat(full.exit()).isEqualTo(1);
        assertThat(full.err()).contains("--output");
    }
}
