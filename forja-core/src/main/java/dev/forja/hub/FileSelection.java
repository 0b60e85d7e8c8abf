package dev.forja.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a repository's files forja downloads: configs, tokenizers and safetensors weights at the top level of
 * the repo, and nothing that would have to be unpickled or that forja cannot read.
 *
 * <p>Example: for {@code gpt2} (siblings {@code config.json, merges.txt, model.safetensors, pytorch_model.bin,
 * tf_model.h5, tokenizer.json, vocab.json, ...}) it picks {@code config.json, merges.txt, model.safetensors,
 * tokenizer.json, vocab.json, ...}. With {@code model.safetensors.index.json} present it picks the index and only
 * the shards its {@code weight_map} names (Mistral repos also carry a {@code consolidated.safetensors}).
 */
final class FileSelection {

    static final String INDEX = "model.safetensors.index.json";

    private static final Set<String> PICKLE = Set.of(".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle");
    private static final Set<String> OTHER_WEIGHTS =
            Set.of(".h5", ".msgpack", ".onnx", ".gguf", ".tflite", ".ot", ".mlmodel", ".joblib", ".npz");
    private static final Set<String> SMALL_TEXT = Set.of(".json", ".txt", ".model", ".jinja");

    private FileSelection() {}

    /**
     * Chooses the files to download.
     *
     * @param model    the model, for messages
     * @param siblings every file in the repo at the revision
     * @param shards   the shards the index names, or null when the repo has no safetensors index
     * @return file names in a stable order, the weights last
     */
    static List<String> select(String model, List<String> siblings, Set<String> shards) {
        List<String> chosen = new ArrayList<>();
        List<String> weights = new ArrayList<>();
        for (String name : new TreeSet<>(siblings)) {
            if (name.contains("/") || name.contains("\\")) {
                continue; // sub-folders hold other variants (onnx/, original/); forja loads the repo root
            }
            if (name.endsWith(".safetensors")) {
                if (shards == null || shards.contains(name)) {
                    weights.add(name);
                }
            } else if (isSmallText(name)) {
                chosen.add(name);
            }
        }
        if (shards != null) {
            for (String shard : shards) {
                if (!weights.contains(shard)) {
                    throw new ForjaException("model '" + model + "': " + INDEX + " names shard '" + shard
                            + "', which the repo does not have: the upload is incomplete; try another revision");
                }
            }
        }
        if (weights.isEmpty()) {
            refuseUnreadableWeights(model, siblings);
        }
        chosen.addAll(weights);
        return chosen;
    }

    /** The shard file names an index's {@code weight_map} points at. */
    static Set<String> shardsNamedBy(Path indexFile, String model) {
        JsonNode weightMap;
        try {
            weightMap = new ObjectMapper().readTree(Files.readString(indexFile)).path("weight_map");
        } catch (IOException e) {
            throw new ForjaException(
                    "model '" + model + "': cannot read " + indexFile + " (" + e.getMessage()
                            + "); delete it from the cache and download again",
                    e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new ForjaException("model '" + model + "': " + indexFile
                    + " has no \"weight_map\" object: it is not a safetensors index");
        }
        Set<String> shards = new TreeSet<>();
        for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
            String shard = it.next().asText();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw new ForjaException("model '" + model + "': " + indexFile + " names shard '" + shard
                        + "', which is not a file in the repo root");
            }
            shards.add(shard);
        }
        return shards;
    }

    /**
     * Why a cached snapshot cannot be used without the network, or empty if it can: it needs config.json and its
     * weights (every shard of the index, or at least one safetensors file).
     */
    static Optional<String> incompleteReason(Path snapshotDir, String model) {
        if (!Files.isDirectory(snapshotDir)) {
            return Optional.of("there is no snapshot " + snapshotDir);
        }
        if (!Files.isRegularFile(snapshotDir.resolve("config.json"))) {
            return Optional.of(snapshotDir + " has no config.json");
        }
        Path index = snapshotDir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            for (String shard : shardsNamedBy(index, model)) {
                if (!Files.isRegularFile(snapshotDir.resolve(shard))) {
                    return Optional.of(snapshotDir + " lacks shard " + shard);
                }
            }
            return Optional.empty();
        }
        try (var files = Files.list(snapshotDir)) {
            boolean hasWeights =
                    files.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p));
            return hasWeights ? Optional.empty() : Optional.of(snapshotDir + " has no .safetensors weights");
        } catch (IOException e) {
            return Optional.of("cannot list " + snapshotDir + ": " + e.getMessage());
        }
    }

    private static boolean isSmallText(String name) {
        String ext = extension(name);
        if (!SMALL_TEXT.contains(ext)) {
            return false;
        }
        // Indexes of weight formats forja does not read (pytorch_model.bin.index.json, ...) are not wanted.
        return !(name.endsWith(".index.json") && !name.equals(INDEX));
    }

    private static void refuseUnreadableWeights(String model, List<String> siblings) {
        List<String> pickles = siblings.stream()
                .filter(n -> PICKLE.contains(extension(n)))
                .sorted()
                .toList();
        if (!pickles.isEmpty()) {
            throw new ForjaException("model '" + model + "' only has pickle weights (" + pickles.get(0)
                    + (pickles.size() > 1 ? " and " + (pickles.size() - 1) + " more" : "") + "), and forja never"
                    + " unpickles (loading a pickle can run arbitrary code): convert it to safetensors first, e.g."
                    + " with transformers: AutoModelForCausalLM.from_pretrained(id).save_pretrained(dir,"
                    + " safe_serialization=True), then pass --model dir");
        }
        List<String> others = siblings.stream()
                .filter(n -> OTHER_WEIGHTS.contains(extension(n)))
                .sorted()
                .toList();
        if (!others.isEmpty()) {
            throw new ForjaException("model '" + model + "' has no safetensors weights, only " + others.get(0)
                    + (others.size() > 1 ? " and " + (others.size() - 1) + " more" : "")
                    + ", a format forja does not read: convert it to safetensors first");
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }
}
