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
}
