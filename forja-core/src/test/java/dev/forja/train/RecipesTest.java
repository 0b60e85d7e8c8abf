package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.config.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped recipes resolve to valid configs, and every knob in them carries a comment. */
class RecipesTest {
    static Stream<Path> recipes() throws IOException {
        return Files.list(Path.of("..", "recipes"))
                .filter(p -> p.toString().endsWith(".yaml"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void resolvesAndCommentsEveryKnob(Path recipe) throws IOException {
        TrainConfig c = Recipe.resolve(TrainConfig.class, TrainConfig.defaults(), recipe, List.of("seed=7"), Map.of());
        c.requireRunInputs();
        assertThat(c.seed()).isEqualTo(7);
        assertThat(Files.isRegularFile(Path.of("..").resolve(c.data())))
                .as("the recipe's data ships in samples/")
                .isTrue();
        for (String line : Files.readAllLines(recipe)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            assertThat(line).as("knob without a comment in " + recipe).contains("#");
        }
    }
}
