package dev.forja.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens a {@link PointerScope} before each test and closes it after, so the native memory of every tensor a test
 * makes is freed when the test ends, as a training or generation step frees its own.
 *
 * <p>Example: {@code @ExtendWith(NativeScope.class) class LossComputationTest { ... }}
 */
public final class NativeScope implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NativeScope.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(PointerScope.class, new PointerScope());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        PointerScope scope = context.getStore(NAMESPACE).remove(PointerScope.class, PointerScope.class);
        if (scope != null) scope.close();
    }
}
