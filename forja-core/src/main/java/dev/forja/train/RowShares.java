package dev.forja.train;

import dev.forja.data.classify.ClassificationBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A classification batch cut into shares of its rows for the cores to run at once. The rows are ordered by length
 * and cut into contiguous runs so that the costliest share, its rows times its longest row (what it pads to), is as
 * cheap as it can be: the shares end together, and short rows are not padded to long ones.
 */
final class RowShares {
    private RowShares() {}

    /**
     * {@code b}'s rows in {@code n} shares (fewer when it has fewer rows), each share's rows in length order with their
     * labels and weights.
     */
    static List<ClassificationBatch> split(ClassificationBatch b, int n) {
        int rows = b.labels().length;
        int shares = Math.max(1, Math.min(n, rows));
        Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> b.ids().get(i).length)); // stable
        int[] length = new int[rows];
        for (int i = 0; i < rows; i++) length[i] = b.ids().get(order[i]).length;
        int[] ends = cuts(length, shares);
        List<ClassificationBatch> out = new ArrayList<>(shares);
        int start = 0;
        for (int end : ends) {
            List<long[]> ids = new ArrayList<>(end - start);
            int[] labels = new int[end - start];
            double[] weights = b.weights() == null ? null : new double[end - start];
            for (int j = start; j < end; j++) {
                ids.add(b.ids().get(order[j]));
                labels[j - start] = b.labels()[order[j]];
                if (weights != null) weights[j - start] = b.weights()[order[j]];
            }
            out.add(new ClassificationBatch(ids, labels, weights));
            start = end;
        }
        return out;
    }

    /**
     * The exclusive ends of {@code shares} non-empty contiguous runs of rows of ascending {@code length} that make the
     * largest run's cost (its size times its last length) least; the earliest such cuts.
     */
    static int[] cuts(int[] length, int shares) {
        int rows = length.length;
        // best[k][i]: the least largest cost of the first i rows in k runs; from[k][i]: where the last run starts
        long[][] best = new long[shares + 1][rows + 1];
        int[][] from = new int[shares + 1][rows + 1];
        for (long[] r : best) Arrays.fill(r, Long.MAX_VALUE);
        best[0][0] = 0;
        for (int k = 1; k <= shares; k++) {
            for (int i = k; i <= rows - (shares - k); i++) {
                for (int s = k - 1; s < i; s++) {
                    if (best[k - 1][s] == Long.MAX_VALUE) continue;
                    long cost = Math.max(best[k - 1][s], (long) (i - s) * length[i - 1]);
                    if (cost < best[k][i]) {
                        best[k][i] = cost;
                        from[k][i] = s;
                    }
                }
            }
        }
        int[] ends = new int[shares];
        int i = rows;
        for (int k = shares; k >= 1; k--) {
            ends[k - 1] = i;
            i = from[k][i];
        }
        return ends;
    }
}
