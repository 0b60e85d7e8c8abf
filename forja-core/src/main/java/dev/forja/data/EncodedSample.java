package dev.forja.data;

import java.util.Objects;

/**
 * A tokenised sample: {@code ids} and, per position, whether the token there is a training target
 * ({@code trainable[i]}: the loss includes predicting {@code ids[i]} from {@code ids[0..i)}). Position 0 has no
 * predecessor, so its flag is never used. {@code truncated} records that the sample was cut to the maximum length.
 */
public record EncodedSample(long[] ids, boolean[] trainable, Source source, boolean truncated) {
    public EncodedSample {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(trainable, "trainable");
        Objects.requireNonNull(source, "source");
        if (ids.length != trainable.length) {
            throw new IllegalArgumentException(
                    "ids and trainable differ in length: " + ids.length + " vs " + trainable.length);
        }
    }

    public int length() {
        return ids.length;
    }

    /** Targets the loss will see: trainable positions after the first (position 0 is never predicted). */
    public int trainableTokens() {
        int n = 0;
        for (int i = 1; i < trainable.length; i++) {
            if (trainable[i]) {
                n++;
            }
        }
        return n;
    }
}
