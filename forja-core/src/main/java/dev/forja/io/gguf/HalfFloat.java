package dev.forja.io.gguf;

/**
 * Conversions between float32 and the two 16-bit float formats ggml stores: IEEE 754 binary16 (F16) and bfloat16
 * (BF16), both rounding to nearest, ties to even, as the hardware conversions ggml calls do.
 *
 * <p>Example: {@code HalfFloat.toF16(1.0f) == 0x3C00}, {@code HalfFloat.toBf16(1.0f) == 0x3F80}.
 */
public final class HalfFloat {

    private HalfFloat() {}

    /** The binary16 bits nearest to {@code f}; overflow gives infinity, NaN stays a (quiet) NaN. */
    public static short toF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        int e = exp - 127 + 15; // the binary16 exponent
        if (e >= 0x1f) return (short) (sign | 0x7c00);
        if (e <= 0) {
            // Subnormal in binary16 (or zero): shift the mantissa with its implicit bit into place.
            if (e < -10) return (short) sign;
            int full = mant | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(full, shift));
        }
        // A carry out of the mantissa rounds into the exponent, up to infinity, which is right.
        return (short) (sign | roundShift((e << 23) | mant, 13));
    }

    /** {@code value >> shift} rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) != 0)) kept++;
        return kept;
    }

    /** The float32 value of binary16 bits {@code h} (exact). */
    public static float fromF16(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact in float32
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** The bfloat16 bits nearest to {@code f}: the top half of its float32 bits, rounded; NaN stays NaN. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 value of bfloat16 bits {@code b} (exact). */
    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
