package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line's own behaviour: usage, unknown commands and options, one error format, help at any depth. */
class MainTest {
    @Test
    void forjaAlonePrintsTheUsageAndExitsWithTheUsageCode() {
        CliRun r = CliRun.of();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: forja", "train", "prepare");
        for (String group : new String[] {"data", "bench", "tokenizer"}) {
            r = CliRun.of(group);
            assertThat(r.exit()).as(group).isEqualTo(2);
            assertThat(r.err()).startsWith("Usage: forja " + group);
        }
    }

    @Test
    void anUnknownCommandNamesTheNearestOne() {
        CliRun r = CliRun.of("trian");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("forja: error: unknown command 'trian'; did you mean train?")
                .doesNotContain("\n");
        r = CliRun.of("data", "inof");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean data info?");
    }

    @Test
    void anUnknownOptionNamesTheNearestOne() {
        CliRun r = CliRun.of("generate", "--max-new-tokes", "3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("forja: error: unknown option '--max-new-tokes'; did you mean " + "--max-new-tokens?")
                .doesNotContain("\n");
    }

    @Test
    void helpReachesSubcommandsAtAnyDepth() {
        CliRun r = CliRun.of("help", "data", "info");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: forja data info");
        r = CliRun.of("help", "dta");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("forja: error: unknown command 'dta'; did you mean data?");
    }

    @Test
    void internalErrorsUseTheSameFormat() {
        // a parse error and a run error: both one line, both "forja: error: "
        assertThat(CliRun.of("init-model", "--seed", "x").err()).startsWith("forja: error: ");
        CliRun r = CliRun.of("data", "info", "/nonexistent/dataset");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("forja: error: ");
    }

    @Test
    void generateSaysWhereItsDecodingDefaultsComeFrom() {
        // init-model's generation_config.json samples; the help must not suggest that generate is greedy by default
        String help = CliRun.of("generate", "--help").out().replaceAll("\\s+", " ");
        assertThat(help)
                .contains("--temperature", "default: the model's generation_config.json, else 0: greedy")
                .contains("without one, or with --temperature 0, it is greedy");
    }
}
