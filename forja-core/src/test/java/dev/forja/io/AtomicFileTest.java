package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "previous");
        assertThatThrownBy(() -> AtomicFile.write(file, ch -> {
                    ch.write(ByteBuffer.wrap("half of the new".getBytes()));
                    throw new IOException("disk full");
                }))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("disk full");
        assertThat(Files.readString(file)).isEqualTo("previous");
        assertThat(dir.toFile().list()).containsExactly("model.safetensors");
    }
}
