package dev.forja.lora;

import dev.forja.io.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The base model an adapter was trained on, as {@code adapter_config.json} records it
 * ({@code base_model_name_or_path}: forja writes the base's directory, PEFT the Hub id or path it was given), checked
 * against the base it is about to be applied to. A different base of the same shapes loads without an error and
 * gives meaningless outputs, so a difference is worth a line on stderr; different shapes are refused by
 * {@link LoraAdapter#load} anyway.
 */
public final class AdapterBase {
    private AdapterBase() {}

    /**
     * A one-line warning when the adapter in {@code adapterDir} records a base other than {@code baseDir} (which the
     * user gave as {@code modelArg}), or null when it is the same, or unrecorded.
     */
    public static String mismatch(Path adapterDir, String modelArg, Path baseDir) {
        Path cfg = adapterDir.resolve(AdapterConfigJson.FILE);
        if (!Files.isRegularFile(cfg)) return null;
        String recorded =
                Json.read(cfg).path("base_model_name_or_path").asText("").strip();
        if (recorded.isEmpty()
                || recorded.equals(modelArg.strip())
                || sameDirectory(recorded, baseDir)
                || isHubSnapshotOf(baseDir, recorded)) {
            return null;
        }
        return "forja: warning: adapter " + adapterDir + " was trained on " + recorded + ", not on " + baseDir
                + "; unless they are the same model, its outputs here mean nothing";
    }

    /** Prints {@link #mismatch} to {@code err} when there is one. */
    public static void warn(Path adapterDir, String modelArg, Path baseDir, PrintStream err) {
        String m = mismatch(adapterDir, modelArg, baseDir);
        if (m != null) err.println(m);
    }

    private static boolean sameDirectory(String recorded, Path baseDir) {
        try {
            Path p = Path.of(recorded);
            if (p.toAbsolutePath().normalize().equals(baseDir.toAbsolutePath().normalize())) return true;
            return Files.exists(p) && Files.isSameFile(p, baseDir);
        } catch (InvalidPathException | IOException e) {
            return false;
        }
    }

    // .../models--owner--name/snapshots/<commit> is the Hugging Face cache's copy of owner/name
    private static boolean isHubSnapshotOf(Path baseDir, String hubId) {
        String repo = "models--" + hubId.replace("/", "--");
        for (Path p = baseDir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals(repo)) return true;
        }
        return false;
    }
}
