package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.samples.CorpusGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset's report.html as a reader sees it: a title that fits, stages whose differences show. */
class PrepareReportTest {
    @TempDir
    Path tmp;

    @Test
    void theTitleHasAShortHashAndTheStagesAreATableOfWhatEachRemoved() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 40; i++)
            a.append("{\"text\":\"").append(CorpusGenerator.document(r)).append("\"}\n");
        String repeated = "{\"text\":\"" + CorpusGenerator.document(r) + "\"}\n";
        a.append(repeated).append(repeated).append(repeated); // two exact duplicates to remove
        Files.writeString(in.resolve("a.jsonl"), a);
        PreparePipeline.Result result = PreparePipelineTest.prepare(in, tmp.resolve("out"));
        String html = Files.readString(tmp.resolve("out/report.html"));

        String hash = result.contentHash(); // sha256: and 64 hex digits
        String shortHash = hash.substring(0, "sha256:".length() + 12);
        assertThat(html)
                .contains(
                        "<title>forja prepare: dataset " + shortHash + "</title>",
                        "<h1>forja prepare: dataset " + shortHash + "</h1>",
                        "<code class=\"hash\">" + hash + "</code>");
        Matcher h1 = Pattern.compile("<h1>(.*?)</h1>").matcher(html);
        assertThat(h1.find()).isTrue();
        assertThat(h1.group(1)).doesNotContain(hash).hasSizeLessThan(50);

        // 43 read, 2 removed as exact duplicates: the table says so, and no bar chart hides it
        assertThat(html)
                .contains("<tr><th>read</th><td class=\"num\">43</td><td class=\"num\"></td>"
                        + "<td class=\"num\">100.0%</td></tr>");
        assertThat(html)
                .contains("<tr><th>exact_dedup</th><td class=\"num\">41</td><td class=\"num\">−2</td>"
                        + "<td class=\"num\">95.3%</td></tr>");
        assertThat(html)
                .contains("<th>stage</th><th>records</th><th>change</th><th>kept of read</th>")
                .doesNotContain("Records after each stage");
    }
}
