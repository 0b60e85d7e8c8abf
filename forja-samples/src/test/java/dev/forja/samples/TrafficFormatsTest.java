package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficFormatsTest {

    @Test
    void theJsonLogLineKeepsBackslashesQuotesAndNewlinesOfTheRequest() throws Exception {
        String target = "/buscar?q=C:\\windows\\win.ini\"";
        String body = "{\"nota\":\"línea uno\nlínea dos\ttab \\ fin\"}";
        var req = new TrafficFormats.Request("POST", target, body, true, "curl/8.4.0", "id=\"a\\b\"", "");
        int jsonLines = 0;
        for (int seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed);
            String line = new TrafficFormats(rnd, new SyntheticPii(rnd)).render(req, true, false, 200);
            if (!line.startsWith("{\"ts\"")) continue;
            jsonLines++;
            assertThat(line).doesNotContain("\n");
            JsonNode n = SampleJson.mapper().readTree(line);
            assertThat(n.get("uri").asText()).isEqualTo(target);
            assertThat(n.get("cuerpo").asText()).isEqualTo(body);
            assertThat(n.get("cookie").asText()).isEqualTo("id=\"a\\b\"");
            assertThat(n.get("estado").asInt()).isEqualTo(200);
        }
        assertThat(jsonLines).as("some seeds render the JSON form").isGreaterThan(10);
    }
}
