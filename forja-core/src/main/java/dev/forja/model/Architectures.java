package dev.forja.model;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** The one place that maps a config to its name table and its model class. */
public final class Architectures {
    private Architectures() {
    }

    /** The Hugging Face name table of the config's architecture. */
    public static List<ParamSpec> specs(ModelConfig config) {
        if (config instanceof Gpt2Config g) return Gpt2Model.specs(g);
        return LlamaModel.specs((LlamaConfig) config);
    }

    /** A model over parameters named and shaped as {@link #specs} says (memory layout). */
    public static CausalLM create(ModelConfig config, Map<String, Tensor> params) {
        if (config instanceof Gpt2Config g) return new Gpt2Model(g, params);
        return new LlamaModel((LlamaConfig) config, params);
    }
}
