// Where one decode step's time goes, and which single-row matrix product libtorch runs fastest here. Not part of the
// build: run it with the CLI's classpath (tools/bench/decode_probe.sh builds it and passes the arguments on).
//
//   java -cp "$jar:$(cat forja-cli/target/classpath.txt)" tools/bench/DecodeProbe.java matvec fp32|bf16 [SHAPE]
//   java -cp ... tools/bench/DecodeProbe.java rows fp32 [SHAPE]
//   java -cp ... tools/bench/DecodeProbe.java profile MODEL_DIR fp32|bf16 [CONTEXT]
//   java -cp ... tools/bench/DecodeProbe.java int8 fp32 [ROWS]
//   java -cp ... tools/bench/DecodeProbe.java prepacked fp32 [ROWS]
//
// matvec: for each GPT-2 124M product shape (out x in, with as many distinct weights as the model has, so that they
// stream from memory as in decode rather than sit in the 32 MiB L3), y = x W^T + b with x one row, through each
// route libtorch offers, under each pair of thread counts (libtorch's OpenMP pool, OpenBLAS's pool). Prints the best
// of 7 timings as microseconds per product and the weight GB/s it implies.
// int8: all of GPT-2 124M's products (12 blocks' four and the LM head, random weights quantized per output channel)
// for ROWS input rows (default 1, 8 and 128: a decoded token, a batch of 8, a prompt), through Int8Linear
// (_weight_int8pack_mm, bf16 activations; 16 rows or more dequantize to bf16) and Int8DynamicLinear (fbgemm, 8-bit
// activations), at libtorch threads 1 and 2: milliseconds for the whole set, best of 5, and the int8 GB/s it implies.
// prepacked: the 48 float32 block products of GPT-2 124M for ROWS rows (default 1, 8 and 128) through Dense.linear
// (OpenBLAS: sgemv for one row, sgemm for more; libtorch 1 thread, OpenBLAS 2, forja's float32 setting) and through
// PackedDense (oneDNN on weights reordered once for 8 rows) at libtorch threads 1 and 2: ms for the whole set, best of 9.
// profile: one decode step of a GPT-2 model at CONTEXT cached tokens (default 192), op group by op group, summed over
// the blocks; best of 15 steps per group.
import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.model.ModelLoader;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class DecodeProbe {
    record Shape(String name, int out, int in, int count) {}

    static final Shape[] SHAPES = {
        new Shape("attn.c_attn 2304x768", 2304, 768, 12),
        new Shape("attn.c_proj 768x768", 768, 768, 12),
        new Shape("mlp.c_fc 3072x768", 3072, 768, 12),
        new Shape("mlp.c_proj 768x3072", 768, 3072, 12),
        new Shape("lm_head 50257x768", 50257, 768, 1),
    };

    public static void main(String[] args) throws Exception {
        System.out.println("OPENBLAS_CORETYPE=" + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)")
                + " OPENBLAS_L2_SIZE=" + System.getenv().getOrDefault("OPENBLAS_L2_SIZE", "(unset)")
                + " OPENBLAS_NUM_THREADS=" + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
        torch.mm(torch.randn(8, 8), torch.randn(8, 8)); // loads libtorch and its BLAS
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("openblas") && line.contains("r-xp")) {
                System.out.println("mapped: " + line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        // does the thread count CpuThreads sets reach the OpenBLAS that libtorch calls? a 1536^2 sgemm at 1 and 2
        torch.set_num_threads(1);
        Tensor a = torch.randn(1536, 1536);
        for (int n : new int[] {1, 2, 1, 2}) {
            openblas_nolapack.blas_set_num_threads(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) torch.mm(a, a);
            System.out.printf("sgemm 1536^2, blas_set_num_threads(%d): %.1f GFLOP/s%n", n,
                    5 * 2.0 * Math.pow(1536, 3) / (System.nanoTime() - t0));
        }
        String config = torch.show_config().getString();
        for (String line : config.split("\n")) {
            if (line.contains("BLAS_INFO") || line.contains("oneDNN") || line.contains("CPU capability")) {
                System.out.println("libtorch: " + line.trim());
            }
        }
        ScalarType dtype = args[args.length > 2 && args[0].equals("profile") ? 2 : 1].equals("bf16")
                ? ScalarType.BFloat16
                : ScalarType.Float;
        try (NoGradGuard ng = new NoGradGuard()) {
            if (args[0].equals("matvec")) matvec(dtype, args.length > 2 ? args[2] : "");
            else if (args[0].equals("rows")) rows(args.length > 2 ? args[2] : "");
            else if (args[0].equals("prepacked")) prepacked(args.length > 2 ? new int[] {Integer.parseInt(args[2])} : new int[] {1, 8, 128});
            else if (args[0].equals("int8")) int8(args.length > 2 ? new int[] {Integer.parseInt(args[2])} : new int[] {1, 8, 128});
            else profile(Path.of(args[1]), dtype, args.length > 3 ? Integer.parseInt(args[3]) : 192);
        }
    }

    static void int8(int[] rowCounts) {
        List<dev.forja.quant.Int8Linear> weightOnly = new ArrayList<>();
        List<dev.forja.quant.Int8DynamicLinear> dynamic = new ArrayList<>();
        long bytes = 0;
        for (Shape s : SHAPES) {
            for (int i = 0; i < s.count; i++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor w = torch.randn(s.out, s.in).mul(new Scalar(0.02));
                    dev.forja.quant.Int8Linear q = dev.forja.quant.Int8Linear.quantize(w, torch.zeros(s.out));
                    q.bias().retainReference();
                    weightOnly.add(q);
                    dynamic.add(dev.forja.quant.Int8DynamicLinear.pack(q));
                    bytes += (long) s.out * s.in;
                }
            }
        }
        System.out.printf("int8 weights: %.1f MB in %d products%n", bytes / 1e6, dynamic.size());
        for (int rows : rowCounts) {
            for (int t : new int[] {1, 2}) {
                threads(t, 1);
                for (int route = 0; route < 2; route++) {
                    double best = Double.MAX_VALUE;
                    for (int rep = 0; rep < 5; rep++) {
                        try (PointerScope scope = new PointerScope()) {
                            List<Tensor> xs = new ArrayList<>();
                            for (dev.forja.quant.Int8DynamicLinear l : dynamic) xs.add(torch.randn(rows, l.inFeatures()));
                            long t0 = System.nanoTime();
                            for (int i = 0; i < xs.size(); i++) {
                                if (route == 0) weightOnly.get(i).apply(xs.get(i));
                                else dynamic.get(i).apply(xs.get(i));
                            }
                            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                        }
                    }
                    System.out.printf("rows %3d, libtorch threads %d, %-46s %8.2f ms (%.1f GB/s)%n", rows, t,
                            route == 0 ? "Int8Linear (_weight_int8pack_mm, bf16 x):" : "Int8DynamicLinear (fbgemm, 8-bit x):",
                            best, bytes / best / 1e6);
                }
            }
        }
    }

    static void prepacked(int[] rowCounts) {
        List<dev.forja.nn.Dense> plain = new ArrayList<>();
        List<dev.forja.nn.PackedDense> packed = new ArrayList<>();
        long bytes = 0;
        for (Shape s : SHAPES) {
            if (s.name().startsWith("lm_head")) continue;
            for (int i = 0; i < s.count; i++) {
                Tensor w = torch.randn(s.out, s.in);
                Tensor b = torch.randn(s.out);
                w.retainReference();
                b.retainReference();
                plain.add(new dev.forja.nn.Dense(w, b));
                packed.add(dev.forja.nn.PackedDense.of(plain.get(plain.size() - 1), 8));
                bytes += 4L * s.out * s.in;
            }
        }
        System.out.printf("float32 weights: %.1f MB in %d products%n", bytes / 1e6, plain.size());
        for (int rows : rowCounts) {
            for (int route = 0; route < 3; route++) {
                threads(route == 2 ? 2 : 1, 2);
                double best = Double.MAX_VALUE;
                for (int rep = 0; rep < 9; rep++) {
                    try (PointerScope scope = new PointerScope()) {
                        List<Tensor> xs = new ArrayList<>();
                        for (dev.forja.nn.Dense d : plain) xs.add(torch.randn(rows, d.weight().size(1)));
                        long t0 = System.nanoTime();
                        for (int i = 0; i < xs.size(); i++) {
                            if (route == 0) plain.get(i).apply(xs.get(i));
                            else packed.get(i).apply(xs.get(i));
                        }
                        best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                    }
                }
                System.out.printf("rows %3d, %-52s %8.2f ms (%.1f GB/s)%n", rows,
                        new String[] {"Dense.linear (OpenBLAS), libtorch 1 / OpenBLAS 2:", "PackedDense (oneDNN), libtorch threads 1:",
                                "PackedDense (oneDNN), libtorch threads 2:"}[route], best, bytes / best / 1e6);
            }
        }
    }

    static void threads(int torchThreads, int blasThreads) {
        torch.set_num_threads(torchThreads);
        openblas_nolapack.blas_set_num_threads(blasThreads);
    }

    static void matvec(ScalarType dtype, String only) {
        int[][] pairs = {{1, 2}, {2, 2}, {2, 1}, {1, 1}};
        for (Shape s : SHAPES) {
            if (!s.name().contains(only)) continue;
            try (PointerScope scope = new PointerScope()) {
                TensorOptions o = new TensorOptions(dtype);
                Tensor[] w = new Tensor[s.count()]; // (out, in)
                Tensor[] wt = new Tensor[s.count()]; // (in, out) contiguous
                Tensor[] wm = new Tensor[s.count()]; // oneDNN's blocked layout
                Tensor[] b = new Tensor[s.count()];
                for (int i = 0; i < s.count(); i++) {
                    w[i] = torch.randn(new long[] {s.out(), s.in()}, o);
                    wt[i] = w[i].t().contiguous();
                    b[i] = torch.randn(new long[] {s.out()}, o);
                    wm[i] = w[i].to_mkldnn();
                }
                Tensor x = torch.randn(new long[] {1, s.in()}, o); // (1, in)
                Tensor x1 = x.view(s.in()); // (in)
                Tensor y = torch.zeros(new long[] {1, s.out()}, o);
                Map<String, java.util.function.IntConsumer> routes = new LinkedHashMap<>();
                routes.put("linear(x, W[out,in], b)", i -> torch.linear(x, w[i], new TensorOptional(b[i])));
                routes.put("linear_out(y, x, W, b)", i -> torch.linear_out(y, x, w[i], new TensorOptional(b[i])));
                routes.put("addmm(b, x, W.t())", i -> torch.addmm(b[i], x, w[i].t()));
                routes.put("addmv(b, W, x)", i -> torch.addmv(b[i], w[i], x1));
                routes.put("mv(W, x) + b", i -> torch.mv(w[i], x1).add_(b[i]));
                routes.put("addmm(b, x, Wt[in,out])", i -> torch.addmm(b[i], x, wt[i]));
                routes.put("addmv(b, Wt.t(), x)", i -> torch.addmv(b[i], wt[i].t(), x1));
                routes.put("matmul(x, Wt) + b", i -> torch.matmul(x, wt[i]).add_(b[i]));
                routes.put("mkldnn_linear(x, W mkldnn, b)", i -> torch.mkldnn_linear(
                                x.to_mkldnn(), wm[i], new TensorOptional(b[i]))
                        .to_dense());
                long bytes = (long) s.out() * s.in() * (dtype == ScalarType.Float ? 4 : 2);
                System.out.printf("%n%s %s, %d distinct weights of %.1f MB%n", s.name(), dtype, s.count(), bytes / 1e6);
                System.out.printf("%-32s", "route \\ threads torch/blas");
                for (int[] p : pairs) System.out.printf(" %15s", p[0] + "/" + p[1]);
                System.out.println();
                for (var e : routes.entrySet()) {
                    System.out.printf("%-32s", e.getKey());
                    for (int[] p : pairs) {
                        threads(p[0], p[1]);
                        double us;
                        try {
                            us = best(s.count(), e.getValue(), bytes) * 1e6;
                        } catch (RuntimeException ex) {
                            System.out.printf(" %15s", "n/a");
                            continue;
                        }
                        System.out.printf(" %7.0fus %4.1f", us, bytes / us / 1e3);
                    }
                    System.out.println("   (us per product, GB/s)");
                }
            }
        }
    }

    /**
     * float32 products of k = 1, 2, 4, 8, 16 rows by each weight shape (decode of k sequences at once), each route at
     * forja's fp32 threads (libtorch 1, OpenBLAS 2): microseconds per product and weight GB/s.
     */
    static void rows(String only) {
        int[] ks = {1, 2, 4, 8};
        threads(1, 2);
        for (Shape s : SHAPES) {
            if (!s.name().contains(only)) continue;
            try (PointerScope scope = new PointerScope()) {
                Tensor[] w = new Tensor[s.count()]; // (out, in)
                Tensor[] wt = new Tensor[s.count()]; // (in, out) contiguous
                Tensor[] wm = new Tensor[s.count()]; // oneDNN's blocked layout
                Tensor[] b = new Tensor[s.count()];
                Tensor[] bc = new Tensor[s.count()]; // (out, 1)
                for (int i = 0; i < s.count(); i++) {
                    w[i] = torch.randn(s.out(), s.in());
                    wt[i] = w[i].t().contiguous();
                    b[i] = torch.randn(s.out());
                    bc[i] = b[i].view(s.out(), 1);
                    wm[i] = w[i].to_mkldnn();
                }
                long bytes = (long) s.out() * s.in() * 4;
                System.out.printf("%n%s float32, %d distinct weights of %.1f MB, threads 1/2%n", s.name(), s.count(),
                        bytes / 1e6);
                System.out.printf("%-34s", "route \\ rows");
                for (int k : ks) System.out.printf(" %15d", k);
                System.out.println();
                Map<String, java.util.function.BiConsumer<Tensor, Integer>> routes = new LinkedHashMap<>();
                routes.put("linear(x, W, b) (sgemm NT)", (x, i) -> torch.linear(x, w[i], new TensorOptional(b[i])));
                routes.put("addmm(b, x, Wt[in,out]) (NN)", (x, i) -> torch.addmm(b[i], x, wt[i]));
                routes.put("addmm(b, W, x.t()).t() (W x^T)", (x, i) -> torch.addmm(bc[i], w[i], x.t()).t().contiguous());
                routes.put("k x addmv(b, W, x_r)", (x, i) -> {
                    Tensor y = torch.empty(x.size(0), s.out());
                    for (long r = 0; r < x.size(0); r++) torch.addmv_out(y.select(0, r), b[i], w[i], x.select(0, r));
                });
                routes.put("mkldnn_linear fp32", (x, i) -> torch.mkldnn_linear(
                                x.to_mkldnn(), wm[i], new TensorOptional(b[i]))
                        .to_dense());
                for (var e : routes.entrySet()) {
                    System.out.printf("%-34s", e.getKey());
                    for (int k : ks) {
                        Tensor x = torch.randn(k, s.in());
                        double us;
                        try {
                            us = bestOfThree(s.count(), i -> e.getValue().accept(x, i)) * 1e6;
                        } catch (RuntimeException ex) {
                            System.out.printf(" %15s", "n/a");
                            continue;
                        }
                        System.out.printf(" %7.0fus %4.1f", us, bytes / us / 1e3);
                    }
                    System.out.println("   (us per product, GB/s)");
                }
            }
        }
    }

    /** Best of 3 passes over every weight once (the rows probe: slower routes, a loaded machine): s per product. */
    static double bestOfThree(int count, java.util.function.IntConsumer route) {
        for (int i = 0; i < count; i++) {
            try (PointerScope s = new PointerScope()) {
                route.accept(i);
            }
        }
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < count; r++) {
                try (PointerScope s = new PointerScope()) {
                    route.accept(r);
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / count);
        }
        return best;
    }

    /** Best of 7 passes, each over every weight enough times to move about 300 MB: seconds per product. */
    static double best(int count, java.util.function.IntConsumer route, long bytes) {
        int reps = (int) Math.max(count, Math.min(2000, 300_000_000L / bytes));
        for (int i = 0; i < count; i++) {
            try (PointerScope s = new PointerScope()) {
                route.accept(i);
            }
        }
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 7; pass++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                try (PointerScope s = new PointerScope()) {
                    route.accept(r % count);
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
        }
        return best;
    }

    /** The op groups of one GPT-2 decode step, each timed over all blocks. */
    static void profile(Path dir, ScalarType dtype, int context) {
        threads(dtype == ScalarType.Float ? 1 : 2, 2); // forja's CpuThreads settings
        CausalLM m = ModelLoader.load(dir, dtype);
        Map<String, Tensor> p = m.parameters();
        int L = m.numBlocks();
        long C = m.config().hiddenSize(), H = 12, D = C / H;
        KvCache cache = m.newCache(1, context + 1);
        try (PointerScope s = new PointerScope()) {
            long[] ids = new long[context];
            m.forward(Tensors.ofLongs(ids, 1, context), null, null, cache);
        }
        Map<String, Double> total = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        double wholeStep = Double.MAX_VALUE;
        for (int rep = 0; rep < 15; rep++) {
            Map<String, Double> t = new LinkedHashMap<>();
            long w0 = System.nanoTime();
            try (PointerScope s = new PointerScope()) {
                Tensor x = time(t, "embed (wte + wpe)", () -> m.embed(
                        Tensors.ofLongs(new long[] {7}, 1, 1),
                        new dev.forja.model.Step(Tensors.ofLongs(new long[] {context}, 1, 1), null, null)));
                for (int i = 0; i < L; i++) {
                    String b = "transformer.h." + i + ".";
                    Tensor xi = x;
                    Tensor h1 = time(t, "ln_1, ln_2", () -> torch.layer_norm(xi, new long[] {C},
                            new TensorOptional(p.get(b + "ln_1.weight")), new TensorOptional(p.get(b + "ln_1.bias")),
                            1e-5, false));
                    Tensor qkv = time(t, "c_attn 2304x768", () -> lin(h1, p.get(b + "attn.c_attn.weight"),
                            p.get(b + "attn.c_attn.bias")));
                    Tensor[] qkvs = new Tensor[3];
                    time(t, "split, views", () -> {
                        var parts = qkv.split(C, 2);
                        for (int j = 0; j < 3; j++) qkvs[j] = parts.get(j).view(1, 1, H, D).transpose(1, 2);
                        return qkvs[0];
                    });
                    // the cache's own columns context .. context: written in place, then read back whole
                    int layer = i;
                    Tensor[] kv = new Tensor[2];
                    time(t, "kv cache write", () -> {
                        var r = cache.append(layer, qkvs[1], qkvs[2]);
                        kv[0] = r.k();
                        kv[1] = r.v();
                        return r.k();
                    });
                    Tensor y = time(t, "attention (sdpa)", () -> dev.forja.nn.Attention.attend(qkvs[0], kv[0], kv[1], null)
                            .transpose(1, 2)
                            .reshape(1, 1, C));
                    Tensor a = time(t, "attn.c_proj 768x768", () -> lin(y, p.get(b + "attn.c_proj.weight"),
                            p.get(b + "attn.c_proj.bias")));
                    Tensor x2 = time(t, "residual adds", () -> xi.add(a));
                    Tensor h2 = time(t, "ln_1, ln_2", () -> torch.layer_norm(x2, new long[] {C},
                            new TensorOptional(p.get(b + "ln_2.weight")), new TensorOptional(p.get(b + "ln_2.bias")),
                            1e-5, false));
                    Tensor f = time(t, "mlp.c_fc 3072x768", () -> lin(h2, p.get(b + "mlp.c_fc.weight"),
                            p.get(b + "mlp.c_fc.bias")));
                    Tensor g = time(t, "gelu", () -> torch.gelu(f, "tanh"));
                    Tensor o = time(t, "mlp.c_proj 768x3072", () -> lin(g, p.get(b + "mlp.c_proj.weight"),
                            p.get(b + "mlp.c_proj.bias")));
                    x = time(t, "residual adds", () -> x2.add(o));
                }
                Tensor xf = x;
                Tensor hf = time(t, "ln_f", () -> m.finalNorm(xf));
                Tensor logits = time(t, "lm_head 50257x768", () -> dev.forja.nn.Dense.linear(hf, m.outputWeight(), null));
                time(t, "argmax + item", () -> Tensors.ofLongs(new long[] {logits.argmax().item_long()}, 1));
            }
            wholeStep = Math.min(wholeStep, (System.nanoTime() - w0) / 1e6);
            for (var e : t.entrySet()) {
                if (!total.containsKey(e.getKey())) order.add(e.getKey());
                total.merge(e.getKey(), e.getValue(), Math::min);
            }
        }
        double sum = total.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("%ndecode step, %s, context %d, best of 15 per group (ms, summed over %d blocks)%n", dtype,
                context, L);
        for (String k : order) System.out.printf("  %-24s %7.2f ms  %5.1f%%%n", k, total.get(k), 100 * total.get(k) / sum);
        System.out.printf("  %-24s %7.2f ms (best whole step %.2f ms)%n", "sum of groups", sum, wholeStep);
    }

    static Tensor lin(Tensor x, Tensor w, Tensor b) {
        return dev.forja.nn.Dense.linear(x, w, b);
    }

    static Tensor time(Map<String, Double> t, String name, Supplier<Tensor> op) {
        long a = System.nanoTime();
        Tensor r = op.get();
        t.merge(name, (System.nanoTime() - a) / 1e6, Double::sum);
        return r;
    }
}
