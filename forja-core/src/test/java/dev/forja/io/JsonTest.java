package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    @TempDir
    Path dir;

    record Config(String model_type, int hidden_size, List<Integer> layers, double ratio) {}

    @Test
    void syntaxErrorsPointAtFileLineAndColumn() throws Exception {
        Path file = write("config.json", "{\n  \"a\": 1,\n  \"b\": ,\n}\n");
        assertReadFails(file).hasMessageStartingWith(file + ":3:8: ").hasMessageEndingWith("; fix the JSON");
    }

    @Test
    void trailingGarbageIsAnError() throws Exception {
        Path file = write("two.json", "{}\n{}");
        assertReadFails(file).hasMessageStartingWith(file + ":2:");
    }

    @Test
    void missingAndEmptyFilesNameThePath() throws Exception {
        Path missing = dir.resolve("missing.json");
        assertReadFails(missing).hasMessageContaining("missing file " + missing);
        Path empty = write("empty.json", "  \n");
        assertReadFails(empty).hasMessageContaining(empty + " is empty");
    }

    @Test
    void pythonNonFiniteNumbersAreAccepted() throws Exception {
        Path file = write("gen.json", "{\"x\": NaN, \"y\": -Infinity}");
        JsonNode node = Json.read(file);
        assertThat(node.get("x").doubleValue()).isNaN();
        assertThat(node.get("y").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void writeAtomicRoundTripsPrettyPrintedAndLeavesNoTemporaryFile() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("model_type", "llama");
        value.put("hidden_size", 64);
        value.put("layers", List.of(1, 2));
        value.put("ratio", 0.5);
        Path file = dir.resolve("sub/config.json");
        Json.writeAtomic(file, value);
        Json.writeAtomic(file, value); // replaces an existing file
        String text = Files.readString(file);
        assertThat(text).startsWith("{\n").endsWith("}\n").contains("\"model_type\" : \"llama\"");
        assertThat(Json.read(file, Config.class)).isEqualTo(new Config("llama", 64, List.of(1, 2), 0.5));
        assertThat(file.getParent().toFile().list()).containsExactly("config.json");
    }

    @Test
    void typeMismatchNamesTheFile() throws Exception {
        Path file = write("config.json", "{\"model_type\": \"gpt2\",\n \"hidden_size\": \"big\"}");
        assertThatThrownBy(() -> Json.read(file, Config.class))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith(file + ":2:")
                .hasMessageContaining("fix the JSON");
        Files.writeString(file, "{\"model_type\": \"gpt2\", \"hiden_size\": 3}");
        assertThatThrownBy(() -> Json.read(file, Config.class))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith(file + ":1:")
                .hasMessageContaining("hiden_size");
    }

    /** Reading {@code file} is refused with a ForjaException, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file) {
        return assertThatThrownBy(() -> Json.read(file)).isInstanceOf(ForjaException.class);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
