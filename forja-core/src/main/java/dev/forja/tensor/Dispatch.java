package dev.forja.tensor;

import java.lang.ref.Reference;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;

/**
 * Calls an ATen operator that the Java bindings do not map, through libtorch's dispatcher by its schema name
 * ({@code "aten::_weight_int8pack_mm"}, {@code "mkldnn::_linear_pointwise"}).
 */
public final class Dispatch {
    private Dispatch() {}

    /**
     * The operator named {@code schema} (overload ""), retained: look it up once and keep it, since finding a schema
     * takes a lock and a hash lookup, and the handle outlives whatever {@code PointerScope} is open at that moment.
     *
     * @throws RuntimeException if this libtorch has no such operator
     */
    public static OperatorHandle op(String schema) {
        OperatorHandle h = Dispatcher.singleton().findSchemaOrThrow(schema, "");
        h.retainReference();
        return h;
    }

    /** The operator's first result as a tensor of its own. */
    public static Tensor call(OperatorHandle op, IValue... args) {
        // toTensor() is a reference into the IValue: copy it into a tensor of its own before the IValue can be freed
        IValue result = callValue(op, args);
        Tensor t = new Tensor(result.toTensor());
        Reference.reachabilityFence(result);
        return t;
    }

    /** The operator's first result as an IValue of its own (a copy that shares the object it holds). */
    public static IValue callValue(OperatorHandle op, IValue... args) {
        IValueVector stack = new IValueVector(args);
        op.callBoxed(stack); // the arguments are replaced by the results
        IValue result = new IValue(stack.get(0));
        Reference.reachabilityFence(stack);
        return result;
    }
}
