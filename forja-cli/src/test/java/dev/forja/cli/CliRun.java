package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Runs the CLI in-process and captures what it prints. */
record CliRun(int exit, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs the arguments {@code fixed} followed by {@code more}: a test's usual command line, then what it adds. */
    static CliRun of(List<String> fixed, String... more) {
        List<String> args = new ArrayList<>(fixed);
        args.addAll(List.of(more));
        return of(args.toArray(String[]::new));
    }

    /** {@code forja init-model --output dir} with {@code flags} (e.g. {@code --arch llama}); fails unless it exits 0. */
    /**
     * {@code forja ARGS} in a JVM of its own with heap {@code xmx} (e.g. "1g"), stdout and stderr into {@code log}:
     * for tests that signal the process. The forja cache follows this JVM's {@code forja.cache} when set.
     */
    static Process start(Path log, String xmx, String... args) throws IOException {
        List<String> command =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + xmx));
        if (System.getProperty("forja.cache") != null) {
            command.add("-Dforja.cache=" + System.getProperty("forja.cache"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    static Path initModel(Path dir, String... flags) {
        List<String> args = new ArrayList<>(List.of("init-model", "--output", dir.toString()));
        args.addAll(List.of(flags));
        of(args.toArray(String[]::new)).ok();
        return dir;
    }

    /**
     * {@link #initModel}, then the model's 1-D tensors (norms, biases) moved away from init-model's exact 1 and 0
     * (seeded), so that an export that drops or misplaces a norm or a bias shows it.
     */
    static Path initModelAwayFromOneAndZero(Path dir, String... flags) {
        initModel(dir, flags);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        torch.manual_seed(3);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Tensor t : m.parameters().values()) {
                if (t.dim() == 1) t.add_(torch.randn(t.sizes().vec().get()).mul(new Scalar(0.1)));
            }
        }
        ModelWriter.write(
                dir, m.config(), m.parameters(), ModelLoader.readGenerationDefaults(dir, m.config()), ScalarType.Float);
        return dir;
    }

    /** Fails the test, showing stderr, unless the run exited 0; returns this run. */
    CliRun ok() {
        assertThat(exit).as(err).isZero();
        return this;
    }

    /** The run's stdout, stripped, as one JSON document. */
    JsonNode json() throws IOException {
        return Json.mapper().readTree(out.strip());
    }

    /** The last line of the run's stdout as JSON (commands that print progress first end with one JSON line). */
    JsonNode lastJson() throws IOException {
        return Json.mapper().readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    /**
     * {@code forja bench generate} on {@code model} with an 8-token prompt, 4 new tokens, one repeat and one thread,
     * plus {@code more}; its JSON line (the run must succeed).
     */
    static JsonNode smallBenchGenerate(Path model, String... more) throws IOException {
        List<String> args = List.of(
                "bench",
                "generate",
                "--model",
                model.toString(),
                "--prompt-tokens",
                "8",
                "--new-tokens",
                "4",
                "--repeats",
                "1",
                "--threads",
                "1");
        return of(args, more).ok().lastJson();
    }
}
