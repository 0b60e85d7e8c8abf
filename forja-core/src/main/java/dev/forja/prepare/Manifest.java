package dev.forja.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.io.FileHash;
import dev.forja.io.Json;
import dev.forja.prepare.formats.InputIssues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a prepared dataset: schema version, content hash, the output files with their sha256
 * and record counts, every source with its sha256, the parameters, the counts at every stage and the input
 * problems. Nothing in it depends on when or where the run happened (no clock, no output path), so the same inputs
 * and parameters give a byte-identical manifest.
 */
public final class Manifest {
    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "manifest.json", TRAIN = "train.jsonl", VAL = "val.jsonl";

    private Manifest() {}

    /** The hash that names a dataset version: sha256 over the output files' names and hashes, in order. */
    static String contentHash(String trainSha, String valSha) {
        var sha = FileHash.sha256();
        sha.update((TRAIN + " " + trainSha + "\n" + VAL + " " + valSha + "\n").getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    static Map<String, Object> build(
            String contentHash,
            Map<String, Map<String, Object>> files,
            List<Ingest.SourceInfo> sources,
            PrepareConfig config,
            PrepareStats stats,
            InputIssues issues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", SCHEMA_VERSION);
        m.put("content_hash", contentHash);
        m.put("files", files);
        m.put(
                "sources",
                sources.stream()
                        .map(s -> {
                            Map<String, Object> e = new LinkedHashMap<>();
                            e.put("name", s.name());
                            e.put("sha256", s.sha256());
                            e.put("bytes", s.bytes());
                            e.put("records", s.records());
                            if (s.skipped() != null) e.put("skipped", s.skipped());
                            return e;
                        })
                        .toList());
        Map<String, Object> params = Recipe.toMap(config);
        params.remove("inputs"); // named by the sources, with hashes; where they live does not change the data
        params.remove("output");
        m.put("parameters", params);
        m.put("counts", stats.stages);
        m.put("removed", stats.removed);
        m.put("pii", stats.pii);
        m.put("languages", stats.languages);
        m.put("issues", issues.counts());
        return m;
    }

    /**
     * The one hash that names the data a model was trained on, shown by {@code forja prepare}, {@code forja data
     * info}, the training report and the model's {@code forja_lineage.json}:
     * <ol>
     *   <li>a file of a prepared dataset (its directory's manifest lists it with the same sha256): the manifest's
     *       {@code content_hash};
     *   <li>any other file: {@code sha256:} and the sha256 of its bytes, as the manifest gives each source;
     *   <li>training data and separate validation data of different versions: {@code sha256:} over the two lines
     *       {@code data <hash>} and {@code val_data <hash>}.
     * </ol>
     * So training on a prepared dataset's train.jsonl (with or without its val.jsonl) links to that dataset.
     *
     * @param valData null when the validation split is taken from {@code data}
     */
    public static String datasetHash(Path data, Path valData) {
        String d = fileHash(data);
        String v = valData == null ? d : fileHash(valData);
        if (v.equals(d)) return d;
        var sha = FileHash.sha256();
        sha.update(("data " + d + "\nval_data " + v + "\n").getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String fileHash(Path file) {
        String hex = FileHash.sha256Hex(file);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && Files.isRegularFile(dir.resolve(FILE_NAME))) {
            JsonNode m = Json.read(dir.resolve(FILE_NAME));
            if (hex.equals(m.path("files")
                    .path(file.getFileName().toString())
                    .path("sha256")
                    .asText())) {
                return m.path("content_hash").asText();
            }
        }
        return "sha256:" + hex;
    }

    /** Reads {@code dir/manifest.json}; an error says what to do when {@code dir} is not a prepared dataset. */
    public static JsonNode read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(dir + " is not a prepared dataset (no " + FILE_NAME + "); make one with "
                    + "forja prepare --input ... --output " + dir);
        }
        JsonNode m = Json.read(file);
        if (m.path("schema_version").asInt(-1) > SCHEMA_VERSION) {
            throw new ForjaException(
                    file + " has schema_version " + m.path("schema_version").asInt() + ", newer than this forja reads ("
                            + SCHEMA_VERSION + "); update forja");
        }
        return m;
    }
}
