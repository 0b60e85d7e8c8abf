package dev.forja.train;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 20];
        for (Path f : files) {
            if (f == null) continue;
            md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            try (InputStream in = Files.newInputStream(f)) {
                int n;
                while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            } catch (IOException e) {
                throw new ForjaException("cannot read " + f + ": " + e.getMessage());
            }
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
