package dev.forja.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("recipe.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsPlainValuesWithYaml12StyleScalars() throws IOException {
        Map<String, Object> m = Recipe.load(yaml("""
                model: gpt2   # a Hub id
                learning_rate: 1e-4
                epochs: 3
                language: no
                code: 007
                released: 2024-01-02
                max_steps: ~
                target_modules: [q_proj, v_proj]
                lora:
                  rank: 16
                """));
        assertThat(m.get("learning_rate")).isEqualTo(1e-4);
        assertThat(m.get("epochs")).isEqualTo(3);
        assertThat(m.get("language")).isEqualTo("no");
        assertThat(m.get("code")).isEqualTo("007");
        assertThat(m.get("released")).isEqualTo("2024-01-02");
        assertThat(m).containsEntry("max_steps", null);
        assertThat(m.get("target_modules")).isEqualTo(List.of("q_proj", "v_proj"));
        assertThat(m.get("lora")).isEqualTo(Map.of("rank", 16));
        assertThat(Recipe.load(yaml(""))).isEmpty();
    }

    @Test
    void yamlErrorsGiveFileAndLine() throws IOException {
        Path bad = yaml("model: gpt2\nepochs: [3\nlr: 1\n");
        assertThatThrownBy(() -> Recipe.load(bad))
                .isInstanceOf(ForjaException.class)
                .hasMessageMatching(".*recipe\\.yaml:[34]:\\d+: invalid YAML: .*");
        Path duplicate = yaml("epochs: 1\nepochs: 2\n");
        assertThatThrownBy(() -> Recipe.load(duplicate)).hasMessageContaining("recipe.yaml:2:");
        Path list = yaml("- a\n- b\n");
        assertThatThrownBy(() -> Recipe.load(list)).hasMessageContaining("mapping of key: value");
        assertThatThrownBy(() -> Recipe.load(dir.resolve("missing.yaml"))).hasMessageContaining("recipe not found");
    }

    @Test
    void refusesToConstructArbitraryJavaTypes() throws IOException {
        Path evil = yaml(
                "x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1/\"]]]]\n");
        assertThatThrownBy(() -> Recipe.load(evil)).isInstanceOf(ForjaException.class);
    }

    @Test
    void overridesParseKeyEqualsValueWithDottedKeys() {
        Map<String, Object> o = Recipe.overrides(List.of("learning_rate=2e-4", "lora.rank=16", "prompt=a=b"));
        assertThat(o).containsEntry("learning_rate", "2e-4").containsEntry("prompt", "a=b");
        assertThat(o.get("lora")).isEqualTo(Map.of("rank", "16"));
        assertThatThrownBy(() -> Recipe.overrides(List.of("epochs")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("override 'epochs' has no '='");
        assertThatThrownBy(() -> Recipe.overrides(List.of("=3"))).hasMessageContaining("no valid key");
    }

    @Test
    void precedenceIsDefaultsThenYamlThenOverridesThenFlags() throws IOException {
        Path file = yaml("""
                model: tiny-llama
                epochs: 5
                learning_rate: 1e-3
                lora: {rank: 4, alpha: 8}
                """);
        DemoConfig c = Recipe.resolve(
                DemoConfig.class,
                DemoConfig.defaults(),
                file,
                List.of("epochs=6", "lora.alpha=32", "learning_rate=5e-4"),
                Map.of("learningRate", 7e-4));
        assertThat(c.model()).isEqualTo("tiny-llama"); // YAML over defaults
        assertThat(c.epochs()).isEqualTo(6); // override over YAML
        assertThat(c.learningRate()).isEqualTo(7e-4); // flag over override
        assertThat(c.lora()).isEqualTo(new DemoConfig.Lora(4, 32)); // deep merge
        assertThat(c.method()).isEqualTo(DemoConfig.Method.LORA); // default
    }

    @Test
    void errorsNameTheSourceOfTheKey() throws IOException {
        Path file = yaml("epochs: abc\n");
        assertThatThrownBy(() -> Recipe.resolve(DemoConfig.class, DemoConfig.defaults(), file, List.of(), Map.of()))
                .hasMessage("key 'epochs': 'abc' is not an integer (in " + file + ")");
        assertThatThrownBy(() -> Recipe.resolve(
                        DemoConfig.class, DemoConfig.defaults(), null, List.of("lerning_rate=1"), Map.of()))
                .hasMessageStartingWith("unknown key 'lerning_rate' in overrides; did you mean 'learning_rate'?");
        assertThatThrownBy(() ->
                        Recipe.resolve(DemoConfig.class, DemoConfig.defaults(), file, List.of("epochs=x"), Map.of()))
                .hasMessage("key 'epochs': 'x' is not an integer (in overrides)");
    }

    @Test
    void toYamlIsOrderedSnakeCaseAndRoundTrips() throws IOException {
        DemoConfig c = new DemoConfig(
                "1e-4",
                2,
                1.5e-5,
                List.of("q_proj", "v_proj"),
                DemoConfig.Method.QLORA,
                null,
                true,
                Path.of("out/x"),
                new DemoConfig.Lora(16, 32));
        String text = Recipe.toYaml(c);
        assertThat(text)
                .startsWith(
                        "model: '1e-4'\nepochs: 2\nlearning_rate: 1.5E-5\ntarget_modules:\n- q_proj\n"
                                + "- v_proj\nmethod: qlora\nmax_steps: null\nbf16: true\noutput_dir: out/x\nlora:\n  rank: 16\n");
        assertThat(Recipe.toMap(c).keySet())
                .containsExactly(
                        "model",
                        "epochs",
                        "learning_rate",
                        "target_modules",
                        "method",
                        "max_steps",
                        "bf16",
                        "output_dir",
                        "lora");

        Path saved = dir.resolve("run/config.yaml");
        Recipe.save(c, saved);
        assertThat(Recipe.resolve(DemoConfig.class, null, saved, List.of(), Map.of()))
                .isEqualTo(c);
    }
}
