package dev.forja.io.gguf;

import dev.forja.ForjaException;

/**
 * The ggml tensor types forja reads and writes, with their ids from ggml's {@code enum ggml_type}. A quantized type
 * packs {@link #blockSize()} consecutive elements of a row into {@link #bytesPerBlock()} bytes; a plain type has
 * blocks of one element.
 */
public enum GgufType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** 32 elements: an fp16 scale and 16 bytes of 4-bit quants. */
    Q4_0(2, 32, 18),
    /** 32 elements: an fp16 scale, an fp16 minimum and 16 bytes of 4-bit quants. */
    Q4_1(3, 32, 20),
    /** 32 elements: an fp16 scale, 4 bytes of the quants' fifth bits and 16 bytes of their low nibbles. */
    Q5_0(6, 32, 22),
    /** 32 elements: an fp16 scale and 32 int8 quants. */
    Q8_0(8, 32, 34),
    /** 256 elements: fp16 d and dmin, 12 bytes of 6-bit sub-block scales and mins, 128 bytes of 4-bit quants. */
    Q4_K(12, 256, 144),
    /** 256 elements: 192 bytes of 6-bit quants, 16 int8 sub-block scales and an fp16 scale. */
    Q6_K(14, 256, 210),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgufType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The id written in a tensor info ({@code GGML_TYPE_*}). */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Whether this type packs elements into quantized blocks. */
    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes that {@code elements} elements take; refuses a count that is not a whole number of blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new ForjaException(this + " packs rows in blocks of " + blockSize + " elements, but a row of "
                    + elements + " is not a multiple of it: keep that tensor in F16 or F32");
        }
        return elements / blockSize * bytesPerBlock;
    }

    /** The type with ggml id {@code id}; an unknown id is an error listing the supported ones. */
    public static GgufType fromId(int id) {
        for (GgufType t : values()) {
            if (t.id == id) return t;
        }
        throw new ForjaException(
                "unsupported ggml tensor type " + id + " (forja reads F32=0, F16=1, Q4_0=2, Q4_1=3, Q5_0=6, "
                        + "Q8_0=8, Q4_K=12, Q6_K=14, BF16=30); re-quantize the model to one of them with llama.cpp's llama-quantize");
    }
}
