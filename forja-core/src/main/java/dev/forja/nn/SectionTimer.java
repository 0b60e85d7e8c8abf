package dev.forja.nn;

/**
 * Wall-clock timing of the forward pass's inner sections (attention, norms) for {@code forja bench train --profile}.
 * libtorch runs CPU ops synchronously, so the time between a call and its return is the op's. Off (no listener, the
 * default) a section costs one volatile read.
 *
 * <p>Example: {@code long t0 = SectionTimer.start(); ...; SectionTimer.end("attention", t0);}
 */
public final class SectionTimer {
    /** Receives each timed section, in {@link System#nanoTime} units. */
    @FunctionalInterface
    public interface Listener {
        void section(String name, long startNanos, long endNanos);
    }

    /** What {@link #start} returns when nobody listens. */
    static final long OFF = Long.MIN_VALUE;

    private static volatile Listener listener;

    private SectionTimer() {}

    /** Sends sections to {@code l} from now on; null stops timing. */
    public static void listen(Listener l) {
        listener = l;
    }

    /** Whether a listener is set. */
    public static boolean on() {
        return listener != null;
    }

    /** Now, when someone listens. */
    public static long start() {
        return listener == null ? OFF : System.nanoTime();
    }

    /** Reports section {@code name}, begun at {@code start} (from {@link #start}), as ending now. */
    public static void end(String name, long start) {
        Listener l = listener;
        if (l != null && start != OFF) l.section(name, start, System.nanoTime());
    }
}
