package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import org.junit.jupiter.api.Test;

class GgufTypeTest {

    @Test
    void idsAndBlockSizesAreGgmls() {
        // enum ggml_type in ggml.h; block_q8_0 = fp16 + 32 int8, block_q4_0 = fp16 + 16 bytes of nibbles
        assertThat(GgufType.F32.id()).isEqualTo(0);
        assertThat(GgufType.F16.id()).isEqualTo(1);
        assertThat(GgufType.Q4_0.id()).isEqualTo(2);
        assertThat(GgufType.Q8_0.id()).isEqualTo(8);
        assertThat(GgufType.BF16.id()).isEqualTo(30);
        // block_q5_0 = fp16 + 4 bytes of fifth bits + 16 bytes of nibbles; block_q4_K = 2 fp16 + 12 + 128;
        // block_q6_K = 128 + 64 + 16 + fp16
        assertThat(GgufType.Q5_0.id()).isEqualTo(6);
        assertThat(GgufType.Q4_K.id()).isEqualTo(12);
        assertThat(GgufType.Q6_K.id()).isEqualTo(14);
        assertThat(GgufType.Q5_0.byteSize(64)).isEqualTo(44);
        assertThat(GgufType.Q4_K.byteSize(512)).isEqualTo(288);
        assertThat(GgufType.Q6_K.byteSize(512)).isEqualTo(420);
        assertThat(GgufType.Q8_0.byteSize(64)).isEqualTo(68);
        assertThat(GgufType.Q4_0.byteSize(64)).isEqualTo(36);
        assertThat(GgufType.F16.byteSize(3)).isEqualTo(6);
        assertThat(GgufType.fromId(8)).isEqualTo(GgufType.Q8_0);
    }

    @Test
    void metadataValueTypeIdsAreTheSpecifications() {
        int[] ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        GgufValueType[] types = {
            GgufValueType.UINT8, GgufValueType.INT8, GgufValueType.UINT16, GgufValueType.INT16,
            GgufValueType.UINT32, GgufValueType.INT32, GgufValueType.FLOAT32, GgufValueType.BOOL,
            GgufValueType.STRING, GgufValueType.ARRAY, GgufValueType.UINT64, GgufValueType.INT64,
            GgufValueType.FLOAT64
        };
        for (int i = 0; i < ids.length; i++) assertThat(types[i].id()).isEqualTo(ids[i]);
    }

    @Test
    void unknownTypesAndPartialBlocksAreRefused() {
        assertThatThrownBy(() -> GgufType.fromId(13)) // Q5_K
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("Q8_0=8");
        assertThatThrownBy(() -> GgufType.Q4_0.byteSize(40))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("blocks of 32");
        assertThatThrownBy(() -> new GgufTensorInfo("w", new long[] {4, 40}, GgufType.Q8_0, 0))
                .hasMessageContaining("blocks of 32");
        assertThatThrownBy(() -> GgufType.Q4_K.byteSize(128)).hasMessageContaining("blocks of 256");
    }
}
