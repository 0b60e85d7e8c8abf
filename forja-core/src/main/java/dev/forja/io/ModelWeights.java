package dev.forja.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model directory, memory-mapped: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}. PyTorch pickle checkpoints are refused by name, never read.
 *
 * <p>Example: {@code try (var w = ModelWeights.open(dir)) { TensorEntry wte = w.get("transformer.wte.weight"); }}
 */
public final class ModelWeights implements AutoCloseable {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final String source;
    private final List<SafetensorsFile> files;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;

    private ModelWeights(
            String source,
            List<SafetensorsFile> files,
            Map<String, TensorEntry> tensors,
            Map<String, String> metadata) {
        this.source = source;
        this.files = files;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens the weights of {@code modelDir}: {@code model.safetensors} if present, else the sharded form. A directory
     * with only pickle checkpoints, or with no weights, is a {@link ForjaException} saying what to do.
     */
    public static ModelWeights open(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new ForjaException(modelDir + " is not a directory; pass the model directory (the one holding "
                    + "config.json and model.safetensors)");
        }
        Path single = modelDir.resolve(SINGLE);
        if (Files.isRegularFile(single)) return openFile(single);
        Path index = modelDir.resolve(INDEX);
        if (Files.isRegularFile(index)) return openSharded(modelDir, index);
        throw noWeights(modelDir);
    }

    /** Opens one safetensors file, e.g. a PEFT {@code adapter_model.safetensors}. */
    public static ModelWeights openFile(Path file) {
        if (PickleCheckpoint.isPickle(file)) throw PickleCheckpoint.refusal(file);
        SafetensorsFile f = SafetensorsFile.open(file);
        return new ModelWeights(file.toString(), List.of(f), f.tensors(), f.metadata());
    }

    /** All tensors: shard by shard, each in file order. */
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    /** The named tensor; a missing name is an error naming the tensor and where it was looked for. */
    public TensorEntry get(String name) {
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new ForjaException("tensor '" + name + "' is not in " + source
                    + TensorNames.suggestion(name, tensors.keySet())
                    + " (the weights do not match the expected architecture, or the files are incomplete)");
        }
        return t;
    }

    /**
     * Reads tensor {@code name}'s bytes into {@code dst} without touching the map (see
     * {@link SafetensorsFile#readInto}); a missing name is the same error as {@link #get}'s.
     */
    public void readInto(String name, ByteBuffer dst) {
        shard(name).readInto(name, dst);
    }

    /** Reads {@code dst.remaining()} bytes of tensor {@code name} from byte {@code offset} of its data on. */
    public void readInto(String name, long offset, ByteBuffer dst) {
        shard(name).readInto(name, offset, dst);
    }

    private SafetensorsFile shard(String name) {
        get(name); // a missing name is get's error
        for (SafetensorsFile f : files) if (f.contains(name)) return f;
        throw new IllegalStateException(name + " is in no shard");
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The file's {@code __metadata__}, or for a sharded model the index's {@code metadata} (values as strings). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Closes every shard. */
    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    private static ModelWeights openSharded(Path dir, Path indexFile) {
        JsonNode index = Json.read(indexFile);
        JsonNode weightMap = index.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new ForjaException(
                    indexFile + " has no \"weight_map\" object; the index is damaged, download it " + "again");
        }
        // Shard name -> tensor names the index puts there, shards in order of first mention.
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ForjaException(indexFile + ": weight_map entry '" + e.getKey() + "' is not a file name; "
                        + "the index is damaged, download it again");
            }
            String shard = e.getValue().textValue();
            checkShardName(indexFile, shard);
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
        }
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            if (!Files.isRegularFile(dir.resolve(e.getKey()))) {
                throw new ForjaException(indexFile + " maps " + e.getValue().size() + " tensors (e.g. '"
                        + e.getValue().get(0) + "') to " + e.getKey() + ", which is missing from " + dir
                        + ": the download is incomplete; download the missing shard again");
            }
        }
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, TensorEntry> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                SafetensorsFile shard = SafetensorsFile.open(dir.resolve(e.getKey()));
                opened.add(shard);
                for (String name : e.getValue()) {
                    if (!shard.contains(name)) {
                        throw new ForjaException(indexFile + " says tensor '" + name + "' is in " + e.getKey()
                                + ", but it is not there: the shards and the index come from different versions "
                                + "of the model; download the model again");
                    }
                }
                // File order within the shard, keeping only the tensors the index assigns to it.
                Set<String> assigned = new HashSet<>(e.getValue());
                shard.tensors().forEach((name, t) -> {
                    if (assigned.contains(name)) tensors.put(name, t);
                });
            }
            return new ModelWeights(
                    dir + " (" + INDEX + " and " + byShard.size() + " shards)", opened, tensors, indexMetadata(index));
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /** Shard names are plain file names; anything else could point outside the model directory. */
    private static void checkShardName(Path indexFile, String shard) {
        if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
            throw new ForjaException(indexFile + ": weight_map names '" + shard + "', which is not a plain file name "
                    + "in the model directory; the index is damaged or hostile, download it again");
        }
    }

    private static Map<String, String> indexMetadata(JsonNode index) {
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode node = index.get("metadata");
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                meta.put(
                        e.getKey(),
                        e.getValue().isTextual()
                                ? e.getValue().textValue()
                                : e.getValue().toString());
            }
        }
        return meta;
    }

    /** The error for a directory without safetensors weights; pickles are named, never opened. */
    private static ForjaException noWeights(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new ForjaException("could not list " + dir + ": " + e.getMessage(), e);
        }
        Path preferred = dir.resolve("pytorch_model.bin");
        if (files.contains(preferred)) return PickleCheckpoint.refusal(preferred);
        for (Path f : files) {
            if (PickleCheckpoint.isPickle(f)) return PickleCheckpoint.refusal(f);
        }
        List<String> other = files.stream()
                .map(f -> f.getFileName().toString())
                .filter(n -> n.endsWith(".safetensors"))
                .collect(Collectors.toList());
        if (!other.isEmpty()) {
            return new ForjaException(
                    "no " + SINGLE + " or " + INDEX + " in " + dir + " (found " + String.join(", ", other)
                            + "); for a PEFT adapter pass the adapter file itself, otherwise rename the weights file "
                            + "to " + SINGLE);
        }
        return new ForjaException("no model weights in " + dir + ": expected " + SINGLE + " or " + INDEX
                + " with its shards; point to a complete Hugging Face model directory or download the model again");
    }
}
