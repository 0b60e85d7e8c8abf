package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the on-disk format with bytes written out by hand, so reader and writer cannot agree on a wrong format. */
class SafetensorsFormatTest {

    @TempDir
    Path dir;

    @Test
    void writerProducesTheReferenceBytesForATwoElementF32Tensor() throws Exception {
        Path file = dir.resolve("a.safetensors");
        SafetensorsWriter.write(file, List.of(Tensors.f32("a", new long[] {2}, 1.0f, 2.0f)), Map.of());

        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"; // 54 bytes
        byte[] expected = concat(
                HexFormat.of().parseHex("3800000000000000"), // header length 56, u64 little-endian
                (json + "  ").getBytes(StandardCharsets.US_ASCII), // padded with 2 spaces to 56
                HexFormat.of().parseHex("0000803f" + "00000040")); // 1.0f, 2.0f little-endian
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void writerPutsMetadataFirst() throws Exception {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(Tensors.f32("a", new long[] {}, 1.0f)), Map.of("format", "pt"));

        String json =
                "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        assertThat(json.length()).isEqualTo(84);
        byte[] expected = concat(
                HexFormat.of().parseHex("5800000000000000"), // 88
                (json + "    ").getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().parseHex("0000803f"));
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void readerAcceptsAHandMadeFileAndOrdersTensorsByOffset() throws Exception {
        // Header lists b before a; an unpadded header is valid too.
        String json = "{\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]},"
                + "\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[0,4]}}";
        byte[] header = json.getBytes(StandardCharsets.US_ASCII);
        byte[] length = new byte[8];
        length[0] = (byte) header.length;
        Path file = dir.resolve("hand.safetensors");
        Files.write(
                file,
                concat(
                        length,
                        header,
                        HexFormat.of().parseHex("003c" + "00c0"), // F16 1.0, -2.0
                        HexFormat.of().parseHex("feffffffffffffff"))); // I64 -2

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensors().keySet()).containsExactly("a", "b");
            assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
            assertThat(f.get("a").dtype()).isEqualTo(DType.F16);
            assertThat(f.get("a").shape()).containsExactly(1, 2);
            assertThat(f.get("a").data().getShort(0)).isEqualTo((short) 0x3c00);
            assertThat(f.get("a").data().getShort(2)).isEqualTo((short) 0xc000);
            assertThat(f.get("b").data().getLong(0)).isEqualTo(-2L);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
