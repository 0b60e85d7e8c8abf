package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The live map behind {@link Adaptable#linears()}: what a layer record holds follows what the path holds now. */
class LinearTableTest {
    private final Tensor x = Tensors.ofFloats(new float[] {1, 2}, 1, 2);
    private final Map<String, Tensor> params = new LinkedHashMap<>();

    LinearTableTest() {
        params.put("b.proj.weight", Tensors.ofFloats(new float[] {1, 0, 0, 1}, 2, 2));
        params.put("a.proj.weight", Tensors.ofFloats(new float[] {2, 0, 0, 2}, 2, 2));
        params.put("a.proj.bias", Tensors.ofFloats(new float[] {1, 1}, 2));
    }

    @Test
    void theHeldLayerFollowsAReplacementAndBackInTheModelsOrder() {
        LinearTable table = new LinearTable();
        Linear b = table.add("b.proj", params);
        Linear a = table.add("a.proj", params);
        assertThat(table.keySet()).containsExactly("b.proj", "a.proj");
        assertThat(Tensors.toFloats(a.apply(x))).containsExactly(3, 5);

        Linear plain = table.get("a.proj");
        Linear doubled = new Dense(params.get("a.proj.weight").mul(new Scalar(2)), null);
        assertThat(table.put("a.proj", doubled)).isSameAs(plain);
        assertThat(table.get("a.proj")).isSameAs(doubled);
        assertThat(table.values()).containsExactly(table.get("b.proj"), doubled);
        assertThat(Tensors.toFloats(a.apply(x))).containsExactly(4, 8);
        assertThat(Tensors.toFloats(b.apply(x))).containsExactly(1, 2);

        table.put("a.proj", plain);
        assertThat(Tensors.toFloats(a.apply(x))).containsExactly(3, 5);
    }

    @Test
    void aPathTheModelDoesNotHaveIsRefused() {
        LinearTable table = new LinearTable();
        table.add("a.proj", params);
        assertThatThrownBy(() -> table.put("a.nope", table.get("a.proj")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.nope");
        assertThatThrownBy(() -> table.add("a.proj", params)).hasMessageContaining("twice");
        assertThatThrownBy(() -> table.add("c.proj", params)).hasMessageContaining("c.proj.weight missing");
        assertThat(table).hasSize(1);
    }
}
