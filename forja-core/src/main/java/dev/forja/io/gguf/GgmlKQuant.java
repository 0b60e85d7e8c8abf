package dev.forja.io.gguf;

import java.nio.ByteBuffer;

/**
 * ggml's k-quants Q4_K and Q6_K: super-blocks of {@link #QK_K} values, each with its own fp16 scale(s) and
 * sub-block scales quantized against it. The quantizers follow ggml's reference code ({@code quantize_row_q4_K_ref},
 * {@code quantize_row_q6_K_ref} and their scale searches {@code make_qkx2_quants}, {@code make_qx_quants} in
 * ggml-quants.c) operation for operation in float32, so the blocks are bit-identical to those llama.cpp's
 * {@code llama-quantize} writes without an importance matrix.
 *
 * <p>Q4_K, 144 bytes: {@code d}, {@code dmin} (fp16), 12 bytes of eight 6-bit sub-block scales {@code sc} and mins
 * {@code m} (sub-blocks 0-3: low 6 bits of bytes 0-3 and 4-7; sub-blocks 4-7: low / high nibble of bytes 8-11, their
 * top two bits in the top bits of bytes 0-3 / 4-7), then 128 bytes of 4-bit quants, where each 32-byte group holds
 * two sub-blocks (low nibbles the first). {@code x ≈ d·sc·q − dmin·m}.
 *
 * <p>Q6_K, 210 bytes: 128 bytes of the quants' low nibbles, 64 bytes of their top two bits, sixteen int8 scales for
 * sub-blocks of 16, then fp16 {@code d}. {@code x ≈ d·scale·(q − 32)}.
 */
final class GgmlKQuant {

    /** Elements per super-block. */
    static final int QK_K = 256;

    private static final float GROUP_MAX_EPS = 1e-15f;

    private GgmlKQuant() {}

    /** One Q4_K super-block from {@code x[at..at+256)}. */
    static void quantizeQ4K(float[] x, int at, ByteBuffer out) {
        int[] L = new int[QK_K];
        int[] laux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float maxScale = 0; // the min is subtracted, so scales are positive
        float maxMin = 0;
        for (int j = 0; j < QK_K / 32; j++) {
            int o = at + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[o + l] * x[o + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[o + l]);
            scales[j] = makeQkx2Quants(32, 15, x, o, weights, L, 32 * j, mins, j, laux, -1f, 0.1f, 20);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }

        // the sub-block scales and mins as 6-bit multiples of d = maxScale / 63 and dmin = maxMin / 63
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        byte[] sc = new byte[12];
        for (int j = 0; j < QK_K / 32; j++) {
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xff);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xff);
            if (j < 4) {
                sc[j] = (byte) ls;
                sc[j + 4] = (byte) lm;
            } else {
                sc[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                sc[j - 4] |= (byte) ((ls >> 4) << 6);
                sc[j] |= (byte) ((lm >> 4) << 6);
            }
        }
        short d16 = HalfFloat.toF16(maxScale / 63f);
        short dmin16 = HalfFloat.toF16(maxMin / 63f);

        // re-quantize each sub-block against the scales as stored
        for (int j = 0; j < QK_K / 32; j++) {
            float d = HalfFloat.fromF16(d16) * scaleK4(j, sc);
            if (d == 0) continue; // keeps the search's quants, as ggml does
            float dm = HalfFloat.fromF16(dmin16) * minK4(j, sc);
            for (int i = 0; i < 32; i++) {
                int l = nearestInt((x[at + 32 * j + i] + dm) / d);
                L[32 * j + i] = Math.max(0, Math.min(15, l));
            }
        }

