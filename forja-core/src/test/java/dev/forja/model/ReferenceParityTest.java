package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.generate.Scorer;
import dev.forja.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with an independent PyTorch implementation of each architecture (tools/reference_logprobs.py, which follows
 * transformers' modeling code): the fixture holds its fp32 log-probabilities for a tiny model made with seed 11;
 * forja must agree within 1e-5. Regenerate with tools/make_parity_fixtures.sh.
 */
class ReferenceParityTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void logprobsMatchThePyTorchReference(String arch) throws Exception {
        JsonNode fixture = Json.read(Path.of("src/test/resources/parity/" + arch + ".json"));
        ModelConfig config = Presets.of(arch, "tiny", 259, 256, 256);
        Map<String, Tensor> params =
                ModelInitializer.initialize(config, fixture.get("seed").asLong());
        ModelWriter.write(tmp, config, params, GenerationDefaults.of(config), ScalarType.Float);
        assertThat(sha256(tmp.resolve("model.safetensors")))
                .as("the seeded weights differ from the fixture's (did libtorch's RNG change?); "
                        + "regenerate with tools/make_parity_fixtures.sh")
                .isEqualTo(fixture.get("model_safetensors_sha256").asText());

        long[] ids = new long[fixture.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = fixture.get("ids").get(i).asLong();
        CausalLM loaded = ModelLoader.load(tmp, ScalarType.Float);
        double[] forja = new Scorer(loaded).score(ids, false).logprobs();
        JsonNode ref = fixture.get("reference").get("logprobs");
        assertThat(forja).hasSize(ref.size());
        for (int i = 0; i < forja.length; i++) {
            assertThat(forja[i])
                    .as("token %d", i + 1)
                    .isCloseTo(ref.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static String sha256(Path f) throws IOException, java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
