package dev.forja.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordBinderTest {
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void keysInSnakeOrCamelCaseSetComponentsAndTheRestKeepDefaults() {
        DemoConfig c = RecordBinder.bind(
                DemoConfig.class,
                map("learning_rate", "1e-4", "maxSteps", 500, "target_modules", "q_proj, v_proj"),
                DemoConfig.defaults());
        assertThat(c.learningRate()).isEqualTo(1e-4);
        assertThat(c.maxSteps()).isEqualTo(500);
        assertThat(c.targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(c.model()).isEqualTo("gpt2");
        assertThat(c.epochs()).isEqualTo(3);
        assertThat(c.lora()).isEqualTo(new DemoConfig.Lora(8, 16));
    }

    @Test
    void convertsYamlAndStringValuesToComponentTypes() {
        DemoConfig c = RecordBinder.bind(
                DemoConfig.class,
                map(
                        "model",
                        123,
                        "epochs",
                        "7",
                        "learning_rate",
                        3,
                        "target_modules",
                        List.of("q", "k"),
                        "method",
                        "Prompt-Tuning",
                        "max_steps",
                        "null",
                        "bf16",
                        "yes",
                        "output_dir",
                        "out/run1",
                        "lora",
                        map("rank", "4")),
                DemoConfig.defaults());
        assertThat(c.model()).isEqualTo("123");
        assertThat(c.epochs()).isEqualTo(7);
        assertThat(c.learningRate()).isEqualTo(3.0);
        assertThat(c.targetModules()).containsExactly("q", "k");
        assertThat(c.method()).isEqualTo(DemoConfig.Method.PROMPT_TUNING);
        assertThat(c.maxSteps()).isNull();
        assertThat(c.bf16()).isTrue();
        assertThat(c.outputDir()).isEqualTo(Path.of("out/run1"));
        assertThat(c.lora()).isEqualTo(new DemoConfig.Lora(4, 16)); // alpha kept from the defaults' lora
        assertThat(RecordBinder.bind(DemoConfig.class, map("method", "qlora"), DemoConfig.defaults())
                        .method())
                .isEqualTo(DemoConfig.Method.QLORA);
        assertThat(RecordBinder.bind(DemoConfig.class, map("epochs", 5.0), DemoConfig.defaults())
                        .epochs())
                .isEqualTo(5);
    }

    @Test
    void anUnknownKeyNamesTheNearestValidKeyAndTheSource() {
        assertThatThrownBy(() -> RecordBinder.bind(
                        DemoConfig.class, map("lerning_rate", 1e-4), DemoConfig.defaults(), "recipes/demo.yaml"))
                .isInstanceOf(ForjaException.class)
                .hasMessage(
                        "unknown key 'lerning_rate' in recipes/demo.yaml; did you mean 'learning_rate'? (valid keys: "
                                + "model, epochs, learning_rate, target_modules, method, max_steps, bf16, output_dir, lora)");
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("zzz", 1), DemoConfig.defaults()))
                .hasMessageStartingWith("unknown key 'zzz' in config (valid keys:");
        assertThatThrownBy(
                        () -> RecordBinder.bind(DemoConfig.class, map("lora", map("rnak", 4)), DemoConfig.defaults()))
                .hasMessageStartingWith("unknown key 'lora.rnak' in config; did you mean 'lora.rank'?")
                .hasMessageContaining("valid keys under 'lora': rank, alpha");
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("epochs", "abc"), DemoConfig.defaults()))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("key 'epochs': 'abc' is not an integer");
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("epochs", 2.5), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'epochs': 2.5 is not an integer");
        assertThatThrownBy(
                        () -> RecordBinder.bind(DemoConfig.class, map("epochs", "99999999999"), DemoConfig.defaults()))
                .hasMessageContaining("out of range");
        assertThatThrownBy(
                        () -> RecordBinder.bind(DemoConfig.class, map("learning_rate", "fast"), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'learning_rate': 'fast' is not a number");
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("method", "lorra"), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'method': 'lorra' is not one of full, lora, qlora, prompt_tuning; "
                        + "did you mean 'lora'?");
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("bf16", "maybe"), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'bf16': 'maybe' is not true or false");
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("epochs", null), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'epochs': needs a value");
        assertThatThrownBy(
                        () -> RecordBinder.bind(DemoConfig.class, map("lora", map("rank", "x")), DemoConfig.defaults()))
                .hasMessageStartingWith("key 'lora.rank': 'x' is not an integer");
    }

    @Test
    void theRecordsOwnValidationPropagates() {
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.class, map("epochs", 0), DemoConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epochs must be at least 1, got 0");
        assertThatThrownBy(
                        () -> RecordBinder.bind(DemoConfig.class, map("lora", map("rank", 0)), DemoConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lora.rank must be positive, got 0");
    }

    @Test
    void withoutDefaultsAPrimitiveMustBeGiven() {
        assertThatThrownBy(() -> RecordBinder.bind(DemoConfig.Lora.class, map("alpha", 32), null))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("key 'rank' is required");
        assertThat(RecordBinder.bind(DemoConfig.Lora.class, map("rank", 4, "alpha", "32"), null))
                .isEqualTo(new DemoConfig.Lora(4, 32));
    }

    @Test
    void twoSpellingsOfOneKeyAreAnError() {
        assertThatThrownBy(() ->
                        RecordBinder.bind(DemoConfig.class, map("max_steps", 1, "maxSteps", 2), DemoConfig.defaults()))
                .hasMessageContaining("key 'max_steps' is given twice");
    }

    @Test
    void editDistanceAndNearestKey() {
        assertThat(KeyNames.levenshtein("kitten", "sitting")).isEqualTo(3);
        assertThat(KeyNames.levenshtein("", "abc")).isEqualTo(3);
        assertThat(KeyNames.snake("learningRate")).isEqualTo("learning_rate");
        assertThat(KeyNames.nearest("learningRat", List.of("learning_rate", "epochs")))
                .isEqualTo("learning_rate");
        assertThat(KeyNames.nearest("foo", List.of("learning_rate", "epochs"))).isNull();
    }
}
