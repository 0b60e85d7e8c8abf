package dev.forja.model;

/**
 * One row of an architecture's Hugging Face name table: the tensor's name in the checkpoint, its shape in memory,
 * how a fresh model initialises it, and whether the checkpoint stores it transposed (GPT-2's Conv1D keeps weights
 * as (in, out); forja holds every linear weight as (out, in)).
 */
public record ParamSpec(String name, long[] shape, Init init, boolean transposed) {

    /** Initialisations used by Hugging Face's {@code _init_weights}. */
    public enum Init {
        /** normal(0, initializer_range) */
        NORMAL,
        /** normal(0, initializer_range / sqrt(2 * layers)): GPT-2's residual projections */
        NORMAL_RESIDUAL,
        ZEROS,
        ONES
    }

    public ParamSpec {
        shape = shape.clone();
    }

    /** A tensor stored as it is held in memory. */
    public static ParamSpec of(String name, Init init, long... shape) {
        return new ParamSpec(name, shape, init, false);
    }

    static ParamSpec conv1d(String name, Init init, long out, long in) {
        return new ParamSpec(name, new long[] {out, in}, init, true);
    }

    /** The shape as stored in the checkpoint. */
    public long[] fileShape() {
        return transposed ? new long[] {shape[1], shape[0]} : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
