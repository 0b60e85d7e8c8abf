package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Content hashes of the base model's files, which tie a checkpoint and a trained model to the base they started from.
 * (The data's hash is {@link dev.forja.prepare.Manifest#datasetHash}, the one {@code forja data info} shows.)
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** sha256 over the files' names and bytes, in the order given (null entries skipped). */
    public static String files(List<Path> files) {
        MessageDigest md = FileHash.sha256();
        for (Path f : files) {
            if (f == null) continue;
            md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            FileHash.update(md, f);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** sha256 of a model directory's config and weight files (sorted by name). */
    public static String modelDir(Path dir) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.equals("config.json")
                                || n.endsWith(".safetensors")
                                || n.equals("model.safetensors.index.json");
                    })
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new ForjaException("cannot list " + dir + ": " + e.getMessage());
        }
        return files(files);
    }
}
