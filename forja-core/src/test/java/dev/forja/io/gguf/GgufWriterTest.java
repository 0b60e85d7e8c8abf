package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesTheLayoutOfTheSpecificationByteForByte() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        new GgufWriter()
                .put("k", GgufValue.uint32(7))
                .addTensor("t", new long[] {2, 3}, GgufType.F32)
                .write(file, (t, sink) -> sink.writeFloats(new float[] {1, 2, 3, 4, 5, 6}));

        ByteBuffer want = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        want.put("GGUF".getBytes(StandardCharsets.US_ASCII))
                .putInt(3)
                .putLong(1)
                .putLong(1);
        want.putLong(1).put((byte) 'k').putInt(4).putInt(7); // key, UINT32 = 4, value
        want.putLong(1).put((byte) 't').putInt(2).putLong(3).putLong(2); // name, n_dims, dims reversed: (3, 2)
        want.putInt(0).putLong(0); // F32, offset 0
        assertThat(want.position()).isEqualTo(82);
        want.position(96); // zero padding to the 32-byte alignment
        for (int i = 1; i <= 6; i++) want.putFloat(i);
        byte[] expected = new byte[want.position()];
        want.flip().get(expected);
        assertThat(Files.readAllBytes(file)).containsExactly(expected);
    }

    @Test
    void everyTensorStartsAtAMultipleOfTheAlignment() {
        GgufWriter w = new GgufWriter()
                .addTensor("a", new long[] {3}, GgufType.F32) // 12 bytes
                .addTensor("b", new long[] {5, 1}, GgufType.F16) // 10 bytes
                .addTensor("c", new long[] {1, 32}, GgufType.Q4_0) // 18 bytes
                .addTensor("d", new long[] {1}, GgufType.F32);
        assertThat(w.tensors()).extracting(GgufTensorInfo::offset).containsExactly(0L, 32L, 64L, 96L);
        w.put("general.alignment", GgufValue.uint32(64));
        assertThat(w.tensors()).extracting(GgufTensorInfo::offset).containsExactly(0L, 64L, 128L, 192L);
    }

    @Test
    void aFailingSourceLeavesThePreviousFileAndNothingElse() throws IOException {
        Path file = dir.resolve("model.gguf");
        Files.writeString(file, "previous");
        GgufWriter w = new GgufWriter()
                .addTensor("a", new long[] {64}, GgufType.Q8_0)
                .addTensor("b", new long[] {64}, GgufType.Q8_0);
        assertThatThrownBy(() -> w.write(file, (t, sink) -> {
                    if (t.name().equals("b")) throw new IOException("disk full");
                    sink.writeFloats(new float[64]);
                }))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("disk full");
        assertThat(Files.readString(file)).isEqualTo("previous");
        assertThat(dir.toFile().list()).containsExactly("model.gguf");
    }

    @Test
    void aTensorGivenTheWrongNumberOfBytesIsRefusedAndNothingWritten() {
        Path file = dir.resolve("short.gguf");
        GgufWriter w = new GgufWriter().addTensor("w", new long[] {4, 32}, GgufType.F16);
        assertThatThrownBy(() -> w.write(file, (t, sink) -> sink.writeFloats(new float[96])))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("tensor w got 192 bytes")
                .hasMessageContaining("take 256");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void duplicateTensorsAndBadAlignmentsAreRefused() {
        GgufWriter w = new GgufWriter().addTensor("a", new long[] {1}, GgufType.F32);
        assertThatThrownBy(() -> w.addTensor("a", new long[] {2}, GgufType.F32)).hasMessageContaining("twice");
        assertThatThrownBy(() -> w.put("general.alignment", GgufValue.uint32(24)))
                .hasMessageContaining("power of two");
    }
}
