package dev.forja.tokenizer;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files a Hugging Face model directory keeps its tokenizer in, carried from one directory to another. */
public final class TokenizerFiles {
    /** {@code tokenizer.json} and its two config files. */
    public static final List<String> NAMES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json");

    private TokenizerFiles() {
    }

    /** Copies {@link #NAMES} and {@code extra} from {@code from} to {@code to}, those that exist. */
    public static void copy(Path from, Path to, String... extra) {
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(List.of(extra));
        for (String f : names) {
            try {
                if (Files.isRegularFile(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f));
            } catch (IOException e) {
                throw new ForjaException("cannot copy " + f + " into " + to + ": " + e.getMessage());
            }
        }
    }
}
