package dev.forja.prepare.dedup;

/**
 * Sorts the first {@code n} entries of two parallel long arrays in (key, value) order, in place, with no allocation:
 * introsort (quicksort on a median-of-three pivot, insertion sort for short ranges, heapsort when the recursion gets
 * deep), so n log n in the worst case too. The arrays of {@link PairSorter}'s buffer, sorted without boxing.
 */
final class PairSort {
    private static final int INSERTION = 24;

    private PairSort() {}

    static void sort(long[] k, long[] v, int n) {
        if (n > 1) sort(k, v, 0, n - 1, 2 * (64 - Long.numberOfLeadingZeros(n)));
    }

    private static void sort(long[] k, long[] v, int lo, int hi, int depth) {
        while (hi - lo >= INSERTION) {
            if (depth-- == 0) {
                heapSort(k, v, lo, hi);
                return;
            }
            int mid = (lo + hi) >>> 1;
            // Median of three moved to hi, then a Lomuto-free Hoare partition around it.
            if (less(k, v, mid, lo)) swap(k, v, mid, lo);
            if (less(k, v, hi, lo)) swap(k, v, hi, lo);
            if (less(k, v, mid, hi)) swap(k, v, mid, hi);
            long pk = k[hi], pv = v[hi];
            int i = lo - 1, j = hi;
            while (true) {
                while (compare(k[++i], v[i], pk, pv) < 0) {
                    /* scan */
                }
                while (j > lo && compare(k[--j], v[j], pk, pv) > 0) {
                    /* scan */
                }
                if (i >= j) break;
                swap(k, v, i, j);
            }
            swap(k, v, i, hi);
            // Recurse into the smaller side, loop on the larger: the stack stays O(log n).
            if (i - lo < hi - i) {
                sort(k, v, lo, i - 1, depth);
                lo = i + 1;
            } else {
                sort(k, v, i + 1, hi, depth);
                hi = i - 1;
            }
        }
        insertion(k, v, lo, hi);
    }

    private static void insertion(long[] k, long[] v, int lo, int hi) {
        for (int i = lo + 1; i <= hi; i++) {
            long ck = k[i], cv = v[i];
            int j = i - 1;
            while (j >= lo && compare(k[j], v[j], ck, cv) > 0) {
                k[j + 1] = k[j];
                v[j + 1] = v[j];
                j--;
            }
            k[j + 1] = ck;
            v[j + 1] = cv;
        }
    }

    private static void heapSort(long[] k, long[] v, int lo, int hi) {
        int n = hi - lo + 1;
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(k, v, lo, i, n);
        for (int end = n - 1; end > 0; end--) {
            swap(k, v, lo, lo + end);
            siftDown(k, v, lo, 0, end);
        }
    }

    private static void siftDown(long[] k, long[] v, int lo, int i, int n) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) return;
            if (child + 1 < n && less(k, v, lo + child, lo + child + 1)) child++;
            if (!less(k, v, lo + i, lo + child)) return;
            swap(k, v, lo + i, lo + child);
            i = child;
        }
    }

    private static int compare(long ak, long av, long bk, long bv) {
        int c = Long.compare(ak, bk);
        return c != 0 ? c : Long.compare(av, bv);
    }

    private static boolean less(long[] k, long[] v, int a, int b) {
        return compare(k[a], v[a], k[b], v[b]) < 0;
    }

    private static void swap(long[] k, long[] v, int a, int b) {
        long t = k[a];
        k[a] = k[b];
        k[b] = t;
        t = v[a];
        v[a] = v[b];
        v[b] = t;
    }
}
