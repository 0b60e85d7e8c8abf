package dev.forja.eval.baseline;

/**
 * Limited-memory BFGS (Nocedal, "Updating quasi-Newton matrices with limited storage", 1980; the two-loop recursion of
 * Nocedal &amp; Wright, Numerical Optimization, algorithm 7.4) with a backtracking Armijo line search, for smooth
 * convex objectives such as L2-regularised logistic regression. Deterministic: no randomness, one thread.
 */
final class Lbfgs {
    /** A smooth function: returns f(x) and writes its gradient into {@code grad}. */
    interface Objective {
        double valueAndGradient(double[] x, double[] grad);
    }

    private Lbfgs() {}

    /**
     * Minimises {@code f} from {@code x} (updated in place) until the gradient's max-norm is below {@code tolerance},
     * the objective stops decreasing, or {@code maxIterations} is reached.
     *
     * @param memory correction pairs kept (5-20 is usual)
     * @return iterations run
     */
    static int minimize(Objective f, double[] x, int maxIterations, int memory, double tolerance) {
        int d = x.length;
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        double[] g = new double[d];
        double[] gNew = new double[d];
        double[] dir = new double[d];
        double[] xNew = new double[d];
        double fx = f.valueAndGradient(x, g);
        int stored = 0;
        int newest = -1;
        int it = 0;
        for (; it < maxIterations && maxAbs(g) > tolerance; it++) {
            // 1) direction = -H g by the two-loop recursion over the stored pairs, newest first
            for (int i = 0; i < d; i++) dir[i] = -g[i];
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(newest - k, memory);
                alpha[j] = rho[j] * dot(s[j], dir);
                axpy(-alpha[j], y[j], dir);
            }
            double gamma = stored > 0 ? dot(s[newest], y[newest]) / dot(y[newest], y[newest]) : 1.0 / norm(g);
            for (int i = 0; i < d; i++) dir[i] *= gamma;
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(newest - k, memory);
                double beta = rho[j] * dot(y[j], dir);
                axpy(alpha[j] - beta, s[j], dir);
            }
            double slope = dot(g, dir);
            if (slope >= 0) { // not a descent direction (round-off): restart from steepest descent
                stored = 0;
                for (int i = 0; i < d; i++) dir[i] = -g[i] / norm(g);
                slope = dot(g, dir);
            }
            // 2) backtracking line search: halve the step until the Armijo condition holds
            double step = 1.0;
            double fNew = Double.NaN;
            for (int tries = 0; tries < 40; tries++, step *= 0.5) {
                for (int i = 0; i < d; i++) xNew[i] = x[i] + step * dir[i];
                fNew = f.valueAndGradient(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope) break;
            }
            if (!(fNew < fx)) break; // no decrease left at machine precision
            // 3) keep the pair s = x' - x, y = g' - g when its curvature is positive
            double sy = 0;
            for (int i = 0; i < d; i++) sy += (xNew[i] - x[i]) * (gNew[i] - g[i]);
            if (sy > 1e-12) {
                newest = (newest + 1) % memory;
                if (s[newest] == null) {
                    s[newest] = new double[d];
                    y[newest] = new double[d];
                }
                for (int i = 0; i < d; i++) {
                    s[newest][i] = xNew[i] - x[i];
                    y[newest][i] = gNew[i] - g[i];
                }
                rho[newest] = 1.0 / sy;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(xNew, 0, x, 0, d);
            System.arraycopy(gNew, 0, g, 0, d);
            fx = fNew;
        }
        return it;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
