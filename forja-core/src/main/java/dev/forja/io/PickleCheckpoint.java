package dev.forja.io;

import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch checkpoints saved with {@code torch.save} ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}) are
 * Python pickles, and unpickling runs whatever code the file asks for. forja recognises them by name only, never
 * opens them, and tells the user how to convert them to safetensors.
 */
final class PickleCheckpoint {

    private static final List<String> SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt");

    private PickleCheckpoint() {}

    /** Whether the file name says PyTorch pickle checkpoint (the content is never looked at). */
    static boolean isPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** The one-line refusal, with a conversion command that uses PyTorch's safe loader. */
    static ForjaException refusal(Path file) {
        Path target = file.resolveSibling("model.safetensors");
        String convert = "python -c \"import torch; from safetensors.torch import save_file; "
                + "sd = torch.load('" + file + "', map_location='cpu', weights_only=True); "
                + "save_file({k: v.clone().contiguous() for k, v in sd.items()}, '" + target + "', "
                + "metadata={'format': 'pt'})\"";
        return new ForjaException(file + " is a PyTorch pickle checkpoint; forja never unpickles (a pickle can run "
                + "code). Convert it to safetensors first: " + convert
                + " or download the model's safetensors revision");
    }
}
