package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.io.gguf.GgufType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Q4_K_M mix, tensor by tensor, against llama.cpp's {@code llama_tensor_get_type} for the same names. */
class GgufTypeMixTest {

    private static GgufTensorSpec spec(String name, long... shape) {
        return new GgufTensorSpec(
                name,
                shape,
                () -> {
                    throw new AssertionError("the mix never reads values");
                },
                GgufNames.keepsF32(name, shape));
    }

    /** A 4-layer Llama-shaped file with rows of 256 (C 256, F 512); {@code head} adds an untied output.weight. */
    private static List<GgufTensorSpec> llama(boolean head, int c) {
        List<GgufTensorSpec> s = new ArrayList<>();
        s.add(spec("token_embd.weight", 1000, c));
        for (int i = 0; i < 4; i++) {
            String b = "blk." + i + ".";
            s.add(spec(b + "attn_norm.weight", c));
            for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) s.add(spec(b + m + ".weight", c, c));
            s.add(spec(b + "ffn_norm.weight", c));
            s.add(spec(b + "ffn_gate.weight", 512, c));
            s.add(spec(b + "ffn_up.weight", 512, c));
            s.add(spec(b + "ffn_down.weight", c, 512));
        }
        s.add(spec("output_norm.weight", c));
        if (head) s.add(spec("output.weight", 1000, c));
        return s;
    }

    @Test
    void q4kmGivesAttnVAndFfnDownOfTheLastHalfAndTheHeadSixBits() {
        List<String> fallbacks = new ArrayList<>();
        Map<String, GgufType> t = GgufTypeMix.of(llama(true, 256), GgufType.Q4_K, fallbacks);

        // use_more_bits(i, 4): i < 0, i >= 3, or (i - 0) % 3 == 2 -> layers 2 and 3
        for (int i = 0; i < 4; i++) {
            GgufType more = i >= 2 ? GgufType.Q6_K : GgufType.Q4_K;
            assertThat(t.get("blk." + i + ".attn_v.weight")).as("attn_v %d", i).isEqualTo(more);
            assertThat(t.get("blk." + i + ".ffn_down.weight"))
                    .as("ffn_down %d", i)
                    .isEqualTo(more);
            for (String m : List.of("attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up")) {
                assertThat(t.get("blk." + i + "." + m + ".weight")).as(m).isEqualTo(GgufType.Q4_K);
            }
            assertThat(t.get("blk." + i + ".attn_norm.weight")).isEqualTo(GgufType.F32);
        }
        assertThat(t.get("output.weight")).isEqualTo(GgufType.Q6_K);
        assertThat(t.get("token_embd.weight")).isEqualTo(GgufType.Q4_K); // untied: an ordinary matrix
        assertThat(t.get("output_norm.weight")).isEqualTo(GgufType.F32);
        assertThat(fallbacks).isEmpty();
        assertThat(GgufExport.fileType(GgufType.Q4_K)).isEqualTo(15); // LLAMA_FTYPE_MOSTLY_Q4_K_M
    }

    @Test
    void aTiedHeadMakesTheTokenEmbeddingTheSixBitTensor() {
        Map<String, GgufType> t = GgufTypeMix.of(llama(false, 256), GgufType.Q4_K, new ArrayList<>());
        assertThat(t.get("token_embd.weight")).isEqualTo(GgufType.Q6_K);
    }

    @Test
    void gpt2sFusedQkvCountsAsAttnVAndThePositionEmbeddingStaysF32() {
        List<GgufTensorSpec> s = new ArrayList<>();
        s.add(spec("token_embd.weight", 1000, 256));
        s.add(spec("position_embd.weight", 512, 256));
        for (int i = 0; i < 12; i++) s.add(spec("blk." + i + ".attn_qkv.weight", 768, 256));
        s.add(spec("output.weight", 1000, 256));
        Map<String, GgufType> t = GgufTypeMix.of(s, GgufType.Q4_K, new ArrayList<>());
        // 12 layers: i < 1, i >= 10, or (i - 1) % 3 == 2 -> 0, 3, 6, 9, 10, 11
        List<Integer> six = List.of(0, 3, 6, 9, 10, 11);
        for (int i = 0; i < 12; i++) {
            assertThat(t.get("blk." + i + ".attn_qkv.weight"))
                    .as("attn_qkv %d", i)
                    .isEqualTo(six.contains(i) ? GgufType.Q6_K : GgufType.Q4_K);
        }
        assertThat(t.get("position_embd.weight")).isEqualTo(GgufType.F32);
        assertThat(t.get("token_embd.weight")).isEqualTo(GgufType.Q4_K);
    }

    @Test
    void rowsThatAreNotMultiplesOf256FallBackAsLlamaCppDoes() {
        // C 96: Q4_K -> Q5_0, Q6_K -> Q8_0, the head (96 % 256 != 0) -> Q8_0
        List<String> fallbacks = new ArrayList<>();
        Map<String, GgufType> t = GgufTypeMix.of(llama(true, 96), GgufType.Q4_K, fallbacks);
        assertThat(t.get("blk.0.attn_q.weight")).isEqualTo(GgufType.Q5_0);
        assertThat(t.get("blk.3.attn_v.weight")).isEqualTo(GgufType.Q8_0);
        assertThat(t.get("blk.0.ffn_down.weight")).isEqualTo(GgufType.Q4_K); // rows of 512
        assertThat(t.get("blk.3.ffn_down.weight")).isEqualTo(GgufType.Q6_K);
        assertThat(t.get("output.weight")).isEqualTo(GgufType.Q8_0);
        assertThat(fallbacks).contains("blk.0.attn_q.weight -> Q5_0", "blk.3.attn_v.weight -> Q8_0");
        assertThat(fallbacks).noneMatch(f -> f.startsWith("output.weight")); // Q8_0 is its rule, not a fallback

        // C 40: fits no block at all -> F16
        Map<String, GgufType> odd = GgufTypeMix.of(llama(true, 40), GgufType.Q4_K, new ArrayList<>());
        assertThat(odd.get("blk.0.attn_q.weight")).isEqualTo(GgufType.F16);
        assertThat(odd.get("output.weight")).isEqualTo(GgufType.F16);
    }

    @Test
    void otherTypesAreTheConvertersOneTypeWithF16ForRowsThatDoNotFit() {
        Map<String, GgufType> t = GgufTypeMix.of(llama(true, 40), GgufType.Q8_0, new ArrayList<>());
        assertThat(t.get("blk.0.attn_v.weight")).isEqualTo(GgufType.F16); // 40 % 32 != 0
        assertThat(t.get("blk.0.ffn_down.weight")).isEqualTo(GgufType.Q8_0); // rows of 512
        assertThat(t.get("blk.0.attn_norm.weight")).isEqualTo(GgufType.F32);
    }
}
