package dev.forja.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code forja_lineage.json} beside a trained model or adapter: which dataset version and which base model it came
 * from, so a model can be traced back to its data. The dataset hash is the one {@code forja prepare} prints and
 * {@code forja data info} shows as "content hash" ({@link dev.forja.prepare.Manifest#datasetHash}); the training
 * report shows the same value. Merges and exports copy the file along.
 *
 * <p>Example: {@code {"dataset_hash": "sha256:3f2a...", "base_model": "runs/base", "base_model_sha256": "9c1e...",
 * "trained_tokens": 81920}}
 */
public final class Lineage {
    public static final String FILE_NAME = "forja_lineage.json";
    public static final String TRAINED_TOKENS = "trained_tokens";

    private Lineage() {}

    /** Writes the lineage file into {@code dir}, without a training summary. */
    public static void write(Path dir, String datasetHash, String baseModel, String baseModelHash) {
        write(dir, datasetHash, baseModel, baseModelHash, null);
    }

    /**
     * Writes the lineage file into {@code dir}; {@code training} is the one-line summary of the run's configuration
     * ({@link #summary}), or null.
     */
    public static void write(Path dir, String datasetHash, String baseModel, String baseModelHash, String training) {
        write(dir, datasetHash, baseModel, baseModelHash, training, -1);
    }

    /**
     * As {@link #write(Path, String, String, String, String)}, with {@code trained_tokens}: the trainable tokens (causal
     * LM; rows for a classifier) the run's optimizer steps trained on, what {@code forja federate} weights each site by;
     * a negative count is left out.
     */
    public static void write(
            Path dir, String datasetHash, String baseModel, String baseModelHash, String training, long trainedTokens) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset_hash", datasetHash);
        m.put("base_model", baseModel);
        m.put("base_model_sha256", baseModelHash);
        if (training != null) m.put("training", training);
        if (trainedTokens >= 0) m.put(TRAINED_TOKENS, trainedTokens);
        Json.writeAtomic(dir.resolve(FILE_NAME), m);
    }

    /** The trained-token count recorded in {@code dir} ({@link #write(Path, String, String, String, String, long)}). */
    public static OptionalLong trainedTokens(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) return OptionalLong.empty();
        JsonNode n = Json.read(f).path(TRAINED_TOKENS);
        return n.canConvertToLong() ? OptionalLong.of(n.asLong()) : OptionalLong.empty();
    }

    /**
     * The run's configuration in one line of {@code key=value} pairs (TrainConfig's key names), what a reader of an
     * exported model needs to know how it was trained: e.g. {@code task=causal_lm method=lora steps=100
     * learning_rate=0.0002 batch_size=8 grad_accum=1 max_length=512 precision=bf16 seed=0 lora_r=16 lora_alpha=32}.
     */
    public static String summary(TrainConfig c, long steps, String precision) {
        StringBuilder s = new StringBuilder();
        s.append("task=").append(c.task().name().toLowerCase(java.util.Locale.ROOT));
        s.append(" method=").append(c.method().name().toLowerCase(java.util.Locale.ROOT));
        s.append(" steps=").append(steps);
        if (c.epochs() != null) s.append(" epochs=").append(c.epochs());
        if (c.learningRate() != null) s.append(" learning_rate=").append(c.learningRate());
        s.append(" batch_size=").append(c.batchSize());
        s.append(" grad_accum=").append(c.gradAccum());
        s.append(" max_length=").append(c.maxLength());
        s.append(" precision=").append(precision.split(" ")[0]); // "bf16 autocast (...)" -> bf16
        s.append(" seed=").append(c.seed());
        if (c.method() == TrainConfig.Method.LORA) {
            s.append(" lora_r=").append(c.loraR());
            s.append(" lora_alpha=").append(c.loraAlpha());
            if (c.useRslora()) s.append(" use_rslora=true");
        }
        return s.toString();
    }

    /**
     * The lineage recorded in {@code dir} as the metadata exports carry ({@code dataset_hash}, {@code base_model},
     * {@code base_model_sha256}, {@code training}, those present), in that order; empty when {@code dir} is null or holds no lineage
     * file.
     */
    public static Map<String, String> read(Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        if (dir == null || !Files.isRegularFile(dir.resolve(FILE_NAME))) return m;
        JsonNode j = Json.read(dir.resolve(FILE_NAME));
        for (String key : List.of("dataset_hash", "base_model", "base_model_sha256", "training")) {
            if (j.hasNonNull(key)) m.put(key, j.get(key).asText());
        }
        return m;
    }

    /** The dataset hash recorded in {@code dir}, if it holds a lineage file. */
    public static Optional<String> datasetHash(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) return Optional.empty();
        JsonNode j = Json.read(f);
        return j.hasNonNull("dataset_hash") ? Optional.of(j.get("dataset_hash").asText()) : Optional.empty();
    }

    /** Copies the lineage file from a trained model or adapter into a directory derived from it (merge, export). */
    public static void copy(Path from, Path to) {
        Path f = from.resolve(FILE_NAME);
        if (Files.isRegularFile(f)) Json.writeAtomic(to.resolve(FILE_NAME), Json.read(f));
    }

    /**
     * Whether the weights in {@code baseDir} are those the adapter or model in {@code trainedDir} was trained on:
     * true or false when its lineage file records the base's sha256 ({@link Fingerprints#modelDir}), empty when it
     * records none (an adapter trained elsewhere, or before forja recorded it).
     */
    public static Optional<Boolean> trainedOn(Path trainedDir, Path baseDir) {
        Path f = trainedDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) return Optional.empty();
        String recorded = Json.read(f).path("base_model_sha256").asText("");
        if (recorded.isEmpty()) return Optional.empty();
        return Optional.of(recorded.equals(Fingerprints.modelDir(baseDir)));
    }

    /**
     * Refuses to go on when {@link #trainedOn} says the weights in {@code baseDir} are not those {@code trainedDir}
     * was trained on; the message names the recorded base. Returns whether the lineage recorded a base to compare
     * with (false: nothing was checked, the caller may fall back to comparing names).
     */
    public static boolean requireTrainedOn(Path trainedDir, Path baseDir) {
        Optional<Boolean> same = trainedOn(trainedDir, baseDir); // hashes the base's weights: once
        if (same.orElse(true)) return same.isPresent();
        JsonNode j = Json.read(trainedDir.resolve(FILE_NAME));
        throw new ForjaException(trainedDir + " was trained on "
                + j.path("base_model").asText("another model")
                + " (weights sha256 " + abbreviated(j.path("base_model_sha256").asText()) + "), but "
                + baseDir + " holds other weights: give the base model it was trained on as --model");
    }

    private static String abbreviated(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }
}
