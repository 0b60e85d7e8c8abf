package dev.forja.train.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {
    @TempDir
    Path dir;

    @Test
    void crc32cMatchesTheStandardCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TfRecord.crc32c(check, 0, check.length)).isEqualTo(0xE3069283);
        // The TFRecord mask: rotate right by 15, add 0xa282ead8 (computed here independently of TfRecord).
        int crc = 0xE3069283;
        int masked = Integer.rotateRight(crc, 15) + 0xa282ead8;
        assertThat(TfRecord.maskedCrc32c(check, 0, check.length)).isEqualTo(masked);
    }

    @Test
    void recordFramingIsLittleEndianLengthCrcDataCrc() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = {1, 2, 3};
        TfRecord.write(out, data);
        byte[] bytes = out.toByteArray();
        assertThat(bytes).hasSize(8 + 4 + 3 + 4);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        for (int i = 1; i < 8; i++) assertThat(bytes[i]).isZero();
        assertThat(bytes[12]).isEqualTo((byte) 1);
        assertThat(TfRecord.read(new ByteArrayInputStream(bytes))).containsExactly(1, 2, 3);
    }

    @Test
    void scalarsRoundTripThroughTheReader() {
        double before = System.currentTimeMillis() / 1000.0;
        Path file;
        try (TensorBoardWriter tb = TensorBoardWriter.open(dir.resolve("run"))) {
            file = tb.file();
            tb.scalar("train/loss", 10, 2.5);
            tb.scalar("train/loss", 20, 2.25);
            Map<String, Double> both = new LinkedHashMap<>();
            both.put("eval/loss", 2.4);
            both.put("eval/perplexity", Math.exp(2.4));
            tb.scalars(20, both);
            tb.scalar("train/lr", 30, 3e-4);
        }
        assertThat(file.getFileName().toString()).matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+");

        TensorBoardReader.Contents contents = TensorBoardReader.read(file);
        assertThat(contents.fileVersion()).isEqualTo("brain.Event:2");
        assertThat(contents.scalars())
                .extracting(TensorBoardReader.Scalar::tag)
                .containsExactly("train/loss", "train/loss", "eval/loss", "eval/perplexity", "train/lr");
        assertThat(contents.scalars())
                .extracting(TensorBoardReader.Scalar::step)
                .containsExactly(10L, 20L, 20L, 20L, 30L);
        assertThat(contents.scalars().get(1).value()).isEqualTo(2.25);
        assertThat(contents.scalars().get(3).value()).isCloseTo(Math.exp(2.4), within(1e-5));
        // Stored as float32: exactly the float nearest 3e-4.
        assertThat(contents.scalars().get(4).value()).isEqualTo((double) 3e-4f);
        assertThat(contents.scalars().get(0).wallTime()).isBetween(before - 1, before + 60);
    }

    /** Writes an event file in {@code dir} holding one scalar; returns the file. */
    private Path oneScalar(String tag, long step, double value) {
        try (TensorBoardWriter tb = TensorBoardWriter.open(dir)) {
            tb.scalar(tag, step, value);
            return tb.file();
        }
    }

    @Test
    void eventBytesFollowTheProtobufWireFormat() throws IOException {
        Path file = oneScalar("a", 300, 1.0);
        var in = new ByteArrayInputStream(Files.readAllBytes(file));
        TfRecord.read(in); // the version event
        byte[] event = TfRecord.read(in);
        // wall_time: key 0x09 (field 1, fixed64) then 8 bytes; step: key 0x10 then varint 300 = AC 02.
        assertThat(event[0]).isEqualTo((byte) 0x09);
        assertThat(new byte[] {event[9], event[10], event[11]}).containsExactly(0x10, 0xAC, 0x02);
        // summary: key 0x2A (field 5, length-delimited), length, Value key 0x0A, length,
        // tag key 0x0A "a", simple_value key 0x15 then float 1.0f little-endian (00 00 80 3F).
        byte[] summary = {0x2A, 10, 0x0A, 8, 0x0A, 1, 'a', 0x15, 0, 0, (byte) 0x80, 0x3F};
        assertThat(java.util.Arrays.copyOfRange(event, 12, event.length)).containsExactly(summary);
        assertThat(TfRecord.read(in)).isNull();
    }

    @Test
    void aCorruptedByteIsReportedWithTheRecord() throws IOException {
        Path file = oneScalar("train/loss", 1, 2.0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // inside the second record's data
        Files.write(file, bytes);
        assertThatThrownBy(() -> TensorBoardReader.read(file))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("record 1")
                .hasMessageContaining("CRC");
    }

    @Test
    void twoWritersInTheSameSecondGetTwoFiles() {
        try (TensorBoardWriter a = TensorBoardWriter.open(dir);
                TensorBoardWriter b = TensorBoardWriter.open(dir)) {
            assertThat(a.file()).isNotEqualTo(b.file());
        }
    }
}
