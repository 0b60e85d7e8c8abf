package dev.forja.eval.baseline;

import dev.forja.ForjaException;
import dev.forja.eval.ClassificationMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The classical text-classification baseline: character n-gram TF-IDF ({@link CharNgramTfIdf}) and multinomial
 * logistic regression, L2-regularised, fitted to its optimum by L-BFGS. It trains in seconds on a few thousand texts
 * in pure Java, and is the number a fine-tuned transformer has to beat.
 *
 * <p>Deterministic: the same texts, labels and seed give the same model (the seed salts the n-gram hash).
 *
 * <p>Example: {@code NgramLogisticRegression.fit(texts, labels, 42).predict("GET /?id=1' OR '1'='1")} is
 * {@code "sqli"} when the training labels name such requests so.
 */
public final class NgramLogisticRegression {
    private final CharNgramTfIdf features;
    private final List<String> labels;
    private final double[] weight; // (F, K), row-major: feature f's weights at f*K .. f*K+K-1
    private final double[] bias; // (K)

    /**
     * The model's settings.
     *
     * @param minN          shortest character n-gram
     * @param maxN          longest character n-gram
     * @param minDf         an n-gram bucket is a feature when at least this many training texts hold it
     * @param l2            weight of (1/2)·||W||² added to the mean cross-entropy (the bias is not penalised)
     * @param maxIterations L-BFGS iterations at most
     */
    public record Options(int minN, int maxN, int minDf, double l2, int maxIterations) {
        public Options {
            if (minN < 1 || maxN < minN) {
                throw new IllegalArgumentException(
                        "n-gram lengths must satisfy 1 <= minN <= maxN, got " + minN + ".." + maxN);
            }
            if (minDf < 1) throw new IllegalArgumentException("minDf must be >= 1, got " + minDf);
            if (!(l2 > 0))
                throw new IllegalArgumentException("l2 must be > 0 (it makes the optimum unique), got " + l2);
            if (maxIterations < 1)
                throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }

        /**
         * n-grams of 1 to 5 characters seen in two texts or more, l2 1e-5, 100 iterations (the quickstart sample
         * converges in 50; l2 1e-4 cost it 0.01 macro-F1, 1e-3 cost 0.11).
         */
        public static Options defaults() {
            return new Options(1, 5, 2, 1e-5, 100);
        }
    }

    private NgramLogisticRegression(CharNgramTfIdf features, List<String> labels, double[] weight, double[] bias) {
        this.features = features;
        this.labels = labels;
        this.weight = weight;
        this.bias = bias;
    }

    /** Fits the baseline with {@link Options#defaults()}. */
    public static NgramLogisticRegression fit(List<String> texts, List<String> labels, long seed) {
        return fit(texts, labels, seed, Options.defaults());
    }

    /**
     * Fits the baseline on {@code texts} and their {@code labels} (aligned one to one).
     *
     * @throws ForjaException when there are no texts, the lists differ in length, a text or label is missing, or
     *     fewer than two distinct labels are given
     */
    public static NgramLogisticRegression fit(List<String> texts, List<String> labels, long seed, Options options) {
        checkInput(texts, labels);
        List<String> classes = List.copyOf(new TreeSet<>(labels));
        Map<String, Integer> classOf = indexOf(classes);
        CharNgramTfIdf tfidf = CharNgramTfIdf.fit(texts, options.minN(), options.maxN(), options.minDf(), seed);
        List<CharNgramTfIdf.SparseRow> rows = new ArrayList<>(texts.size());
        for (String t : texts) rows.add(tfidf.transform(t));
        int[] y = labels.stream().mapToInt(classOf::get).toArray();
        int k = classes.size();
        int f = tfidf.features();
        double[] x = new double[f * k + k]; // W then b, zero to start
        Lbfgs.minimize(
                (params, grad) -> lossAndGradient(rows, y, k, f, options.l2(), params, grad),
                x,
                options.maxIterations(),
                10,
                1e-6);
        double[] w = Arrays.copyOf(x, f * k);
        double[] b = Arrays.copyOfRange(x, f * k, f * k + k);
        return new NgramLogisticRegression(tfidf, classes, w, b);
    }

    /** The classes, sorted; {@link #probabilities} follows this order. */
    public List<String> labels() {
        return labels;
    }

    /** The most likely label of {@code text} (the first in label order on a tie). */
    public String predict(String text) {
        double[] p = probabilities(text);
        int best = 0;
        for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
        return labels.get(best);
    }

