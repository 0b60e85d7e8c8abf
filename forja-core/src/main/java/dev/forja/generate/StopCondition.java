package dev.forja.generate;

/** Decides after each new token whether generation ends (EOS, a stop string, ...). */
@FunctionalInterface
public interface StopCondition {
    /** @param ids the generated ids so far (the prompt excluded), {@code length} of them valid */
    boolean shouldStop(long[] ids, int length);
}
