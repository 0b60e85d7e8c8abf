package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.PeakRss;
import dev.forja.config.Recipe;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.Json;
import dev.forja.prepare.PiiTextAnonymizer;
import dev.forja.prepare.PrepareConfig;
import dev.forja.prepare.PreparePipeline;
import dev.forja.prepare.TextAnonymizer;
import dev.forja.samples.CorpusGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forja bench prepare}: generates a seeded synthetic corpus, then runs the prepare pipeline on it in a child
 * JVM with a fixed heap ({@code --heap}), so the peak RSS measured is that of the pipeline alone and not of the
 * generator or of this launcher's default -Xmx. Prints MB/s and peak RSS, then one JSON line.
 */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = "Measure forja prepare's throughput (MB/s) and peak RSS on a generated corpus.")
final class BenchPrepareCommand implements Callable<Integer> {
    @Option(names = "--size-mb", defaultValue = "1024", description = "Corpus size in MB (default: ${DEFAULT-VALUE}).")
    long sizeMb;

    @Option(
            names = "--heap",
            defaultValue = "640m",
            description = "-Xmx of the measured JVM (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--seed", defaultValue = "7", description = "Corpus seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dir", description = "Where to generate (default: a temporary directory, deleted after).")
    Path dir;

    @Option(names = "--anonymize", description = "Also run the PII anonymizer (placeholders), as the recipes do.")
    boolean anonymize;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Threads of the measured pipeline (default: one per processor).")
    int threads;

    @Option(names = "--in-process", hidden = true, description = "Run the pipeline here on --dir (the child's part).")
    boolean inProcess;

    @Override
    public Integer call() throws Exception {
        if (inProcess) return measure(dir, anonymize, threads);
        if (sizeMb < 1) throw new ForjaException("--size-mb must be >= 1");
        Path work = dir != null ? dir : Files.createTempDirectory("forja-bench-prepare-");
        try {
            long t0 = System.nanoTime();
            CorpusGenerator.Summary corpus = CorpusGenerator.write(work.resolve("corpus"), sizeMb * 1_000_000, seed);
            System.err.printf(
                    "generated %,d bytes in %d files (%,d documents, %,d exact and %,d near copies, %,d log "
                            + "lines) in %.1fs%n",
                    corpus.bytes(),
                    corpus.files(),
                    corpus.documents(),
                    corpus.exactCopies(),
                    corpus.nearCopies(),
                    corpus.logLines(),
                    (System.nanoTime() - t0) / 1e9);
            JsonNode child = runChild(work);
            ObjectNode o = (ObjectNode) child;
            o.put("corpus_documents", corpus.documents());
            o.put("corpus_near_copies", corpus.nearCopies());
            o.put("corpus_exact_copies", corpus.exactCopies());
            System.err.println("machine: " + MachineInfo.describe());
            System.err.printf(
                    "prepare: %,.1f MB/s | %,.0f MB in %.1fs | peak RSS %,.0f MiB (child JVM -Xmx%s, %d threads) | "
                            + "near-duplicates removed %,d of %,d injected%n",
                    o.path("mb_per_s").asDouble(),
                    o.path("input_mb").asDouble(),
                    o.path("seconds").asDouble(),
                    o.path("peak_rss_mb").asDouble(),
                    heap,
                    o.path("threads").asInt(),
                    o.path("near_duplicates_removed").asLong(),
                    corpus.nearCopies());
            System.out.println(Json.line(o));
            return 0;
        } finally {
            if (dir == null) AtomicDirectory.deleteTree(work);
        }
    }

    private JsonNode runChild(Path work) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.forja.cli.Main",
                "bench",
                "prepare",
                "--in-process",
                "--dir",
                work.toString(),
                "--threads=" + threads,
                anonymize ? "--anonymize" : "--seed=" + seed);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) last = line;
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null) throw new ForjaException("the measured JVM failed (exit " + rc + "); see above");
        return Json.mapper().readTree(last);
    }

    private static Integer measure(Path work, boolean anonymize, int threads) throws IOException {
        Path corpus = work.resolve("corpus"), out = work.resolve("dataset");
        long bytes;
        try (Stream<Path> s = Files.walk(corpus)) {
            bytes = s.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
        PrepareConfig config = PrepareConfig.defaults().withIo(List.of(corpus), out);
        if (anonymize) config = Recipe.resolve(PrepareConfig.class, config, null, List.of(), Map.of("anonymize", true));
        long t0 = System.nanoTime();
        PreparePipeline pipeline =
                new PreparePipeline(config, anonymize ? PiiTextAnonymizer.of(config, null) : TextAnonymizer.NONE);
        if (threads > 0) pipeline.threads(threads);
        PreparePipeline.Result r = pipeline.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("bench", "prepare");
        o.put("input_mb", Math.round(bytes / 1e4) / 100.0);
        o.put("seconds", Math.round(seconds * 100) / 100.0);
        o.put("mb_per_s", Math.round(bytes / 1e6 / seconds * 100) / 100.0);
        o.put("peak_rss_mb", Math.round(PeakRss.mib()));
        o.put("records_read", r.stats().stages().get("read"));
        o.put("records_written", r.stats().stages().get("written"));
        o.put(
                "near_duplicates_removed",
                r.stats().stages().get("exact_dedup") - r.stats().stages().get("near_dedup"));
        o.put("threads", pipeline.threads());
        o.put("anonymize", anonymize);
        o.set("machine", Json.mapper().valueToTree(MachineInfo.describe()));
        System.out.println(Json.line(o));
        return 0;
    }
}
