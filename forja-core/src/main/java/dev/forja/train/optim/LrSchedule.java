package dev.forja.train.optim;

import dev.forja.ForjaException;

/**
 * A learning rate per optimizer step, with the semantics of Hugging Face {@code transformers}' schedules
 * ({@code get_linear_schedule_with_warmup}, {@code get_cosine_schedule_with_warmup} with 0.5 cycles,
 * {@code get_constant_schedule_with_warmup}): the learning rate of optimizer step {@code s} (0-based) is
 * {@code baseLr * lambda(s)}, so with warmup the first step runs at 0, as the Trainer's does.
 *
 * <p>Example: {@code LrSchedule.of("cosine", 3e-4, 100, 1000).lr(50)} is {@code 1.5e-4}.
 */
public sealed interface LrSchedule {

    /** Names accepted by {@link #of}. */
    String TYPES = "linear, cosine, constant";

    /** The learning rate for optimizer step {@code step} (0-based). */
    double lr(long step);

    /** The schedule named {@code type} (one of {@link #TYPES}). */
    static LrSchedule of(String type, double baseLr, long warmupSteps, long totalSteps) {
        return switch (type) {
            case "linear" -> new Linear(baseLr, warmupSteps, totalSteps);
            case "cosine" -> new Cosine(baseLr, warmupSteps, totalSteps);
            case "constant" -> new Constant(baseLr, warmupSteps, totalSteps);
            default -> throw new ForjaException("unknown lr_scheduler_type '" + type + "': use one of " + TYPES);
        };
    }

    /**
     * Warmup steps as the Trainer counts them: {@code warmupSteps} when given and above 0, else
     * {@code ceil(warmupRatio * totalSteps)}.
     */
    static long warmupSteps(double warmupRatio, Integer warmupSteps, long totalSteps) {
        if (warmupSteps != null && warmupSteps < 0) {
            throw new ForjaException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new ForjaException("warmup_ratio must be in [0, 1], got " + warmupRatio + " (typical: 0.03)");
        }
        if (warmupSteps != null && warmupSteps > 0) return warmupSteps;
        return (long) Math.ceil(warmupRatio * totalSteps);
    }

    /** Linear warmup from 0 to {@code baseLr}, then linear decay to 0 at {@code totalSteps}. */
    record Linear(double baseLr, long warmupSteps, long totalSteps) implements LrSchedule {
        public Linear {
            validate(baseLr, warmupSteps, totalSteps);
        }

        @Override
        public double lr(long step) {
            // 1) linear warmup
            if (step < warmupSteps) return baseLr * ((double) step / Math.max(1, warmupSteps));
            // 2) linear decay, reaching 0 at totalSteps and staying there
            return baseLr * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
        }
    }

    /** Linear warmup, then half a cosine from {@code baseLr} down to 0 at {@code totalSteps}. */
    record Cosine(double baseLr, long warmupSteps, long totalSteps) implements LrSchedule {
        public Cosine {
            validate(baseLr, warmupSteps, totalSteps);
        }

        @Override
        public double lr(long step) {
            // 1) linear warmup
            if (step < warmupSteps) return baseLr * ((double) step / Math.max(1, warmupSteps));
            // 2) cosine decay over the remaining steps (num_cycles 0.5: one half period, 1 down to 0)
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return baseLr * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
        }
    }

    /** Linear warmup, then {@code baseLr} for good; {@code totalSteps} only bounds the warmup. */
    record Constant(double baseLr, long warmupSteps, long totalSteps) implements LrSchedule {
        public Constant {
            validate(baseLr, warmupSteps, totalSteps);
        }

        @Override
        public double lr(long step) {
            // 1) linear warmup
            if (step < warmupSteps) return baseLr * (step / Math.max(1.0, warmupSteps));
            // 2) constant
            return baseLr;
        }
    }

    private static void validate(double baseLr, long warmupSteps, long totalSteps) {
        if (!(baseLr >= 0) || !Double.isFinite(baseLr)) {
            throw new ForjaException("learning_rate must be a finite number >= 0, got " + baseLr);
        }
        if (totalSteps < 1) {
            throw new ForjaException("the schedule needs at least 1 training step, got " + totalSteps
                    + " (check max_steps, or num_train_epochs against the dataset size)");
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new ForjaException("warmup steps must be in [0, " + totalSteps + "] (the total steps), got "
                    + warmupSteps + ": lower warmup_steps or warmup_ratio");
        }
    }
}
