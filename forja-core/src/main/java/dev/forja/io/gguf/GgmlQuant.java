package dev.forja.io.gguf;

import dev.forja.ForjaException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes float32 values into a ggml tensor type and decodes them back. Q8_0, Q5_0 and Q4_0 follow ggml's reference
 * quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q5_0_ref}, {@code quantize_row_q4_0_ref} in
 * ggml-quants.c) operation for operation in float32, so the blocks are bit-identical to llama.cpp's; the k-quants
 * Q4_K and Q6_K are {@link GgmlKQuant}'s; F16 and BF16 round to nearest even.
 *
 * <p>A block of 32 values:
 *
 * <ul>
 *   <li>Q8_0: {@code d = amax / 127} stored as fp16, then 32 int8 {@code q = round(x * (1/d))} (half away from
 *       zero); {@code x ≈ d * q}.
 *   <li>Q4_0: {@code d = max / -8} where {@code max} is the signed value of largest magnitude (the first one on a
 *       tie), stored as fp16, then 16 bytes whose low nibbles hold elements 0..15 and high nibbles 16..31, each
 *       {@code q = min(15, trunc(x * (1/d) + 8.5))}; {@code x ≈ d * (q - 8)}.
 *   <li>Q4_1: {@code d = (max - min) / 15} and {@code m = min}, both stored as fp16, then 16 bytes laid out as
 *       Q4_0's, each {@code q = min(15, trunc((x - min) * (1/d) + 0.5))}; {@code x ≈ d * q + m}
 *       ({@code quantize_row_q4_1_ref}).
 *   <li>Q5_0: as Q4_0 with {@code d = max / -16} and {@code q = min(31, trunc(x * (1/d) + 16.5))}: the fp16 scale,
 *       the 32 fifth bits as a little-endian uint32, then the low nibbles laid out as Q4_0's; {@code x ≈ d * (q - 16)}.
 * </ul>
 *
 * The scale used to quantize is the float32 {@code d}; the stored one is its fp16 rounding, as in ggml.
 */
public final class GgmlQuant {

    /** Elements per Q8_0 / Q5_0 / Q4_0 block. */
    public static final int BLOCK = 32;

    private GgmlQuant() {}

