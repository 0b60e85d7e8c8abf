package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What {@link ProtoWriter} writes, {@link ProtoReader} reads back, field by field; malformed bytes are refused. */
class ProtoWireTest {

    @Test
    void everyWireTypeRoundTripsAndUnknownFieldsAreSkipped() {
        byte[] bytes = new ProtoWriter()
                .int64(1, 300)
                .int64(2, -1)
                .doubleField(3, 2.5)
                .floatField(4, 0.25f)
                .string(5, "año")
                .message(6, new ProtoWriter().string(1, "inner"))
                .int64(99, 7)
                .int64(7, 42)
                .toByteArray();
        ProtoReader r = new ProtoReader(bytes);
        int seen = 0;
        while (r.next()) {
            seen++;
            switch (r.field()) {
                case 1 -> assertThat(r.varint()).isEqualTo(300);
                case 2 ->
                    assertThat(r.varint())
                            .as("negative int64: ten bytes, read back")
                            .isEqualTo(-1);
                case 3 -> assertThat(r.fixed64AsDouble()).isEqualTo(2.5);
                case 4 -> assertThat(r.fixed32AsFloat()).isEqualTo(0.25f);
                case 5 -> assertThat(r.string()).isEqualTo("año");
                case 6 -> {
                    ProtoReader inner = r.message();
                    assertThat(inner.next()).isTrue();
                    assertThat(inner.string()).isEqualTo("inner");
                    assertThat(inner.next()).isFalse();
                }
                case 7 -> assertThat(r.varint()).isEqualTo(42);
                default -> r.skip();
            }
        }
        assertThat(seen).isEqualTo(8);
        // 300 is the varint AC 02 after the key 08 (field 1, varint)
        assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0x08, 0xAC, 0x02);
    }

    @Test
    void truncatedBytesAreAFormatErrorNamingTheField() {
        byte[] bytes = new ProtoWriter().string(3, "hello").toByteArray();
        ProtoReader r = new ProtoReader(Arrays.copyOf(bytes, bytes.length - 2));
        assertThat(r.next()).isTrue();
        assertThatThrownBy(r::string).isInstanceOf(ProtoFormatException.class).hasMessageContaining("field 3");
    }
}
