package dev.forja.model;

import dev.forja.nn.Linear;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A model that LoRA can attach to: its linear layers by module path (a {@link LinearTable}: the paths are fixed, and
 * replacing the layer under one reroutes the forward pass) and its parameters by the same names. Causal LMs and BERT
 * encoders are adaptable.
 */
public interface Adaptable {

    /** Every parameter by its Hugging Face name; a linear layer at path p owns {@code p + ".weight"}. */
    Map<String, Tensor> parameters();

    /** The linear layers by module path; LoRA replaces entries (a path the model lacks is refused). */
    Map<String, Linear> linears();

    /** The Hugging Face model_type, for messages. */
    String modelType();

    /** True when the base layers store weights (in, out), as GPT-2's Conv1D does (PEFT's fan_in_fan_out). */
    default boolean fanInFanOut() {
        return false;
    }
}