    /** The probability of each label, in {@link #labels()} order; they sum to 1. */
    public double[] probabilities(String text) {
        double[] z = scores(features.transform(text), weight, bias, labels.size());
        softmaxInPlace(z);
        return z;
    }

    /**
     * Scores the baseline on labelled texts with {@link ClassificationMetrics}, over {@code classes} (the caller's
     * label order, so the numbers line up with another model's); a gold or predicted label outside it is an error.
     */
    public ClassificationMetrics evaluate(List<String> texts, List<String> gold, List<String> classes) {
        if (texts.size() != gold.size()) {
            throw new ForjaException(
                    texts.size() + " texts but " + gold.size() + " labels; they must be aligned one " + "to one");
        }
        Map<String, Integer> index = indexOf(classes);
        Function<String, Integer> of = l -> {
            Integer i = index.get(l);
            if (i == null) {
                throw new ForjaException("label '" + l + "' is not one of " + classes + "; evaluate on data with the "
                        + "training set's labels");
            }
            return i;
        };
        int[] g = new int[texts.size()];
        int[] p = new int[texts.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = of.apply(gold.get(i));
            p[i] = of.apply(predict(texts.get(i)));
        }
        return ClassificationMetrics.compute(classes, g, p);
    }

    // mean cross-entropy + (l2/2)·||W||², and its gradient, over sparse rows; params = W (F, K) then b (K)
    private static double lossAndGradient(
            List<CharNgramTfIdf.SparseRow> rows, int[] y, int k, int f, double l2, double[] params, double[] grad) {
        Arrays.fill(grad, 0.0);
        int n = rows.size();
        double loss = 0;
        double[] z = new double[k];
        for (int r = 0; r < n; r++) {
            CharNgramTfIdf.SparseRow row = rows.get(r);
            System.arraycopy(params, f * k, z, 0, k);
            addScores(row, params, k, z);
            double zy = z[y[r]];
            loss += softmaxInPlace(z) - zy; // -log p(y) = logsumexp(z) - z_y; z now holds the probabilities
            z[y[r]] -= 1.0; // dL/dz = p - onehot(y)
            for (int i = 0; i < row.index().length; i++) {
                int base = row.index()[i] * k;
                double v = row.value()[i];
                for (int c = 0; c < k; c++) grad[base + c] += z[c] * v;
            }
            for (int c = 0; c < k; c++) grad[f * k + c] += z[c];
        }
        double reg = 0;
        for (int i = 0; i < f * k; i++) {
            grad[i] = grad[i] / n + l2 * params[i];
            reg += params[i] * params[i];
        }
        for (int c = 0; c < k; c++) grad[f * k + c] /= n;
        return loss / n + 0.5 * l2 * reg;
    }

    private static double[] scores(CharNgramTfIdf.SparseRow row, double[] w, double[] b, int k) {
        double[] z = b.clone();
        addScores(row, w, k, z);
        return z;
    }

    private static void addScores(CharNgramTfIdf.SparseRow row, double[] w, int k, double[] z) {
        for (int i = 0; i < row.index().length; i++) {
            int base = row.index()[i] * k;
            double v = row.value()[i];
            for (int c = 0; c < k; c++) z[c] += w[base + c] * v;
        }
    }

    /** Replaces logits by their softmax and returns logsumexp of the logits. */
    private static double softmaxInPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) z[c] /= sum;
        return max + Math.log(sum);
    }

    private static void checkInput(List<String> texts, List<String> labels) {
        if (texts == null || labels == null || texts.isEmpty()) {
            throw new ForjaException(
                    "no texts to fit the n-gram baseline on: give labelled texts of at least two " + "classes");
        }
        if (texts.size() != labels.size()) {
            throw new ForjaException(
                    texts.size() + " texts but " + labels.size() + " labels; they must be aligned one " + "to one");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) throw new ForjaException("text " + i + " is missing (null)");
            if (labels.get(i) == null) throw new ForjaException("label " + i + " is missing (null)");
        }
        TreeSet<String> distinct = new TreeSet<>(labels);
        if (distinct.size() < 2) {
            throw new ForjaException("every one of the " + texts.size() + " texts has the label '" + distinct.first()
                    + "'; a classifier needs at least two classes");
        }
    }

    private static Map<String, Integer> indexOf(List<String> classes) {
        return IntStream.range(0, classes.size()).boxed().collect(Collectors.toMap(classes::get, i -> i));
    }
}