        out.putShort(d16).putShort(dmin16).put(sc);
        for (int j = 0; j < QK_K; j += 64) {
            for (int l = 0; l < 32; l++) out.put((byte) (L[j + l] | (L[j + l + 32] << 4)));
        }
    }

    /** One Q4_K super-block into {@code y[at..at+256)}. */
    static void dequantizeQ4K(ByteBuffer in, float[] y, int at) {
        float d = HalfFloat.fromF16(in.getShort());
        float min = HalfFloat.fromF16(in.getShort());
        byte[] sc = new byte[12];
        in.get(sc);
        int o = at;
        for (int j = 0, is = 0; j < QK_K; j += 64, is += 2) {
            float d1 = d * scaleK4(is, sc);
            float m1 = min * minK4(is, sc);
            float d2 = d * scaleK4(is + 1, sc);
            float m2 = min * minK4(is + 1, sc);
            int q0 = in.position();
            for (int l = 0; l < 32; l++) y[o++] = d1 * (in.get(q0 + l) & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[o++] = d2 * ((in.get(q0 + l) & 0xff) >> 4) - m2;
            in.position(q0 + 32);
        }
    }

    /** One Q6_K super-block from {@code x[at..at+256)}. */
    static void quantizeQ6K(float[] x, int at, ByteBuffer out) {
        int[] L = new int[QK_K];
        float[] scales = new float[QK_K / 16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < QK_K / 16; ib++) {
            float scale = makeQxQuants(16, 32, x, at + 16 * ib, L, 16 * ib);
            scales[ib] = scale;
            if (Math.abs(scale) > maxAbsScale) {
                maxAbsScale = Math.abs(scale);
                maxScale = scale;
            }
        }
        if (maxAbsScale < GROUP_MAX_EPS) {
            out.put(new byte[210]); // an all-zero block, d = +0
            return;
        }

        float iscale = -128f / maxScale;
        short d16 = HalfFloat.toF16(1 / iscale);
        byte[] sc = new byte[QK_K / 16];
        for (int ib = 0; ib < QK_K / 16; ib++) sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
        for (int j = 0; j < QK_K / 16; j++) {
            float d = HalfFloat.fromF16(d16) * sc[j];
            if (d == 0) continue;
            for (int i = 0; i < 16; i++) {
                int l = nearestInt(x[at + 16 * j + i] / d);
                L[16 * j + i] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }

        byte[] ql = new byte[QK_K / 2];
        byte[] qh = new byte[QK_K / 4];
        for (int j = 0; j < QK_K; j += 128) {
            int lo = j / 2;
            int ho = j / 4;
            for (int l = 0; l < 32; l++) {
                int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
                ql[lo + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[lo + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[ho + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
        out.put(ql).put(qh).put(sc).putShort(d16);
    }

    /** One Q6_K super-block into {@code y[at..at+256)}. */
    static void dequantizeQ6K(ByteBuffer in, float[] y, int at) {
        byte[] ql = new byte[QK_K / 2];
        byte[] qh = new byte[QK_K / 4];
        byte[] sc = new byte[QK_K / 16];
        in.get(ql).get(qh).get(sc);
        float d = HalfFloat.fromF16(in.getShort());
        for (int n = 0; n < QK_K; n += 128) {
            int lo = n / 2, ho = n / 4, so = n / 16;
            for (int l = 0; l < 32; l++) {
                int is = so + l / 16;
                int h = qh[ho + l] & 0xff;
                int a = ql[lo + l] & 0xff, b = ql[lo + l + 32] & 0xff;
                y[at + n + l] = d * sc[is] * (((a & 0xF) | ((h & 3) << 4)) - 32);
                y[at + n + l + 32] = d * sc[is + 2] * (((b & 0xF) | (((h >> 2) & 3) << 4)) - 32);
                y[at + n + l + 64] = d * sc[is + 4] * (((a >> 4) | (((h >> 4) & 3) << 4)) - 32);
                y[at + n + l + 96] = d * sc[is + 6] * (((b >> 4) | (((h >> 6) & 3) << 4)) - 32);
            }
        }
    }

    /**
     * ggml's {@code nearest_int}: adding 1.5·2^23 leaves the rounded integer in the float's low mantissa bits (to
     * nearest, ties to even), for {@code |v| < 2^22}.
     */
    static int nearestInt(float v) {
        int bits = Float.floatToRawIntBits(v + 12582912f);
        return (bits & 0x007fffff) - 0x00400000;
    }

    /** Sub-block {@code j}'s 6-bit scale in a Q4_K scales array ({@code get_scale_min_k4}). */
    private static int scaleK4(int j, byte[] q) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | (((q[j - 4] & 0xff) >> 6) << 4);
    }

    /** Sub-block {@code j}'s 6-bit min in a Q4_K scales array. */
    private static int minK4(int j, byte[] q) {
        return j < 4 ? q[j + 4] & 63 : ((q[j + 4] & 0xff) >> 4) | (((q[j] & 0xff) >> 6) << 4);
    }

    /**
     * {@code make_qkx2_quants}: the scale and min of {@code x ≈ scale·L + min} (0 ≤ L ≤ nmax) over {@code n} values,
     * minimizing the weighted squared error over {@code nstep + 1} candidate scales. Writes the quants to
     * {@code L[lo..]}, {@code -min} to {@code theMin[mi]}; returns the scale.
     */
    private static float makeQkx2Quants(
            int n,
            int nmax,
            float[] x,
            int o,
            float[] weights,
            int[] L,
            int lo,
            float[] theMin,
            int mi,
            int[] laux,
            float rmin,
            float rdelta,
            int nstep) {
        float min = x[o];
        float max = x[o];
        float sumW = weights[0];
        float sumX = sumW * x[o];
        for (int i = 1; i < n; i++) {
            if (x[o + i] < min) min = x[o + i];
            if (x[o + i] > max) max = x[o + i];
            float w = weights[i];
            sumW += w;
            sumX += w * x[o + i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            theMin[mi] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * (x[o + i] - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - x[o + i];
            bestMad += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXl = 0;
            for (int i = 0; i < n; i++) {
                int l = nearestInt(iscale * (x[o + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                laux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * x[o + i];
            }
            float D = sumW * sumL2 - sumL * sumL;
            if (D > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / D;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / D;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float mad = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[o + i];
                    mad += weights[i] * (diff * diff);
                }
                if (mad < bestMad) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[mi] = -min;
        return scale;
    }

    /**
     * {@code make_qx_quants} with {@code rmse_type} 1 and no importance weights: the signed scale of
     * {@code x ≈ scale·(L − nmax)} (0 ≤ L < 2·nmax) over {@code n} values, weighting each squared error by
     * {@code x²}, searched over 19 candidates around {@code -nmax / max}. Writes the quants to {@code L[lo..]}.
     */
    private static float makeQxQuants(int n, int nmax, float[] x, int o, int[] L, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[o + i]);
            if (ax > amax) {
                amax = ax;
                max = x[o + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[o + i])));
            L[lo + i] = l + nmax;
            float w = x[o + i] * x[o + i];
            sumlx += w * x[o + i] * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[o + i])));
                float w = x[o + i] * x[o + i];
                sumlx += w * x[o + i] * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestInt(iscale * x[o + i]);
                    L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }
}
