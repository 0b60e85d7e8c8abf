package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.AtomicFile;
import dev.forja.io.DType;
import dev.forja.io.FileHash;
import dev.forja.io.Json;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufTensorInfo;
import dev.forja.io.gguf.GgufType;
import dev.forja.io.gguf.GgufValue;
import dev.forja.model.Architectures;
import dev.forja.model.GenerationDefaults;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import dev.forja.model.ParamSpec;
import dev.forja.tensor.Tensors;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads a GGUF model file (llama.cpp's, Ollama's, forja's own export) back into a Hugging Face model directory, so
 * every command that takes {@code --model DIR} takes {@code --model file.gguf} too. The inverse of {@link GgufExport}:
 *
 * <ul>
 *   <li>{@code config.json} from the {@code {arch}.*} hyperparameters ({@link GgufConfig}), {@code
 *       generation_config.json} from the special token ids (greedy: GGUF records no sampling defaults);
 *   <li>{@code model.safetensors} in float32, every tensor dequantized (F32, F16, BF16, Q8_0, Q4_0 and whatever else
 *       {@link dev.forja.io.gguf.GgmlQuant} decodes), renamed back to its Hugging Face name through the same tables
 *       the export uses, Llama's q/k rows put back in Hugging Face's order ({@link RopePermutation#toHuggingFace}) and
 *       GPT-2's Conv1D weights transposed back to (in, out). Tensors are streamed one at a time: only one is in
 *       memory at once beside the memory-mapped file;
 *   <li>the tokenizer ({@link GgufTokenizerFiles});
 *   <li>{@value #SOURCE_FILE}: the file it came from and its sha256, plus its {@code general.source.forja.*} lineage
 *       keys, which also go into {@code forja_lineage.json} so a re-export carries them on.
 * </ul>
 *
 * <p>The directory appears whole or not at all; a bad file (foreign, truncated, an architecture or tensor type forja
 * does not run) is refused before anything is written.
 *
 * <p>Example: {@code Path dir = GgufImport.directory(Path.of("qwen2-0.5b-q8_0.gguf"), cacheRoot.resolve("gguf"));}
 */
public final class GgufImport {
    /** The lineage file of an imported directory: where the GGUF came from. */
    public static final String SOURCE_FILE = "forja_gguf_source.json";

    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    private GgufImport() {}

    /** Whether {@code file} starts with GGUF's magic bytes; false for a directory or an unreadable file. */
    public static boolean isGguf(Path file) {
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The model directory imported from {@code gguf} under {@code cacheDir/<sha256 of the file>}, imported on first
     * use and reused after (the same bytes give the same directory wherever the file lies).
     */
    public static Path directory(Path gguf, Path cacheDir) {
        return directory(gguf, cacheDir, true);
    }

    /**
     * As {@link #directory(Path, Path)} but without {@code model.safetensors} when the directory is imported now:
     * config, generation config, tokenizer and lineage, for a loader that reads the weights from the GGUF file itself
     * ({@link GgufQuantizedModel}). A directory imported whole already serves as it is; a later {@link
     * #directory(Path, Path)} completes this one.
     */
    public static Path metadataDirectory(Path gguf, Path cacheDir) {
        return directory(gguf, cacheDir, false);
    }

    private static Path directory(Path gguf, Path cacheDir, boolean weights) {
        Path file = gguf.toAbsolutePath().normalize();
        try (GgufReader reader = GgufReader.open(file)) {
            Plan plan = plan(reader); // refuses what forja cannot run before anything is written
            Path seen = seenFile(cacheDir, file);
            String remembered = readSeen(seen);
            String sha = remembered != null && complete(cacheDir.resolve(remembered), false)
                    ? remembered
                    : FileHash.sha256Hex(file);
            Path dir = cacheDir.resolve(sha);
            if (!complete(dir, weights)) importInto(dir, reader, plan, sha, weights);
            if (!sha.equals(remembered)) writeSeen(seen, sha);
            return dir;
        }
    }

    /** Whether {@code dir} holds an import, with its weights when {@code weights}. */
    private static boolean complete(Path dir, boolean weights) {
        return Files.isRegularFile(dir.resolve(SOURCE_FILE))
                && (!weights || Files.isRegularFile(dir.resolve("model.safetensors")));
    }

    /** Imports into {@code dir}, with the weights when {@code weights}; it appears whole or not at all. */
    private static void importInto(Path dir, GgufReader reader, Plan plan, String sha, boolean weights) {
        try {
            if (AtomicDirectory.isAbsentOrEmpty(dir)) {
                AtomicDirectory.write(dir, staging -> write(reader, plan, sha, staging, weights));
            } else {
                AtomicDirectory.replace(dir, staging -> write(reader, plan, sha, staging, weights));
            }
        } catch (ForjaException e) {
            // another process may have imported it at the same moment; its complete copy is as good as ours
            if (!complete(dir, weights)) throw e;
        }
    }

    /**
     * Hashing a multi-gigabyte file takes seconds, so the hash of a file already imported is remembered under
     * {@code cacheDir/.seen/}, keyed by the file's path, size, modification time and inode: a file changed or
     * replaced gets hashed (and imported) again.
     */
    private static Path seenFile(Path cacheDir, Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            String key = file + "\n" + a.size() + "\n" + a.lastModifiedTime().toInstant() + "\n" + a.fileKey();
            byte[] digest = FileHash.sha256().digest(key.getBytes(StandardCharsets.UTF_8));
            return cacheDir.resolve(".seen").resolve(HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String readSeen(Path seen) {
        try {
            String sha = Files.isRegularFile(seen) ? Files.readString(seen).strip() : null;
            return sha != null && sha.matches("[0-9a-f]{64}") ? sha : null;
        } catch (IOException e) {
            return null; // hash the file again
        }
    }

    private static void writeSeen(Path seen, String sha) {
        try {
            Files.createDirectories(seen.getParent());
            AtomicFile.writeString(seen, sha);
        } catch (IOException | ForjaException e) {
            // only a shortcut: without it the next run hashes the file again
        }
    }

    /** What the import will write: the config and, per Hugging Face tensor, the GGUF tensor it comes from. */
    record Plan(ModelConfig config, List<ParamSpec> specs, Map<String, GgufTensorInfo> sources) {}

    static Plan plan(GgufReader gguf) {
        ModelConfig config = GgufConfig.of(gguf);
        String arch = GgufTensors.architecture(config);
        List<ParamSpec> specs = Architectures.specs(config);
        Map<String, GgufTensorInfo> sources = new HashMap<>();
        Set<String> unused = new LinkedHashSet<>();
        gguf.tensors().forEach(t -> unused.add(t.name()));
        for (ParamSpec spec : specs) {
            String name = GgufTensors.ggufName(config, spec.name());
            if (!unused.remove(name)) {
                throw new ForjaException(gguf.file() + ": no tensor " + name + ", which a " + arch + " model with "
                        + "this config has (Hugging Face " + spec.name() + "); the file is incomplete or not a model");
            }
            GgufTensorInfo t = gguf.tensor(name);
            if (!Arrays.equals(t.shape(), spec.shape())) {
                throw new ForjaException(gguf.file() + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + " but its " + arch + ".* hyperparameters give " + Arrays.toString(spec.shape()));
            }
            sources.put(spec.name(), t);
        }
        unused.remove("rope_freqs.weight"); // read into the config's rope scaling
        if (arch.equals(Gpt2Gguf.ARCH)) unused.remove("output.weight"); // the converter's copy of the tied embedding
        if (!unused.isEmpty()) {
            throw new ForjaException(
                    gguf.file() + ": tensors " + unused.stream().limit(5).toList() + " are not part of a " + arch
                            + " model as forja runs it; forja does not drop weights silently");
        }
        // one block of each tensor type: a type forja cannot dequantize is refused now, not halfway through
        Map<GgufType, GgufTensorInfo> byType = new EnumMap<>(GgufType.class);
        sources.values().forEach(t -> byType.putIfAbsent(t.type(), t));
        byType.values().forEach(t -> dequantized(gguf, t, t.type().blockSize()));
        GgufTokenizerFiles.requireSupported(gguf);
        return new Plan(config, specs, sources);
    }

    private static void write(GgufReader gguf, Plan plan, String sha, Path dir, boolean weights) {
        ModelConfig config = plan.config();
        var json = config.toJson();
        json.put("torch_dtype", "float32");
        Json.writeAtomic(dir.resolve("config.json"), json);
        Json.writeAtomic(
                dir.resolve("generation_config.json"), generation(gguf, config).toJson(config.bosTokenId()));
        GgufTokenizerFiles.write(gguf, config.maxPositions(), dir);
        if (weights) writeWeights(gguf, plan, dir);
        lineage(gguf, sha, dir);
    }

    /** {@code model.safetensors} in float32, one tensor dequantized at a time. */
    private static void writeWeights(GgufReader gguf, Plan plan, Path dir) {
        ModelConfig config = plan.config();

        List<SafetensorsWriter.Planned> planned = new ArrayList<>();
        Map<String, ParamSpec> byName = new HashMap<>();
        for (ParamSpec s : plan.specs()) {
            planned.add(new SafetensorsWriter.Planned(s.name(), DType.F32, s.fileShape()));
            byName.put(s.name(), s);
        }
        SafetensorsWriter.write(
                dir.resolve("model.safetensors"),
                planned,
                Map.of("format", "pt"),
                t -> huggingFaceBytes(
                        gguf, config, byName.get(t.name()), plan.sources().get(t.name())));
    }

    /** One tensor as the Hugging Face checkpoint stores it, in float32 bytes; its native copies are freed here. */
    private static ByteBuffer huggingFaceBytes(GgufReader gguf, ModelConfig config, ParamSpec spec, GgufTensorInfo t) {
        float[] values = dequantized(gguf, t, t.elements());
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.ofFloats(values, spec.shape()); // memory layout, as GGUF holds it
            x = unpermuted(config, spec.name(), x);
            if (spec.transposed()) x = x.t(); // GPT-2's Conv1D stores (in, out)
            return Tensors.toEntry(spec.name(), x.contiguous()).data();
        }
    }

    /** The first {@code n} values of tensor {@code t}; a type forja cannot dequantize is an error naming it. */
    static float[] dequantized(GgufReader gguf, GgufTensorInfo t, long n) {
        try {
            if (n == t.elements()) return gguf.floats(t.name());
            float[] out = new float[(int) n];
            GgmlQuant.decode(t.type(), gguf.data(t.name()), out, 0, out.length);
            return out;
        } catch (RuntimeException e) {
            throw new ForjaException(gguf.file() + ": tensor " + t.name() + " is stored as " + t.type() + ", which "
                    + "forja cannot dequantize (" + e.getMessage()
                    + "); re-quantize the model to F16, BF16, Q8_0, Q4_0, Q4_1 or "
                    + "Q4_K_M with llama.cpp's llama-quantize, or load its Hugging Face directory");
        }
    }

    /** Llama's q and k rows back from ggml's rope order; Qwen2 (NEOX rope) and GPT-2 were written as they are. */
    static Tensor unpermuted(ModelConfig config, String hf, Tensor x) {
        if (!(config instanceof LlamaConfig c) || !LlamaGguf.architecture(c).equals("llama")) return x;
        if (hf.contains(".self_attn.q_proj.")) return RopePermutation.toHuggingFace(x, c.numHeads());
        if (hf.contains(".self_attn.k_proj.")) return RopePermutation.toHuggingFace(x, c.numKvHeads());
        return x;
    }

    /** Greedy by default; generation ends at eos and at the end-of-turn / end-of-message tokens llama.cpp knows. */
    private static GenerationDefaults generation(GgufReader gguf, ModelConfig config) {
        Set<Long> eos = new LinkedHashSet<>(GenerationDefaults.of(config).eosTokenIds());
        for (String role : List.of("eot", "eom")) {
            GgufValue v = gguf.metadata().get("tokenizer.ggml." + role + "_token_id");
            if (v != null && v.type().integer() && v.asLong() >= 0 && v.asLong() < config.vocabSize()) {
                eos.add(v.asLong());
            }
        }
        GenerationDefaults d = GenerationDefaults.of(config);
        return new GenerationDefaults(
                List.copyOf(eos), d.doSample(), d.temperature(), d.topK(), d.topP(), d.repetitionPenalty());
    }

    /**
     * {@value #SOURCE_FILE}: the file and its sha256, {@code general.name}, and any {@code general.source.forja.*}
     * keys; those also become {@code forja_lineage.json}, which {@link GgufExport} writes back into a GGUF.
     */
    private static void lineage(GgufReader gguf, String sha, Path dir) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("gguf_file", gguf.file().toString());
        source.put("gguf_sha256", sha);
        GgufValue name = gguf.metadata().get("general.name");
        if (name != null && name.value() instanceof String s) source.put("general.name", s);
        Map<String, String> forja = new LinkedHashMap<>();
        gguf.metadata().forEach((k, v) -> {
            if (k.startsWith(GgufExport.LINEAGE_PREFIX) && v.value() instanceof String s) {
                forja.put(k.substring(GgufExport.LINEAGE_PREFIX.length()), s);
            }
        });
        if (!forja.isEmpty()) {
            source.put("forja", forja);
            Lineage.write(dir, forja.get("dataset_hash"), forja.get("base_model"), forja.get("base_model_sha256"));
        }
        Json.writeAtomic(dir.resolve(SOURCE_FILE), source);
    }
}
