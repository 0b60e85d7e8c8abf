package dev.forja.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Random initialisation of a fresh model, following Hugging Face's {@code _init_weights}; seeded. */
public final class ModelInitializer {
    private ModelInitializer() {}

    /** Parameters (float32, memory layout) for every row of the config's name table. */
    public static Map<String, Tensor> initialize(ModelConfig config, long seed) {
        double std = config.initializerRange();
        return initialize(Architectures.specs(config), std, std / Math.sqrt(2.0 * config.numLayers()), seed);
    }

    /**
     * Parameters (float32) for every row of {@code specs}, drawn in their order from libtorch's generator seeded with
     * {@code seed}: normal(0, std), normal(0, residualStd) for {@link ParamSpec.Init#NORMAL_RESIDUAL}, zeros, ones.
     */
    public static Map<String, Tensor> initialize(List<ParamSpec> specs, double std, double residualStd, long seed) {
        torch.manual_seed(seed);
        Map<String, Tensor> params = new LinkedHashMap<>();
        TensorOptions f32 = new TensorOptions(ScalarType.Float);
        for (ParamSpec s : specs) {
            Tensor t = switch (s.init()) {
                case ZEROS -> torch.zeros(s.shape(), f32);
                case ONES -> torch.ones(s.shape(), f32);
                case NORMAL -> torch.randn(s.shape(), f32).mul(new Scalar(std));
                case NORMAL_RESIDUAL -> torch.randn(s.shape(), f32).mul(new Scalar(residualStd));
            };
            params.put(s.name(), t);
        }
        return params;
    }
}
