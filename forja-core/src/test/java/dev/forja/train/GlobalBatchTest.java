package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tensor.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Halving the batch and doubling the accumulation is the same run: batch 4 and batch 2 × grad_accum 2 train on the
 * same samples at every optimizer step, with the loss normalised by the step's trainable tokens, so after 10 steps
 * the weights agree to float32 rounding. Dropout is off (lora_dropout 0): its masks are drawn per micro-batch, so
 * with dropout the two runs would differ by design.
 */
class GlobalBatchTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path data;

    @BeforeAll
    static void modelAndData() {
        model = TinyRuns.model(tmp.resolve("base"), "llama", 1);
        // 13 training rows after the validation split: the last global batch of 4 holds one row, so at 2 × 2 one
        // of its micro-batches is empty
        data = TinyRuns.data(tmp.resolve("d16.jsonl"), 2);
    }

    private static Path train(String name, String method, int batchSize, int gradAccum) {
        Path out = tmp.resolve(name + "-" + method);
        Map<String, Object> m = new HashMap<>(
                Map.of("model", model, "data", data, "output", out, "precision", "fp32", "threads", 1, "seed", 7));
        m.putAll(Map.of(
                "method",
                method,
                "batch_size",
                batchSize,
                "grad_accum",
                gradAccum,
                "max_steps",
                10,
                "learning_rate",
                1e-3,
                "lora_dropout",
                0.0,
                "eval_steps",
                1000));
        new Trainer(
                        TrainConfig.defaults().with(m),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run();
        return out.resolve("final");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lora", "full"})
    void batchFourAndTwoTimesTwoEndWithTheSameWeights(String method) {
        Path whole = train("b4", method, 4, 1);
        Path split = train("b2x2", method, 2, 2);
        String file = method.equals("lora") ? "adapter_model.safetensors" : "model.safetensors";
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> a = Tensors.readAll(whole.resolve(file));
            Map<String, Tensor> b = Tensors.readAll(split.resolve(file));
            assertThat(b.keySet()).isEqualTo(a.keySet());
            double worst = 0;
            for (var e : a.entrySet()) {
                double d = e.getValue().sub(b.get(e.getKey())).abs().max().item_double();
                worst = Math.max(worst, d);
            }
            System.out.printf("%s: max |w(batch 4) - w(batch 2 x accum 2)| = %.3e%n", method, worst);
            assertThat(worst).as("max abs weight difference, " + method).isLessThan(1e-5);
        }
    }
}