    /**
     * Writes {@code n} values from {@code x[from..]} to {@code out} (little-endian) as {@code type}; for a quantized
     * type {@code n} must be a multiple of its {@link GgufType#blockSize()}.
     */
    public static void encode(GgufType type, float[] x, int from, int n, ByteBuffer out) {
        ByteBuffer le = out.order(ByteOrder.LITTLE_ENDIAN);
        requireBlocks(type, n);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) le.putFloat(x[from + i]);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) le.putShort(HalfFloat.toF16(x[from + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) le.putShort(HalfFloat.toBf16(x[from + i]));
            }
            case Q8_0 -> {
                for (int b = 0; b < n; b += BLOCK) quantizeQ8Block(x, from + b, le);
            }
            case Q4_0 -> {
                for (int b = 0; b < n; b += BLOCK) quantizeQ4Block(x, from + b, le);
            }
            case Q4_1 -> {
                for (int b = 0; b < n; b += BLOCK) quantizeQ41Block(x, from + b, le);
            }
            case Q5_0 -> {
                for (int b = 0; b < n; b += BLOCK) quantizeQ5Block(x, from + b, le);
            }
            case Q4_K -> {
                for (int b = 0; b < n; b += GgmlKQuant.QK_K) GgmlKQuant.quantizeQ4K(x, from + b, le);
            }
            case Q6_K -> {
                for (int b = 0; b < n; b += GgmlKQuant.QK_K) GgmlKQuant.quantizeQ6K(x, from + b, le);
            }
        }
    }

    /** Reads {@code n} values of {@code type} from {@code in} (little-endian) into {@code y[from..]}. */
    public static void decode(GgufType type, ByteBuffer in, float[] y, int from, int n) {
        ByteBuffer le = in.order(ByteOrder.LITTLE_ENDIAN);
        requireBlocks(type, n);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) y[from + i] = le.getFloat();
            }
            case F16 -> {
                for (int i = 0; i < n; i++) y[from + i] = HalfFloat.fromF16(le.getShort());
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) y[from + i] = HalfFloat.fromBf16(le.getShort());
            }
            case Q8_0 -> {
                for (int b = 0; b < n; b += BLOCK) {
                    float d = HalfFloat.fromF16(le.getShort());
                    for (int j = 0; j < BLOCK; j++) y[from + b + j] = d * le.get();
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n; b += BLOCK) {
                    float d = HalfFloat.fromF16(le.getShort());
                    for (int j = 0; j < BLOCK / 2; j++) {
                        int q = le.get() & 0xff;
                        y[from + b + j] = ((q & 0x0f) - 8) * d;
                        y[from + b + j + BLOCK / 2] = ((q >>> 4) - 8) * d;
                    }
                }
            }
            case Q4_1 -> {
                for (int b = 0; b < n; b += BLOCK) {
                    float d = HalfFloat.fromF16(le.getShort());
                    float m = HalfFloat.fromF16(le.getShort());
                    for (int j = 0; j < BLOCK / 2; j++) {
                        int q = le.get() & 0xff;
                        y[from + b + j] = (q & 0x0f) * d + m;
                        y[from + b + j + BLOCK / 2] = (q >>> 4) * d + m;
                    }
                }
            }
            case Q5_0 -> {
                for (int b = 0; b < n; b += BLOCK) {
                    float d = HalfFloat.fromF16(le.getShort());
                    int qh = le.getInt();
                    for (int j = 0; j < BLOCK / 2; j++) {
                        int q = le.get() & 0xff;
                        int h0 = ((qh >>> j) << 4) & 0x10;
                        int h1 = (qh >>> (j + 12)) & 0x10;
                        y[from + b + j] = (((q & 0x0f) | h0) - 16) * d;
                        y[from + b + j + BLOCK / 2] = (((q >>> 4) | h1) - 16) * d;
                    }
                }
            }
            case Q4_K -> {
                for (int b = 0; b < n; b += GgmlKQuant.QK_K) GgmlKQuant.dequantizeQ4K(le, y, from + b);
            }
            case Q6_K -> {
                for (int b = 0; b < n; b += GgmlKQuant.QK_K) GgmlKQuant.dequantizeQ6K(le, y, from + b);
            }
            default -> throw new IllegalArgumentException("no decoder for ggml type " + type);
        }
    }

    /** {@code quantize} then {@code dequantize}: the values a reader of a {@code type} tensor will see. */
    public static float[] roundTrip(GgufType type, float[] x) {
        ByteBuffer buf = ByteBuffer.allocate((int) type.byteSize(x.length));
        encode(type, x, 0, x.length, buf);
        float[] y = new float[x.length];
        decode(type, buf.flip(), y, 0, x.length);
        return y;
    }

    private static void quantizeQ8Block(float[] x, int at, ByteBuffer out) {
        float amax = 0f;
        for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[at + j]));
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        out.putShort(HalfFloat.toF16(d));
        for (int j = 0; j < BLOCK; j++) out.put((byte) roundHalfAway(x[at + j] * id));
    }

    private static void quantizeQ4Block(float[] x, int at, ByteBuffer out) {
        float d = signedMax(x, at) / -8f;
        float id = d != 0f ? 1f / d : 0f;
        out.putShort(HalfFloat.toF16(d));
        for (int j = 0; j < BLOCK / 2; j++) {
            int lo = nibble(x[at + j] * id);
            int hi = nibble(x[at + j + BLOCK / 2] * id);
            out.put((byte) (lo | (hi << 4)));
        }
    }

    private static void quantizeQ41Block(float[] x, int at, ByteBuffer out) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < BLOCK; j++) {
            min = Math.min(min, x[at + j]);
            max = Math.max(max, x[at + j]);
        }
        float d = (max - min) / 15f;
        float id = d != 0f ? 1f / d : 0f;
        out.putShort(HalfFloat.toF16(d));
        out.putShort(HalfFloat.toF16(min));
        for (int j = 0; j < BLOCK / 2; j++) {
            int lo = Math.min(15, (int) ((x[at + j] - min) * id + 0.5f));
            int hi = Math.min(15, (int) ((x[at + j + BLOCK / 2] - min) * id + 0.5f));
            out.put((byte) (lo | (hi << 4)));
        }
    }

    /** The block's value of largest magnitude, with its sign; the first one on a tie. */
    private static float signedMax(float[] x, int at) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[at + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    private static void quantizeQ5Block(float[] x, int at, ByteBuffer out) {
        float d = signedMax(x, at) / -16f;
        float id = d != 0f ? 1f / d : 0f;
        out.putShort(HalfFloat.toF16(d));
        int qh = 0;
        byte[] qs = new byte[BLOCK / 2];
        for (int j = 0; j < BLOCK / 2; j++) {
            int lo = Math.max(0, Math.min(31, (int) (x[at + j] * id + 16.5f)));
            int hi = Math.max(0, Math.min(31, (int) (x[at + j + BLOCK / 2] * id + 16.5f)));
            qs[j] = (byte) ((lo & 0x0f) | ((hi & 0x0f) << 4));
            qh |= ((lo & 0x10) >>> 4) << j;
            qh |= ((hi & 0x10) >>> 4) << (j + BLOCK / 2);
        }
        out.putInt(qh).put(qs);
    }

    /** {@code min(15, trunc(v + 8.5))} in float32, as ggml; the floor at 0 only guards rounding below -8. */
    private static int nibble(float v) {
        int q = (int) (v + 8.5f);
        return Math.max(0, Math.min(15, q));
    }

    /** C's {@code roundf}: to nearest, halves away from zero (Java's Math.round sends -2.5 to -2). */
    private static int roundHalfAway(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -r : r);
    }

    private static void requireBlocks(GgufType type, int n) {
        if (n % type.blockSize() != 0) {
            throw new ForjaException(type + " encodes whole blocks of " + type.blockSize() + " values, not " + n
                    + ": pass row-aligned chunks");
        }
    }
}
