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
    void fifteenClassesBalancedInBothLanguagesAndSplitEightyTwenty() {
        assertThat(all).hasSize(1500);
        Map<String, Long> perClass =
                all.stream().collect(Collectors.groupingBy(VulnReportCorpus.Report::label, Collectors.counting()));
        assertThat(perClass.keySet()).containsExactlyInAnyOrderElementsOf(VulnReportCorpus.LABELS);
        assertThat(perClass.values()).allMatch(n -> n == 100);
        Map<String, Long> val = splits.val().stream()
                .collect(Collectors.groupingBy(VulnReportCorpus.Report::label, Collectors.counting()));
        assertThat(val.values()).allMatch(n -> n == 20);
        assertThat(all.stream().filter(r -> r.lang().equals("es")).count()).isEqualTo(750);
        assertThat(splits.val().stream().filter(r -> r.lang().equals("es")).count())
                .isEqualTo(150);
        assertThat(all.stream().filter(r -> r.lang().equals("es")))
                .allMatch(r -> r.text().matches(".*(el|la|los|una|un|en) .*"));
    }

    @Test
    void validationSharesNoFramePhrasingOrNameWithTraining() {
        Set<String> trainFrames = splits.train().stream().map(r -> frame(r)).collect(Collectors.toSet());
        Set<String> trainPhrasings =
                splits.train().stream().map(r -> phrasing(r)).collect(Collectors.toSet());
        assertThat(trainFrames).hasSize(4);
        assertThat(trainPhrasings).hasSize(VulnReportCorpus.LABELS.size() * 4);
        for (VulnReportCorpus.Report r : splits.val()) {
            assertThat(trainFrames).as("frame of %s", r.text()).doesNotContain(frame(r));
            assertThat(trainPhrasings).as("phrasing of %s", r.text()).doesNotContain(phrasing(r));
        }
        // every held-out frame and phrasing is used
        assertThat(splits.val().stream().map(r -> frame(r)).distinct()).hasSize(2);
        assertThat(splits.val().stream().map(r -> phrasing(r)).distinct()).hasSize(VulnReportCorpus.LABELS.size() * 2);
        // vendors, products, components and parameters of training never occur in validation, and the reverse
        List<String> trainNames = names(VulnReportCorpus.TRAIN_WORDS);
        List<String> valNames = names(VulnReportCorpus.VAL_WORDS);
        assertThat(trainNames).doesNotContainAnyElementsOf(valNames);
        for (VulnReportCorpus.Report r : splits.val()) {
            assertThat(trainNames).noneMatch(n -> r.text().contains(n));
        }
        for (VulnReportCorpus.Report r : splits.train()) {
            assertThat(valNames).noneMatch(n -> r.text().contains(n));
        }
    }

    @Test
    void descriptionsVaryAndNoOneKeywordDecidesTheClass() {
        assertThat(new HashSet<>(all.stream().map(VulnReportCorpus.Report::text).toList()))
                .as("distinct descriptions")
                .hasSizeGreaterThan(1450);
        // words of one class's name occur in descriptions of other classes (the asides, the near neighbours), and
        // each class is described without its name in some reports
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

    private static String frame(VulnReportCorpus.Report r) {
        return r.template().substring(0, r.template().indexOf('.'));
    }

    private static String phrasing(VulnReportCorpus.Report r) {
        return r.label() + " " + r.template().substring(r.template().indexOf('.') + 1);
    }

    /** Every name a split draws from, parameters as they are quoted in a description. */
    private static List<String> names(VulnReportCorpus.Vocabulary v) {
        List<String> out = new ArrayList<>(v.vendors());
        out.addAll(v.products());
        v.components().forEach(c -> {
            out.add(c.en());
            out.add(c.es());
        });
        v.params().forEach(p -> out.add("'" + p + "'"));
        return out;
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples"))) p = p.getParent();
        assertThat(p).as("no samples/ directory above the working directory").isNotNull();
        return p;
    }
}
