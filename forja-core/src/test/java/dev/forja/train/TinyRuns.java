package dev.forja.train;

import dev.forja.config.Recipe;
import dev.forja.model.GenerationDefaults;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ModelWriter;
import dev.forja.model.Presets;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** A tiny model directory and chat data on disk, for tests that train through {@link Trainer}. */
final class TinyRuns {
    private TinyRuns() {}

    /** A complete Hugging Face directory: tiny preset (2 layers, width 64), byte-level tokenizer, fp32 weights. */
    static Path model(Path dir, String arch, long seed) {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        ModelConfig c = Presets.of(arch, "tiny", 259, 256, 256);
        ModelWriter.write(
                dir,
                c,
                ModelInitializer.initialize(c, seed),
                new GenerationDefaults(List.of(256L), false, 1.0, 0, 1.0, 1.0),
                ScalarType.Float);
        return dir;
    }

    /** {@code copies} × 8 short prompt/completion samples. */
    static Path data(Path file, int copies) {
        String[][] qa = {
            {"¿Qué puerto usa SSH?", " El 22."},
            {"¿Qué puerto usa HTTPS?", " El 443."},
            {"¿Qué es una inyección SQL?", " Código SQL en la entrada."},
            {"¿Qué es XSS?", " Script inyectado."},
            {"¿Qué es phishing?", " Engaño para robar credenciales."},
            {"¿Qué es un CVE?", " Un identificador."},
            {"¿Qué es reentrancy?", " Llamada que reentra."},
            {"¿Qué es un SIEM?", " Correlaciona eventos."}
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < copies; i++) {
            for (String[] p : qa) {
                sb.append("{\"prompt\": \"")
                        .append(p[0])
                        .append("\", \"completion\": \"")
                        .append(p[1])
                        .append("\"}\n");
            }
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * A run's configuration: {@code model} trained on {@code data}, validated on {@code val}, into {@code output},
     * with {@code overrides} as the command line gives them ({@code "max_steps=4 batch_size=8"}).
     */
    static TrainConfig config(Path model, Path data, Path val, Path output, String overrides) {
        return TrainConfig.defaults()
                .with(Map.of("model", model, "data", data, "val_data", val, "output", output))
                .with(Recipe.overrides(List.of(overrides.split(" "))));
    }

    /** Step → train/loss, from a run's metrics.jsonl. */
    static Map<Long, Double> trainLosses(Path runDir) {
        Map<Long, Double> out = new LinkedHashMap<>();
        for (Map<String, Object> e : dev.forja.train.monitor.MetricsLog.read(runDir.resolve("metrics.jsonl"))) {
            if (e.get("train/loss") instanceof Number n) {
                Long step = ((Number) e.get("step")).longValue();
                if (out.put(step, n.doubleValue()) != null) throw new AssertionError("step " + step + " logged twice");
            }
        }
        return out;
    }

    /** Steps of the checkpoint directories in a run, ascending. */
    static List<Long> checkpointSteps(Path runDir) {
        Pattern name = Pattern.compile("checkpoint-(\\d+)");
        try (Stream<Path> s = Files.list(runDir)) {
            return s.map(p -> name.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file and directory under {@code dir}: relative path → modification time and sha256 of the bytes. */
    static Map<String, String> snapshot(Path dir) {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String content = Files.isRegularFile(p)
                        ? java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(Files.readAllBytes(p)))
                        : "dir";
                out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p) + " " + content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Copies a directory tree. */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
