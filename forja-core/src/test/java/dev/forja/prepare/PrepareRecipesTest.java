package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.config.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped prepare recipes resolve, comment every knob, anonymize by default and run on their sample inputs. */
class PrepareRecipesTest {
    @TempDir
    Path tmp;

    static Stream<Path> recipes() throws IOException {
        return Files.list(Path.of("..", "recipes", "prepare"))
                .filter(p -> p.toString().endsWith(".yaml"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void resolvesCommentsEveryKnobAndRuns(Path recipe) throws IOException {
        PrepareConfig c =
                Recipe.resolve(PrepareConfig.class, PrepareConfig.defaults(), recipe, List.of("seed=7"), Map.of());
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.anonymize()).as("recipes anonymize by default").isTrue();
        for (String line : Files.readAllLines(recipe)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            assertThat(line).as("knob without a comment in " + recipe).contains("#");
        }
        List<Path> inputs =
                c.inputs().stream().map(p -> Path.of("..").resolve(p)).toList();
        for (Path p : inputs)
            assertThat(p).as("the recipe's inputs ship in samples/").exists();
        PreparePipeline.Result r =
                new PreparePipeline(c.withIo(inputs, tmp.resolve("out")), PiiTextAnonymizer.of(c, null)).run();
        assertThat(r.stats().train()).isPositive();
        assertThat(r.stats().val()).isPositive();
    }
}
