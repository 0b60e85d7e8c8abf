package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8LinesTest {

    @Test
    void keepsNewlinesAndMultiByteCharactersAcrossBufferBoundaries(@TempDir Path dir) throws IOException {
        // 3- and 4-byte characters repeated past the 64 KiB read buffer, so some straddle a boundary.
        String text = ("ñandú 日本 👨‍👩‍👧 ok\n").repeat(6_000) + "sin salto final";
        Path file = dir.resolve("t.txt");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        Files.write(file, all);

        List<String> lines = new ArrayList<>();
        Utf8Lines.forEach(file, lines::add);

        assertThat(lines).hasSize(6_001);
        assertThat(lines.get(0)).isEqualTo("ñandú 日本 👨‍👩‍👧 ok\n");
        assertThat(lines.get(6_000)).isEqualTo("sin salto final");
        assertThat(String.join("", lines)).isEqualTo(text);
    }
}
