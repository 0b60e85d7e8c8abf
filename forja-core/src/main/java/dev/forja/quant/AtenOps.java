package dev.forja.quant;

import java.lang.ref.Reference;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;

/**
 * The packed-weight ATen kernels that the Java bindings do not map, called through libtorch's dispatcher by schema
 * name (the CPU paths gpt-fast and torchao use). Each returns a new tensor; inputs must be contiguous.
 */
final class AtenOps {
    private AtenOps() {}

    /** Looked up once: finding a schema takes a lock and a hash lookup. */
    private static final class Handles {
        static final OperatorHandle INT8_MM = find("aten::_weight_int8pack_mm");
        static final OperatorHandle INT4_PACK = find("aten::_convert_weight_to_int4pack_for_cpu");
        static final OperatorHandle INT4_MM = find("aten::_weight_int4pack_mm_for_cpu");

        /** Retained: the handle outlives the PointerScope that happens to be open at the first call. */
        private static OperatorHandle find(String name) {
            OperatorHandle h = Dispatcher.singleton().findSchemaOrThrow(name, "");
            h.retainReference();
            return h;
        }
    }

    /** {@code x (M, K) · (q (N, K) int8 · scales (N))^T}: (M, N) in x's dtype; scales in x's dtype. */
    static Tensor int8Mm(Tensor x, Tensor q, Tensor scales) {
        return call(Handles.INT8_MM, new IValue(x), new IValue(q), new IValue(scales));
    }

    /** Packs q (N, K) int32 holding values in [0, 15] into the CPU int4 layout, (N, K/2) uint8. */
    static Tensor int4Pack(Tensor q) {
        return call(Handles.INT4_PACK, new IValue(q), new IValue(1L));
    }

    /**
     * {@code x (M, K)} times the dequantized packed weight transposed, {@code w = (q - 8) · scale + zero} per group of
     * {@code group} input features; {@code scaleAndZero} is (K/G, N, 2) in x's dtype. Returns (M, N).
     */
    static Tensor int4Mm(Tensor x, Tensor packed, long group, Tensor scaleAndZero) {
        return call(Handles.INT4_MM, new IValue(x), new IValue(packed), new IValue(group), new IValue(scaleAndZero));
    }

    private static Tensor call(OperatorHandle op, IValue... args) {
        IValueVector stack = new IValueVector(args);
        op.callBoxed(stack); // the arguments are replaced by the result
        // toTensor() is a reference into the stack: copy it into a tensor of its own before the stack can be freed
        Tensor result = new Tensor(stack.get(0).toTensor());
        Reference.reachabilityFence(stack);
        return result;
    }
}
