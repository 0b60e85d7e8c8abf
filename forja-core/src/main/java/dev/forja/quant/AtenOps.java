package dev.forja.quant;

import dev.forja.tensor.Dispatch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The packed-weight ATen kernels that the Java bindings do not map, called through libtorch's dispatcher by schema
 * name (the CPU paths gpt-fast and torchao use). Each returns a new tensor; inputs must be contiguous.
 */
final class AtenOps {
    private AtenOps() {}

    /** Looked up once: finding a schema takes a lock and a hash lookup. */
    private static final class Handles {
        static final OperatorHandle INT8_MM = Dispatch.op("aten::_weight_int8pack_mm");
        static final OperatorHandle INT4_PACK = Dispatch.op("aten::_convert_weight_to_int4pack_for_cpu");
        static final OperatorHandle INT4_MM = Dispatch.op("aten::_weight_int4pack_mm_for_cpu");
        static final OperatorHandle PER_CHANNEL = Dispatch.op("aten::_make_per_channel_quantized_tensor");
        static final OperatorHandle LINEAR_PREPACK = Dispatch.op("quantized::linear_prepack");
        static final OperatorHandle LINEAR_DYNAMIC = Dispatch.op("quantized::linear_dynamic");
        static final OperatorHandle LINEAR_UNPACK = Dispatch.op("quantized::linear_unpack");
    }

    /** {@code x (M, K) · (q (N, K) int8 · scales (N))^T}: (M, N) in x's dtype; scales in x's dtype. */
    static Tensor int8Mm(Tensor x, Tensor q, Tensor scales) {
        return Dispatch.call(Handles.INT8_MM, new IValue(x), new IValue(q), new IValue(scales));
    }

    /** Packs q (N, K) int32 holding values in [0, 15] into the CPU int4 layout, (N, K/2) uint8. */
    static Tensor int4Pack(Tensor q) {
        return Dispatch.call(Handles.INT4_PACK, new IValue(q), new IValue(1L));
    }

    /**
     * {@code x (M, K)} times the dequantized packed weight transposed, {@code w = (q - 8) · scale + zero} per group of
     * {@code group} input features; {@code scaleAndZero} is (K/G, N, 2) in x's dtype. Returns (M, N).
     */
    static Tensor int4Mm(Tensor x, Tensor packed, long group, Tensor scaleAndZero) {
        return Dispatch.call(
                Handles.INT4_MM, new IValue(x), new IValue(packed), new IValue(group), new IValue(scaleAndZero));
    }

    /**
     * The int8 weight {@code q (N, K)} with per-row {@code scales (N)} (any floating dtype) packed for fbgemm's int8
     * products, without a bias: a {@code LinearPackedParamsBase} object, retained (its owner keeps it). The packed
     * copy is the weight's own: q may be freed afterwards.
     */
    static IValue int8Prepack(Tensor q, Tensor scales) {
        // the quantized copy of q and the call's arguments are freed on return, not left to the garbage collector
        try (PointerScope scope = new PointerScope()) {
            Tensor zeros = torch.zeros(new long[] {q.size(0)}, new TensorOptions(ScalarType.Long));
            Tensor qt = Dispatch.call(
                    Handles.PER_CHANNEL,
                    new IValue(q.contiguous()),
                    new IValue(scales.to(ScalarType.Double)),
                    new IValue(zeros),
                    new IValue(0L)); // quantized (N, K), axis 0
            IValue packed = Dispatch.callValue(Handles.LINEAR_PREPACK, new IValue(qt), new IValue());
            packed.retainReference(); // outlives the scope
            return packed;
        }
    }

    /**
     * {@code x (M, K)} float32 times the packed weight transposed: (M, N) float32. x is quantized to 8 bits on the fly,
     * one scale and zero point for the whole of x ({@code reduceRange}: 7 bits, for CPUs without VNNI).
     */
    static Tensor int8DynamicMm(Tensor x, IValue packed, boolean reduceRange) {
        return Dispatch.call(Handles.LINEAR_DYNAMIC, new IValue(x), packed, new IValue(reduceRange));
    }

    /** The packed weight back as float32 (N, K) ({@code q · scale} per row). */
    static Tensor int8Unpack(IValue packed) {
        return torch.dequantize(Dispatch.call(Handles.LINEAR_UNPACK, packed));
    }
}
