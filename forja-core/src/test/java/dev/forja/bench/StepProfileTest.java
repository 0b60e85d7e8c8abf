package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepProfileTest {
    private static final long MS = 1_000_000;

    @Test
    void rowsPartitionTheStepAndTheRestIsOther() {
        StepProfile p = new StepProfile();
        p.span("ignored", "before", 0, MS); // not recording yet
        for (int step = 0; step < 2; step++) {
            long t = 1000 * MS + step * 100 * MS;
            p.beginStep(t);
            p.span("block 0", null, t, t + 50 * MS); // a group: no row of its own
            p.span("attention", "attention", t + 10 * MS, t + 30 * MS);
            p.time("rest", 5 * MS);
            p.span("optimizer", "optimizer", t + 60 * MS, t + 90 * MS);
            p.endStep(t + 100 * MS);
        }
        assertThat(p.recording()).isFalse();
        assertThat(p.meanMillis())
                .containsExactly(
                        java.util.Map.entry("attention", 20.0),
                        java.util.Map.entry("rest", 5.0),
                        java.util.Map.entry("optimizer", 30.0),
                        java.util.Map.entry(StepProfile.OTHER, 45.0));
    }

    @Test
    void theTraceIsChromeTraceEventsInMicrosecondsFromTheFirstStep(@TempDir Path tmp) {
        StepProfile p = new StepProfile();
        p.beginStep(7 * MS);
        p.span("attention", "attention", 8 * MS, 10 * MS);
        p.endStep(12 * MS);
        Path file = tmp.resolve("trace.json");
        p.writeTrace(file);
        JsonNode events = Json.read(file).get("traceEvents");
        assertThat(events).hasSize(2);
        JsonNode a = events.get(0);
        assertThat(a.get("name").asText()).isEqualTo("attention");
        assertThat(a.get("ph").asText()).isEqualTo("X");
        assertThat(a.get("ts").asDouble()).isEqualTo(1000.0);
        assertThat(a.get("dur").asDouble()).isEqualTo(2000.0);
        assertThat(a.has("pid") && a.has("tid")).isTrue();
        assertThat(events.get(1).get("name").asText()).isEqualTo("step 0");
        assertThat(events.get(1).get("dur").asDouble()).isEqualTo(5000.0);
    }
}
