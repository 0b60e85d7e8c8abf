package dev.forja.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code forja_lineage.json} beside a trained model or adapter: which dataset version and which base model it came
 * from, so a model can be traced back to its data. The dataset hash is the one {@code forja prepare} prints and
 * {@code forja data info} shows as "content hash" ({@link dev.forja.prepare.Manifest#datasetHash}); the training
 * report shows the same value. Merges and exports copy the file along.
 *
 * <p>Example: {@code {"dataset_hash": "sha256:3f2a...", "base_model": "runs/base", "base_model_sha256": "9c1e..."}}
 */
public final class Lineage {
    public static final String FILE_NAME = "forja_lineage.json";

    private Lineage() {}

    /** Writes the lineage file into {@code dir}. */
    public static void write(Path dir, String datasetHash, String baseModel, String baseModelHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset_hash", datasetHash);
        m.put("base_model", baseModel);
        m.put("base_model_sha256", baseModelHash);
        Json.writeAtomic(dir.resolve(FILE_NAME), m);
    }

    /**
     * The lineage recorded in {@code dir} as the metadata exports carry ({@code dataset_hash}, {@code base_model},
     * {@code base_model_sha256}, those present), in that order; empty when {@code dir} is null or holds no lineage
     * file.
     */
    public static Map<String, String> read(Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        if (dir == null || !Files.isRegularFile(dir.resolve(FILE_NAME))) return m;
        JsonNode j = Json.read(dir.resolve(FILE_NAME));
        for (String key : List.of("dataset_hash", "base_model", "base_model_sha256")) {
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
}
