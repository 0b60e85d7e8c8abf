package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VulnReportCorpusTest {
    private static VulnReportCorpus.Splits splits;
    private static List<VulnReportCorpus.Report> all;

    @BeforeAll
    static void generate() {
        splits = VulnReportCorpus.generate(VulnReportCorpus.SEED, VulnReportCorpus.SIZE);
        all = new ArrayList<>(splits.train());
        all.addAll(splits.val());
    }

    @Test
    void committedFilesAreTheGeneratorsOutput() throws IOException {
        Path dir = repositoryRoot().resolve(VulnReportCorpus.DIR);
        String hint = "%s is stale; regenerate it with: java -cp forja-samples/target/classes:<jackson> "
                + "dev.forja.samples.VulnReportCorpus";
        assertThat(VulnReportCorpus.toJsonl(splits.train()))
                .as(hint, dir)
                .isEqualTo(Files.readString(dir.resolve("train.jsonl"), StandardCharsets.UTF_8));
        assertThat(VulnReportCorpus.toJsonl(splits.val()))
                .as(hint, dir)
                .isEqualTo(Files.readString(dir.resolve("val.jsonl"), StandardCharsets.UTF_8));
        assertThat(VulnReportCorpus.generate(VulnReportCorpus.SEED, VulnReportCorpus.SIZE))
                .isEqualTo(splits);
    }

    @Test
    void twelveClassesBalancedInBothLanguagesAndSplitEightyTwenty() {
        assertThat(all).hasSize(1500);
        Map<String, Long> perClass =
                all.stream().collect(Collectors.groupingBy(VulnReportCorpus.Report::label, Collectors.counting()));
        assertThat(perClass.keySet()).containsExactlyInAnyOrderElementsOf(VulnReportCorpus.LABELS);
        assertThat(perClass.values()).allMatch(n -> n == 125);
        Map<String, Long> val = splits.val().stream()
                .collect(Collectors.groupingBy(VulnReportCorpus.Report::label, Collectors.counting()));
        assertThat(val.values()).allMatch(n -> n == 25);
        assertThat(all.stream().filter(r -> r.lang().equals("es")).count()).isEqualTo(756); // 63 of each 125
        assertThat(all.stream().filter(r -> r.lang().equals("es")))
                .allMatch(r -> r.text().matches(".*(el|la|los|una|un|en) .*"));
    }

    @Test
    void descriptionsVaryAndNoOneKeywordDecidesTheClass() {
        assertThat(new HashSet<>(all.stream().map(VulnReportCorpus.Report::text).toList()))
                .as("distinct descriptions")
                .hasSizeGreaterThan(1450);
        // words of one class's name occur in descriptions of other classes (the asides), and each class is described
        // without its name in some reports
        Map<String, String> names = Map.of("CWE-79", "XSS", "CWE-89", "SQL", "CWE-22", "traversal");
        for (var e : names.entrySet()) {
            Set<String> labelsWithWord = all.stream()
                    .filter(r -> r.text().contains(e.getValue()))
                    .map(VulnReportCorpus.Report::label)
                    .collect(Collectors.toSet());
            assertThat(labelsWithWord).as(e.getValue()).contains(e.getKey()).hasSizeGreaterThan(3);
            assertThat(all)
                    .as("%s described without '%s'", e.getKey(), e.getValue())
                    .anyMatch(r -> r.label().equals(e.getKey()) && !r.text().contains(e.getValue()));
        }
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples"))) p = p.getParent();
        assertThat(p).as("no samples/ directory above the working directory").isNotNull();
        return p;
    }
}
