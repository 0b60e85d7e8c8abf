package dev.forja.model;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** The one place that maps a config to its name table and its model class, through {@link ModelConfig#match}. */
public final class Architectures {
    private Architectures() {}

    /** The Hugging Face name table of the config's architecture. */
    public static List<ParamSpec> specs(ModelConfig config) {
        return config.match(Gpt2Model::specs, LlamaModel::specs);
    }

    /** A model over parameters named and shaped as {@link #specs} says (memory layout). */
    public static CausalLM create(ModelConfig config, Map<String, Tensor> params) {
        return config.match(g -> new Gpt2Model(g, params), l -> new LlamaModel(l, params));
    }
}
