package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {
    @TempDir
    Path tmp;

    /** {@code forja prepare --input in --output out}, then {@code more}. */
    private static CliRun prepare(Path in, Path out, String... more) {
        return CliRun.of(List.of("prepare", "--input", in.toString(), "--output", out.toString()), more);
    }

    @Test
    void prepareFromARecipeThenDataInfoAndDiffNameTheChangedSource() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.txt"), "Primer párrafo con ñ y ç.\n\nSecond paragraph in English here.\n");
        Files.writeString(in.resolve("skip.md"), "no me incluyas\n");
        Path recipe = tmp.resolve("r.yaml");
        Files.writeString(recipe, "val_fraction: 0.5  # half and half\ninclude: ['*.txt']\n");
        CliRun one = prepare(in, tmp.resolve("v1"), "--recipe", recipe.toString(), "--seed", "1");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out().strip()).startsWith("sha256:");
        assertThat(tmp.resolve("v1/report.html")).exists();
        assertThat(Files.readString(tmp.resolve("v1/manifest.json")))
                .contains("\"val_fraction\" : 0.5")
                .doesNotContain("skip.md");

        Files.writeString(in.resolve("a.txt"), "Primer párrafo cambiado.\n");
        assertThat(prepare(in, tmp.resolve("v2"), "--recipe", recipe.toString()).exit())
                .isZero();
        CliRun info = CliRun.of("data", "info", tmp.resolve("v2").toString());
        assertThat(info.exit()).isZero();
        assertThat(info.out()).contains("content hash sha256:").contains("in/a.txt");
        CliRun diff = CliRun.of(
                "data", "diff", tmp.resolve("v1").toString(), tmp.resolve("v2").toString());
        assertThat(diff.out()).contains("source changed: in/a.txt").contains("parameter seed: 1 -> 42");
    }

    @Test
    void oneBigClusterOfNearDuplicatesLeavesOneSideEmptyAndSaysSo() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("logs"));
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            log.append("10.1.0.7 - - \"GET /api/v1/items/")
                    .append(1000 + i * 7919 % 9000)
                    .append(" HTTP/1.1\" 200 512 "
                            + "\"https://intranet.example.com/dashboard/items/list\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
                            + " load test client with a long constant tail\"\n");
        }
        Files.writeString(in.resolve("access.log"), log);
        CliRun r = prepare(in, tmp.resolve("ds"));
        assertThat(r.exit()).as(r.err()).isZero();
        String train = Files.readString(tmp.resolve("ds/train.jsonl")),
                val = Files.readString(tmp.resolve("ds/val.jsonl"));
        assertThat(train.isEmpty() || val.isEmpty())
                .as("one cluster: one side only")
                .isTrue();
        assertThat(train + val).isNotEmpty();
        assertThat(r.err())
                .contains((train.isEmpty() ? "train" : "val") + ".jsonl is empty")
                .contains("--val-data");
    }

    @Test
    void badInputUnderFatalFailsWithFileAndLineAndWritesNothing() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("x.jsonl"), "{\"text\":\"hola\"}\n{oops\n");
        CliRun run = prepare(in, tmp.resolve("out"), "--on-error", "fatal");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("in/x.jsonl:2: not JSON");
        assertThat(tmp.resolve("out")).doesNotExist();
        CliRun skip = prepare(in, tmp.resolve("out"));
        assertThat(skip.exit()).isZero();
        assertThat(skip.err()).contains("skipped: in/x.jsonl:2");
    }

    @Test
    void benchPrepareReportsThroughputAndPeakRssAsAJsonLine() {
        CliRun run = CliRun.of("bench", "prepare", "--size-mb", "2", "--heap", "256m");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().strip()).startsWith("{").contains("\"mb_per_s\"").contains("\"peak_rss_mb\"");
        assertThat(run.err()).contains("MB/s").contains("peak RSS");
    }

    @Test
    void trainsFlagNamesWorkHereToo() throws Exception {
        // --config and --skip-bad-lines, as forja train spells them, beside --recipe and --on-error
        Path in = Files.createDirectories(tmp.resolve("names-in"));
        Files.writeString(in.resolve("x.jsonl"), "{\"text\":\"hola\"}\n{oops\n");
        Path recipe = tmp.resolve("names.yaml");
        Files.writeString(recipe, "val_fraction: 0.5\n");
        CliRun run = prepare(in, tmp.resolve("names-out"), "--config", recipe.toString(), "--skip-bad-lines=false");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("x.jsonl:2: not JSON");
        CliRun both = prepare(in, tmp.resolve("names-out"), "--skip-bad-lines", "--on-error", "skip");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).startsWith("forja: error: --skip-bad-lines and --on-error say the same");
    }

    @Test
    void theSummaryIsReadableLinesInTheRightNumber() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("one-each"));
        Files.writeString(
                in.resolve("x.jsonl"),
                "{\"text\":\"hola mundo, esto es uno\"}\n" + "{\"text\":\"otra cosa distinta del todo\"}\n");
        CliRun run = prepare(in, tmp.resolve("one-each-out"), "val_fraction=0.5");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("1 record for training, 1 for validation")
                .containsPattern("(?m)^  read +2$")
                .doesNotContain("{read=", "1 records");
        CliRun info = CliRun.of("data", "info", tmp.resolve("one-each-out").toString());
        assertThat(info.out()).contains("1 source:", "train.jsonl: 1 record,").doesNotContain("1 sources", "1 records");
    }

    @Test
    void evaluatePiiScoresTheRecipesAnonymizerOnALabelledSetWithoutPreparing() throws Exception {
        Path set = tmp.resolve("set.jsonl");
        Files.writeString(set, """
                {"id":"es-1","lang":"es","text":"Escrito por Ana <ana@example.org>.","spans":[{"type":"PERSON","start":12,"end":15},{"type":"EMAIL","start":17,"end":32}]}
                {"id":"en-1","lang":"en","text":"Ticket TKT-123456, mail bob@example.org","spans":[{"type":"CUSTOM","start":7,"end":17},{"type":"EMAIL","start":24,"end":39}]}
                {"id":"en-2","lang":"en","text":"GNU and Linux run on POSIX systems.","spans":[]}
                """);
        CliRun plain = CliRun.of("prepare", "--evaluate-pii", set.toString());
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out())
                .contains("PII evaluation on " + set + ": 3 texts (es 1, en 2)")
                .containsPattern("(?m)^EMAIL +2 +2 +2 +0 +0 +1.000 +1.000$")
                .containsPattern("(?m)^CUSTOM +1 +0 +0 +0 +1 +1.000 +0.000$")
                .contains("texts without PII left verbatim: 1 of 1 (1.000)")
                .contains("PERSON by language")
                .containsPattern("(?m)^lang +gold +found")
                .containsPattern("(?m)^es +1 ")
                .containsPattern("(?m)^en +0 ");

        // The recipe's own rules take part, as they would in forja prepare; pseudonym mode needs no secret here.
        Path recipe = tmp.resolve("r.yaml");
        Files.writeString(
                recipe,
                "pii_mode: pseudonym\npii_rules:\n  - {name: TICKET, pattern: 'TKT-[0-9]{6}', placeholder: '<T>'}\n");
        CliRun withRules = CliRun.of("prepare", "--recipe", recipe.toString(), "--evaluate-pii", set.toString());
        assertThat(withRules.exit()).as(withRules.err()).isZero();
        assertThat(withRules.out()).containsPattern("(?m)^CUSTOM +1 +1 +1 +0 +0 +1.000 +1.000$");
        try (var files = Files.list(tmp)) {
            assertThat(files).as("nothing prepared").containsExactlyInAnyOrder(set, recipe);
        }

        Files.writeString(set, "{\"text\":\"Ana\",\"spans\":[]}\n{\"text\":\"Ana\",\"spans\":[{\"type\":\"NAME\"}]}\n");
        CliRun bad = CliRun.of("prepare", "--evaluate-pii", set.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("forja: error: " + set + ":2: span 1 is not {\"type\":NAME");
    }
}
