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
    private ModelInitializer() {
    }

    /** Parameters (float32, memory layout) for every row of the config's name table. */
    public static Map<String, Tensor> initialize(ModelConfig config, long seed) {
        torch.manual_seed(seed);
        double std = config.initializerRange();
        double residualStd = std / Math.sqrt(2.0 * config.numLayers());
        Map<String, Tensor> params = new LinkedHashMap<>();
        List<ParamSpec> specs = Architectures.specs(config);
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
