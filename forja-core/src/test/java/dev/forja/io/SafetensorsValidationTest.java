package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Damaged files are reported up front, naming the file and what to do. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    private Path raw(String name, long headerLength, String header, int dataBytes) throws Exception {
        Path file = dir.resolve(name);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h);
        Files.write(file, b.array());
        return file;
    }

    private Path raw(String name, String header, int dataBytes) throws Exception {
        return raw(name, header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    /** Opening {@code file} fails with a message that contains each of {@code fragments}. */
    private static void assertOpenFails(Path file, String... fragments) {
        var thrown = assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ForjaException.class);
        for (String fragment : fragments) thrown.hasMessageContaining(fragment);
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void truncatedDataSaysHowMuchIsMissingAndToDownloadAgain() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, List.of(Tensors.f32("w", new long[] {300}, new float[300])), Map.of());
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size - 600);
        }
        assertOpenFails(
                file,
                file.toString(),
                "truncated (expected 1200 bytes of tensor data, found 600)",
                "download it again");
    }

    @Test
    void headerLongerThanTheFileIsTruncation() throws Exception {
        Path file = raw("short.safetensors", 1000, "{}", 0);
        assertOpenFails(file, "short.safetensors", "truncated");
    }

    @Test
    void fileShorterThanTheLengthFieldIsTruncation() throws Exception {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertOpenFails(file, "tiny.safetensors", "truncated");
    }

    @Test
    void absurdHeaderLengthMeansNotSafetensors() throws Exception {
        Path file = dir.resolve("html.safetensors");
        Files.writeString(file, "<!DOCTYPE html><html>404 not found</html>");
        assertOpenFails(file, "html.safetensors", "not a valid safetensors file");
    }

    /** A header that parses but is refused: the file it is written to, its data size, what the error must say. */
    record Damage(String what, String file, String header, int dataBytes, List<String> says) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<Damage> damagedHeaders() {
        return List.of(
                new Damage(
                        "corrupt header JSON",
                        "corrupt.safetensors",
                        "{\"w\":{\"dtype\":\"F32\",",
                        0,
                        List.of("not valid JSON")),
                new Damage(
                        "overlapping tensors",
                        "overlap.safetensors",
                        "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}",
                        12,
                        List.of("'a' and 'b' overlap")),
                new Damage(
                        "a hole between tensors",
                        "hole.safetensors",
                        "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}",
                        12,
                        List.of("hole of 4 bytes before tensor 'b'")),
                new Damage(
                        "offsets that disagree with dtype and shape",
                        "size.safetensors",
                        "{" + tensor("a", "BF16", "[3]", 0, 8) + "}",
                        8,
                        List.of("spans 8 bytes but its dtype BF16 and shape [3] need 6")),
                new Damage(
                        "a duplicate tensor name",
                        "dup.safetensors",
                        "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}",
                        8,
                        List.of("'a'")),
                new Damage(
                        "an unknown dtype names the supported ones",
                        "f8.safetensors",
                        "{" + tensor("a", "F8_E4M3", "[1]", 0, 1) + "}",
                        1,
                        List.of("F8_E4M3", "BF16")),
                new Damage(
                        "trailing bytes after the data",
                        "tail.safetensors",
                        "{" + tensor("a", "U8", "[1]", 0, 1) + "}",
                        5,
                        List.of("4 bytes after the last tensor")),
                new Damage(
                        "non-string metadata",
                        "meta.safetensors",
                        "{\"__metadata__\":{\"step\":3}}",
                        0,
                        List.of("'step' is not a string")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedHeaders")
    void aDamagedHeaderIsReportedNamingTheFile(Damage d) throws Exception {
        Path file = raw(d.file(), d.header(), d.dataBytes());
        assertOpenFails(file, d.file());
        assertOpenFails(file, d.says().toArray(String[]::new));
    }

    @Test
    void missingFileAndMissingTensorNameTheFile() throws Exception {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("nope.safetensors")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("nope.safetensors");
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, List.of(Tensors.f32("model.norm.weight", new long[] {1}, 1f)), Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> f.get("norm.weight"))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("'norm.weight'")
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("did you mean 'model.norm.weight'");
        }
    }

    @Test
    void writerRefusesDuplicateAndReservedNames() {
        TensorEntry a = Tensors.f32("a", new long[] {1}, 1f);
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), List.of(a, a), Map.of()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("appears twice");
        TensorEntry reserved = Tensors.f32("__metadata__", new long[] {1}, 1f);
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), List.of(reserved), Map.of()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("reserved");
        assertThat(dir.toFile().list()).isEmpty();
    }

    /** A sparse file bigger than one map: tensors past 2 GiB are mapped from a second chunk. */
    @Test
    void filesLargerThanTwoGibAreMappedInChunks() throws Exception {
        long big = 1L << 30; // 1 GiB of U8 each
        String header = "{" + tensor("a", "U8", "[" + big + "]", 0, big) + ","
                + tensor("b", "U8", "[" + big + "]", big, 2 * big) + ","
                + tensor("c", "U8", "[" + big + "]", 2 * big, 3 * big) + "}";
        Path file = raw("sparse.safetensors", header, 0);
        long dataStart = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(dataStart + 3 * big);
            f.seek(dataStart + 3 * big - 1);
            f.write(77);
            f.seek(dataStart + big);
            f.write(55);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.get("b").data().get(0)).isEqualTo((byte) 55);
            assertThat(f.get("c").data().get((int) big - 1)).isEqualTo((byte) 77);
            assertThat(f.get("a").data().remaining()).isEqualTo((int) big);
        }
    }

    @Test
    void aSingleTensorOverTwoGibIsAClearError() throws Exception {
        long huge = 3L << 30;
        Path file = raw("huge.safetensors", "{" + tensor("w", "U8", "[" + huge + "]", 0, huge) + "}", 0);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(Files.size(file) + huge);
        }
        assertOpenFails(file, "huge.safetensors", "'w'", "2 GiB");
    }
}
