package dev.forja.train;

/**
 * Early stopping on the validation loss, as a value: the best loss so far, its step, and how many evaluations in a
 * row have not beaten it. Each evaluation gives the next value; the run stops once {@code badEvaluations} reaches
 * {@code patience}.
 *
 * <p>Example: with patience 2, losses 1.0 (step 2), 1.1 (step 4), 1.2 (step 6) leave best 1.0 at step 2 and
 * {@code shouldStop()} true after step 6.
 *
 * @param patience evaluations without improvement that stop the run; null = never stop
 * @param bestLoss lowest validation loss so far (NaN before the first evaluation)
 * @param bestStep the step of that evaluation (-1 before)
 * @param badEvaluations evaluations since the best one
 */
record EarlyStopping(Integer patience, double bestLoss, long bestStep, int badEvaluations) {

    EarlyStopping {
        if (patience != null && patience < 1) throw new IllegalArgumentException("patience must be >= 1");
        if (badEvaluations < 0) throw new IllegalArgumentException("badEvaluations must be >= 0");
    }

    /** Before any evaluation. */
    static EarlyStopping start(Integer patience) {
        return new EarlyStopping(patience, Double.NaN, -1, 0);
    }

    /** The state after an evaluation at {@code step} measured {@code loss}. */
    EarlyStopping evaluated(long step, double loss) {
        if (Double.isNaN(bestLoss) || loss < bestLoss) return new EarlyStopping(patience, loss, step, 0);
        return new EarlyStopping(patience, bestLoss, bestStep, badEvaluations + 1);
    }

    /** Whether the evaluation at {@code step} set the best loss. */
    boolean improvedAt(long step) {
        return bestStep == step;
    }

    /** Whether any evaluation happened. */
    boolean hasBest() {
        return bestStep >= 0;
    }

    /** Whether patience ran out. */
    boolean shouldStop() {
        return patience != null && badEvaluations >= patience;
    }
}
