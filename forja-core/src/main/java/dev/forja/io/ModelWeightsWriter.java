package dev.forja.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a model's weights the way Hugging Face lays them out: one {@code model.safetensors}, or, above
 * {@code maxShardBytes}, shards {@code model-00001-of-0000N.safetensors} plus {@code model.safetensors.index.json}.
 * Every file is written atomically, the index last, and weight files of an earlier save that the new layout does not
 * use are removed afterwards, so the directory never mixes two saves.
 *
 * <p>Example: {@code ModelWeightsWriter.writeModel(out, entries, Map.of("format", "pt"), 5_000_000_000L);}
 */
public final class ModelWeightsWriter {

    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private ModelWeightsWriter() {}

    /** Writes {@code tensors} (in this order) into {@code dir}, sharding when they exceed {@code maxShardBytes}. */
    public static void writeModel(
            Path dir, List<TensorEntry> tensors, Map<String, String> metadata, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new ForjaException("max shard size must be positive, got " + maxShardBytes + " bytes");
        }
        long total = tensors.stream().mapToLong(t -> t.data().remaining()).sum();
        Set<String> written = new HashSet<>();
        if (total <= maxShardBytes) {
            SafetensorsWriter.write(dir.resolve(ModelWeights.SINGLE), tensors, metadata);
            written.add(ModelWeights.SINGLE);
        } else {
            List<List<TensorEntry>> shards = split(tensors, maxShardBytes);
            ObjectNode index = Json.mapper().createObjectNode();
            ObjectNode meta = index.putObject("metadata");
            new TreeMap<>(metadata).forEach(meta::put);
            // Hugging Face writes total_size as a number: the bytes of tensor data, headers excluded.
            meta.put("total_size", total);
            ObjectNode weightMap = index.putObject("weight_map");
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                SafetensorsWriter.write(dir.resolve(name), shards.get(i), metadata);
                written.add(name);
                for (TensorEntry t : shards.get(i)) weightMap.put(t.name(), name);
            }
            Json.writeAtomic(dir.resolve(ModelWeights.INDEX), index);
            written.add(ModelWeights.INDEX);
        }
        removeStale(dir, written);
    }

    /** Greedy: fill a shard until the next tensor would overflow it; a tensor larger than the limit gets its own. */
    static List<List<TensorEntry>> split(List<TensorEntry> tensors, long maxShardBytes) {
        List<List<TensorEntry>> shards = new ArrayList<>();
        List<TensorEntry> current = new ArrayList<>();
        long size = 0;
        for (TensorEntry t : tensors) {
            long bytes = t.data().remaining();
            if (!current.isEmpty() && size + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += bytes;
        }
        if (!current.isEmpty()) shards.add(current);
        return shards;
    }

    /** Deletes weight files of a previous save that this save did not write (never anything else). */
    private static void removeStale(Path dir, Set<String> written) {
        List<Path> stale;
        try (Stream<Path> s = Files.list(dir)) {
            stale = s.filter(p -> {
                        String n = p.getFileName().toString();
                        boolean ours = n.equals(ModelWeights.SINGLE)
                                || n.equals(ModelWeights.INDEX)
                                || SHARD_NAME.matcher(n).matches();
                        return ours && !written.contains(n);
                    })
                    .collect(Collectors.toList());
            for (Path p : stale) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new ForjaException(
                    "wrote the new weights to " + dir + " but could not remove the previous save's " + "files ("
                            + e.getMessage() + "); delete stale model*.safetensors files by hand",
                    e);
        }
    }
}
