package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The console summary of the training data says "1 sample", not "1 samples". */
class DataReportTest {
    @Test
    void oneOfAThingIsSingular() {
        String one = new DataReport(1, 1, 1, 16, 0, List.of(), 1, 1).summary();
        assertThat(one)
                .contains(
                        "data: 1 sample read, 1 bad line skipped",
                        "data: 1 sample truncated to 16 tokens",
                        "keep it whole",
                        "data: 1 sample, 1 token, 1 trained")
                .doesNotContain("1 samples", "1 tokens");
        String many = new DataReport(2, 0, 0, 16, 1, List.of(new Source("d.jsonl", 3)), 1200, 600).summary();
        assertThat(many)
                .contains(
                        "data: 2 samples read",
                        "1 sample has no tokens to train on and is left out " + "(d.jsonl:3)",
                        "data: 1 sample, 1,200 tokens, 600 trained (50.0%)");
    }
}
