package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;

/**
 * One tensor of a GGUF file, its values produced on demand so a writer can stream one tensor at a time.
 *
 * @param ggufName llama.cpp's name, e.g. {@code blk.0.attn_q.weight} (at most 63 UTF-8 bytes, as ggml allows)
 * @param shape outermost dimension first, as PyTorch writes it: a linear weight is (out, in). A GGUF file stores
 *     the reverse ({@code ne = [in, out]}).
 * @param source the values, already transformed (permuted, transposed) into {@code shape}; any float dtype, on the
 *     CPU. Called once per write; it may build a new tensor each call.
 * @param keepF32 true when llama.cpp's converter keeps the tensor in F32 whatever the requested file type: 1-D
 *     tensors (norms, biases, rope factors) and the learned position embedding.
 */
public record GgufTensorSpec(String ggufName, long[] shape, Supplier<Tensor> source, boolean keepF32) {

    public GgufTensorSpec {
        if (ggufName == null || ggufName.isEmpty() || ggufName.getBytes(StandardCharsets.UTF_8).length > 63) {
            throw new ForjaException("GGUF tensor name '" + ggufName + "' must be 1 to 63 bytes long");
        }
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
            throw new ForjaException("GGUF tensor " + ggufName + " has shape " + Arrays.toString(shape)
                    + ": every dimension must be positive");
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The values as float32 in row-major order of {@link #shape}; checks the source against the shape. */
    public float[] values() {
        Tensor t = source.get();
        if (!Arrays.equals(Tensors.shape(t), shape)) {
            throw new ForjaException("GGUF tensor " + ggufName + ": its source has shape "
                    + Arrays.toString(Tensors.shape(t)) + " but " + Arrays.toString(shape) + " was declared");
        }
        return Tensors.toFloats(t);
    }
}
