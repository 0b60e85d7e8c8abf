package dev.forja.quant;

import dev.forja.ForjaException;
import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufType;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A linear layer whose weight is stored as 4-bit integers in groups of {@link #GROUP} input features, each group with
 * its own scale and zero ({@code w ≈ (q - 8) · scale + zero}, min-max over the group as in gpt-fast), multiplied by
 * {@code _weight_int4pack_mm_for_cpu} with bf16 activations (see {@link Int8Linear} for why bf16). Inference only.
 */
public record Int4Linear(Tensor packed, Tensor scaleAndZero, long outFeatures, long inFeatures, Tensor bias)
        implements Linear {
    /** Input features per group: the smallest the kernel takes, for the best accuracy. */
    public static final long GROUP = 32;

    /**
     * Weights are padded with zero rows to a multiple of this, cut from the output: a whole number of the kernel's
     * row blocks ({@link KernelLayout#rows}, 64 or 32; a tail of fewer rows is packed otherwise), so {@link #weight}
     * needs to know one layout only.
     */
    private static final long ROWS = 64;

    /**
     * How libtorch's CPU int4 kernel lays out a packed block of rows, found by packing a probe weight once: its
     * AVX-512 kernels pack N in blocks of 64 rows, each block k by k as 32 bytes whose low nibbles hold rows 0-31 and
     * high nibbles rows 32-63; its AVX2 kernels (CPUs without AVX-512, e.g. AMD's Zen 3) blocks of 32 rows as 16
     * bytes, low nibbles rows 0-15, high 16-31 ({@code _convert_weight_to_int4pack_for_cpu}).
     */
    static final class KernelLayout {
        private static long rows; // 0 until probed

        private KernelLayout() {}

        /** The rows of one packed block on this CPU, probed on the first call. */
        static synchronized long rows() {
            if (rows == 0) rows = probe();
            return rows;
        }

        private static long probe() {
            try (PointerScope scope = new PointerScope();
                    NoGradGuard ng = new NoGradGuard()) {
                long n = 64, k = GROUP;
                long[] levels = new long[(int) (n * k)];
                SplittableRandom r = new SplittableRandom(1);
                for (int i = 0; i < levels.length; i++) levels[i] = r.nextInt(16);
                Tensor q = Tensors.ofLongs(levels, n, k).to(ScalarType.Int).contiguous();
                Tensor packed = AtenOps.int4Pack(q);
                for (long candidate : new long[] {64, 32}) {
                    if (unpack(packed, n, k, candidate).to(ScalarType.Int).equal(q)) return candidate;
                }
                throw new ForjaException("libtorch's int4 kernel packs weights in a layout forja does not read on this"
                        + " CPU (neither its AVX-512 nor its AVX2 one): use --quantize int8");
            }
        }
    }

    /** The levels (N', K) uint8 of a packed weight whose blocks hold {@code rows} rows each. */
    private static Tensor unpack(Tensor packed, long padded, long k, long rows) {
        Tensor p = packed.view(padded / rows, k, rows / 2); // (N'/rows, K, rows/2)
        Tensor lo = p.bitwise_and(new Scalar(15));
        Tensor hi = p.bitwise_right_shift(new Scalar(4));
        return torch.cat(new TensorVector(lo, hi), 2) // (N'/rows, K, rows)
                .permute(0, 2, 1)
                .reshape(padded, k);
    }

    /** True when {@code weight} (N, K) can be stored this way: K a multiple of {@link #GROUP}. */
    public static boolean fits(Tensor weight) {
        return weight.dim() == 2 && weight.size(1) % GROUP == 0;
    }

    /** Quantizes {@code weight} (N, K), K a multiple of {@link #GROUP}; {@code bias} (N) is kept (may be null). */
    public static Int4Linear quantize(Tensor weight, Tensor bias) {
        if (!fits(weight)) throw new IllegalArgumentException("int4 needs in_features a multiple of " + GROUP);
        long n = weight.size(0);
        long k = weight.size(1);
        List<Tensor> qs = new ArrayList<>(); // (rows, K) uint8 levels
        List<Tensor> szs = new ArrayList<>(); // (rows, K/G, 2) scale and zero
        // rows in chunks, each in its own scope: the clip search's fp32 temporaries of a 50k-row LM head would take
        // gigabytes
        try (NoGradGuard ng = new NoGradGuard()) {
            long rows = Rounding.chunkRows(k);
            for (long r = 0; r < n; r += rows) {
                try (PointerScope chunk = new PointerScope()) {
                    long len = Math.min(rows, n - r);
                    Tensor w = weight.narrow(0, r, len).to(ScalarType.Float).reshape(len, k / GROUP, GROUP);
                    Tensor[] qsz = quantizeGroups(w); // (rows, K/G, G), (rows, K/G, 2)
                    qs.add(Rounding.keep(qsz[0].reshape(len, k).to(ScalarType.Byte)));
                    szs.add(Rounding.keep(qsz[1]));
                }
            }
            return pack(qs, szs, n, k, bias);
        }
    }

    /**
     * The layer over levels (rows, K) uint8 in [0, 15] and (scale, zero) pairs (rows, K/G, 2) float32 given in row
     * chunks ({@link Rounding#keep kept}; released here): padded to whole blocks of {@link #ROWS} and packed.
     */
    private static Int4Linear pack(List<Tensor> qs, List<Tensor> szs, long n, long k, Tensor bias) {
        try (NoGradGuard ng = new NoGradGuard()) {
            long padded = (n + ROWS - 1) / ROWS * ROWS;
            if (padded != n) { // zero rows: level 0 on the grid 0 + q · 1, i.e. (0 - 8) · 1 + 8 = 0
                qs.add(Rounding.keep(torch.zeros(new long[] {padded - n, k}, new TensorOptions(ScalarType.Byte))));
                Tensor pad = torch.ones(padded - n, k / GROUP, 2);
                pad.select(2, 1).fill_(new Scalar(8.0));
                szs.add(Rounding.keep(pad));
            }
            Tensor q = Rounding.joinRows(qs); // (N', K)
            Tensor sz = Rounding.joinRows(szs); // (N', K/G, 2)
            try (PointerScope scope = new PointerScope()) {
                Tensor packed = AtenOps.int4Pack(q.to(ScalarType.Int).contiguous()); // (N', K/2) uint8
                Tensor kernelSz = sz.transpose(0, 1).to(Int8Linear.COMPUTE).contiguous(); // (K/G, N', 2)
                q.releaseReference();
                sz.releaseReference();
                return new Int4Linear(Rounding.keep(packed), Rounding.keep(kernelSz), n, k, bias);
            }
        }
    }

    /**
     * The layer holding a GGUF {@link GgufType#Q4_0 Q4_0} or {@link GgufType#Q4_1 Q4_1} weight (N, K) as it is stored:
     * {@code blocks} (from its position on, left unchanged) is the tensor's data, N rows of K/32 blocks; no dense copy
     * of the weight is made. Both formats are groups of 32 on the kernel's grid {@code (q - 8) · scale + zero}: Q4_0's
     * {@code d · (q - 8)} is scale d, zero 0, and Q4_1's {@code d · q + m} is scale d, zero {@code m + 8d}. The levels
     * are the file's exactly; only d and m, fp16 in the file, are rounded to bf16 (2^-8 relative) for the kernel.
     */
    public static Int4Linear fromGgml(GgufType type, ByteBuffer blocks, long n, long k, Tensor bias) {
        if (type != GgufType.Q4_0 && type != GgufType.Q4_1)
            throw new IllegalArgumentException("int4 takes Q4_0 or Q4_1 blocks, not " + type);
        if (k % GROUP != 0) throw new IllegalArgumentException("a " + type + " row holds whole blocks of " + GROUP);
        int bytesPerBlock = type.bytesPerBlock();
        int nibbleBytes = GgmlQuant.BLOCK / 2;
        long rowBytes = type.byteSize(k);
        List<Tensor> qs = new ArrayList<>();
        List<Tensor> szs = new ArrayList<>();
        long rows = Rounding.chunkRows(k);
        // decoded by libtorch from a native copy of each chunk's blocks: Java arrays per chunk would be heap garbage
        // of over a byte a weight, resident through the load
        for (long r = 0; r < n; r += rows) {
            long len = Math.min(rows, n - r);
            try (PointerScope chunk = new PointerScope()) {
                int start = blocks.position() + (int) (r * rowBytes);
                int length = (int) (len * rowBytes);
                Tensor raw = torch.empty(
                        new long[] {len, k / GROUP, bytesPerBlock},
                        new TensorOptions(ScalarType.Byte),
                        null); // (len, K/G, bytes): fp16 d (and m for Q4_1), then 16 bytes of nibbles
                new BytePointer(raw.data_ptr())
                        .capacity(length)
                        .asByteBuffer()
                        .put(blocks.duplicate().position(start).limit(start + length));
                Tensor d = half(raw, 0); // (len, K/G, 1)
                Tensor zero = type == GgufType.Q4_1 ? half(raw, 2).add(d.mul(new Scalar(8.0))) : torch.zeros_like(d);
                Tensor nibbles = raw.narrow(2, bytesPerBlock - nibbleBytes, nibbleBytes); // (len, K/G, 16)
                // low nibbles: the block's first 16 values; high: its last 16
                Tensor levels = torch.cat(
                        new TensorVector(
                                nibbles.bitwise_and(new Scalar(15)), nibbles.bitwise_right_shift(new Scalar(4))),
                        2); // (len, K/G, 32)
                qs.add(Rounding.keep(levels.reshape(len, k).contiguous()));
                szs.add(Rounding.keep(torch.cat(new TensorVector(d, zero), 2))); // (len, K/G, 2)
            }
        }
        return pack(qs, szs, n, k, bias);
    }

    /** The fp16 value at byte {@code at} of each block of {@code raw} (rows, K/G, bytes), as float32 (rows, K/G, 1). */
    private static Tensor half(Tensor raw, int at) {
        return raw.narrow(2, at, 2).contiguous().view(ScalarType.Half).to(ScalarType.Float);
    }

    /**
     * Levels (rows, K/G, G) in [0, 15] and (scale, zero) pairs (rows, K/G, 2) for {@code w} (rows, K/G, G): the
     * range each group is quantized over is its min-max shrunk by the factor of CLIPS with the least squared error
     * (an outlier stretches the grid for all 32 weights; clipping it lets the others round finer).
     */
    private static Tensor[] quantizeGroups(Tensor w) {
        Tensor min = w.amin(new long[] {2}, true); // (rows, K/G, 1)
        Tensor max = w.amax(new long[] {2}, true);
        Tensor lo = min;
        Tensor scale = Rounding.nonZero(max.sub(min).div(new Scalar(15.0)));
        Tensor best = squaredError(w, lo, scale);
        for (double f : CLIPS) {
            Tensor loF = min.mul(new Scalar(f));
            Tensor scaleF = Rounding.nonZero(max.sub(min).mul(new Scalar(f / 15.0)));
            Tensor err = squaredError(w, loF, scaleF); // (rows, K/G, 1)
            Tensor better = err.lt(best);
            lo = torch.where(better, loF, lo);
            scale = torch.where(better, scaleF, scale);
            best = torch.where(better, err, best);
        }
        Tensor zero = lo.add(scale.mul(new Scalar(8.0))); // the kernel computes (q - 8) · scale + zero: q = 0 is lo
        return new Tensor[] {levels(w, lo, scale), torch.cat(new TensorVector(scale, zero), 2)};
    }

    /** Shrink factors of a group's min-max range tried besides 1 (no clipping). */
    private static final double[] CLIPS = {0.95, 0.9, 0.85, 0.8, 0.75, 0.7};

    /** The levels q in [0, 15] of {@code w} (N', K/G, G) on the grid {@code lo + q · scale}. */
    private static Tensor levels(Tensor w, Tensor lo, Tensor scale) {
        return Rounding.halfAwayFromZero(w.sub(lo).div(scale)).clamp(Rounding.bound(0), Rounding.bound(15));
    }

    /** Per group, the squared error of {@code w} rounded to the grid {@code lo + q · scale}: (N', K/G, 1). */
    private static Tensor squaredError(Tensor w, Tensor lo, Tensor scale) {
        Tensor d = levels(w, lo, scale).mul(scale).add(lo).sub(w);
        return d.mul(d).sum(new long[] {2}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
    }

    @Override
    public Tensor apply(Tensor x) {
        long[] outShape = x.sizes().vec().get();
        outShape[outShape.length - 1] = outFeatures;
        // the bf16 copies and the dequantized weight are freed here, not when the forward pass's scope closes
        return Tensors.freeingTemporaries(() -> {
            Tensor flat = x.reshape(-1, inFeatures).to(Int8Linear.COMPUTE).contiguous(); // (M, K)
            // a prompt's many rows: dequantize for the moment and use the dense bf16 matmul (see
            // Int8Linear.DENSE_ROWS)
            if (flat.size(0) >= Int8Linear.DENSE_ROWS) {
                return withBias(torch.linear(flat, weight()), x, outShape);
            }
            Tensor y = AtenOps.int4Mm(flat, packed, GROUP, scaleAndZero); // (M, N')
            if (y.size(1) != outFeatures) y = y.narrow(1, 0, outFeatures);
            return withBias(y, x, outShape);
        });
    }

    private Tensor withBias(Tensor y, Tensor x, long[] outShape) {
        y = y.to(x.scalar_type()).reshape(outShape); // (..., N)
        return bias == null ? y : y.add(bias.to(x.scalar_type()));
    }

    /**
     * The dequantized weight {@code (q - 8) · scale + zero}, (N, K) in bf16, computed on each call from the kernel's
     * packed layout ({@link KernelLayout}; the test checks it against the kernel's own product with the identity).
     */
    @Override
    public Tensor weight() {
        long padded = packed.size(0);
        Tensor q = unpack(packed, padded, inFeatures, KernelLayout.rows())
                .reshape(padded, inFeatures / GROUP, GROUP)
                .narrow(0, 0, outFeatures)
                .to(ScalarType.Float); // (N, K/G, G)
        Tensor sz = scaleAndZero.narrow(1, 0, outFeatures).transpose(0, 1).to(ScalarType.Float); // (N, K/G, 2)
        Tensor scale = sz.narrow(2, 0, 1);
        Tensor zero = sz.narrow(2, 1, 1);
        return q.sub(new Scalar(8.0))
                .mul(scale)
                .add(zero)
                .reshape(outFeatures, inFeatures)
                .to(Int8Linear.COMPUTE); // (N, K)
    }
}
