package dev.forja.tensor;

import java.lang.reflect.Method;

/**
 * Access to classes written with the JDK's vector module ({@code jdk.incubator.vector}, incubating in JDK 17), which
 * is only on the module path when the JVM is started with {@code --add-modules jdk.incubator.vector} (the
 * {@code forja} launcher and the build do): such a class is loaded by name, so that without the module nothing that
 * refers to it fails to link.
 *
 * <p>Example: {@code VectorModule.call("dev.forja.nn.DropoutMaskVector", "lanesWideEnough")} is {@code Boolean.TRUE}
 * where the module is present and its lanes are wide enough, {@code null} where the module is absent.
 */
public final class VectorModule {
    private VectorModule() {}

    /** Whether the JDK's vector module is present in this JVM. */
    public static boolean present() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The result of the named class's static method of no arguments (it may be package-private), or {@code null}
     * where the module is absent or the class cannot be loaded or linked.
     */
    public static Object call(String className, String method) {
        if (!present()) return null;
        try {
            Method m = Class.forName(className).getDeclaredMethod(method);
            m.setAccessible(true);
            return m.invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * Calls {@code call} until the JIT has compiled it with the vector intrinsics, then has the JVM collect what that
     * left. Before it is compiled, interpreted and C1 code box every lane operation: a SIMD loop run that way over a
     * large buffer leaves garbage in proportion (97.5 MB for a 1 MiB dropout mask), and the JVM grows its heap for it
     * by hundreds of MiB, resident from then on (GPT-2 124M, the first bf16 optimizer update: +279 MiB). The call is
     * repeated in rounds of {@code callsPerRound} until a round allocates (nearly) nothing on this thread, the mark of
     * the compiled code; where the JVM cannot count a thread's allocations, 40 rounds (past C2's thresholds). {@code
     * call} should take its loops' every path (back edge and scalar tail), so the compiled code has no trap that would
     * send a real call back to the interpreter.
     */
    public static void compileByCalling(Runnable call, int callsPerRound) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean mx =
                bean instanceof com.sun.management.ThreadMXBean m && m.isThreadAllocatedMemorySupported() ? m : null;
        long thread = Thread.currentThread().getId();
        for (int round = 0; round < MAX_ROUNDS; round++) { // compiled in the background meanwhile
            long before = mx == null ? 0 : mx.getThreadAllocatedBytes(thread);
            for (int i = 0; i < callsPerRound; i++) call.run();
            if (mx == null ? round >= 40 : mx.getThreadAllocatedBytes(thread) - before < 64 * 1024) break;
        }
        System.gc(); // the garbage, and the heap the JVM grew for it, given back
    }

    /** Rounds at most (a JVM that never compiles, -Xint: a few seconds). */
    private static final int MAX_ROUNDS = 400;
}
