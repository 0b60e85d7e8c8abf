package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpRequestCorpusTest {

    private static List<HttpRequestCorpus.Example> corpus;

    @BeforeAll
    static void generate() {
        corpus = HttpRequestCorpus.generate(HttpRequestCorpus.SEED, HttpRequestCorpus.SIZE);
    }

    @Test
    void committedFileIsTheGeneratorsOutput() throws IOException {
        Path file = repositoryRoot().resolve(HttpRequestCorpus.FILE);
        String committed = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(HttpRequestCorpus.toJsonl(corpus))
                .as(
                        "%s is stale; regenerate it with: java -cp forja-core/target/classes:<deps> "
                                + "dev.forja.samples.HttpRequestCorpus",
                        file)
                .isEqualTo(committed);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        assertThat(HttpRequestCorpus.generate(HttpRequestCorpus.SEED, HttpRequestCorpus.SIZE))
                .isEqualTo(corpus);
        assertThat(HttpRequestCorpus.generate(HttpRequestCorpus.SEED + 1, 200)).isNotEqualTo(corpus.subList(0, 200));
    }

    @Test
    void labelsAreBalancedAsDocumented() {
        Map<String, Long> counts =
                corpus.stream().collect(Collectors.groupingBy(HttpRequestCorpus.Example::label, Collectors.counting()));
        assertThat(corpus).hasSize(3000);
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(HttpRequestCorpus.LABELS);
        assertThat(counts.get("benigno")).isBetween(1140L, 1260L); // 40% ± 2 points
        for (String attack : HttpRequestCorpus.LABELS.subList(1, 5)) {
            assertThat(counts.get(attack)).isBetween(420L, 480L); // 15% ± 1 point
        }
    }

    @Test
    void aboutThreePercentAreDuplicates() {
        Set<String> seen = new HashSet<>();
        int exact = 0;
        for (var e : corpus) if (!seen.add(e.text())) exact++;
        // 45 injected exact copies, plus a few natural repeats (bare static paths such as /robots.txt).
        assertThat(exact).isBetween(45, 120);
        long trailingSpace = corpus.stream().filter(e -> e.text().endsWith(" ")).count();
        assertThat(trailingSpace).as("near duplicates").isPositive();
    }

    @Test
    void somePiiIsPresentForTheAnonymiser() {
        Pattern email = Pattern.compile("[a-z0-9._]+(@|%40)[a-z]+\\.[a-z.]+");
        Pattern rut = Pattern.compile("\\b(\\d{1,2}\\.?\\d{3}\\.?\\d{3})-([0-9K])\\b");
        Pattern curp = Pattern.compile("\\b[A-Z]{4}\\d{6}[HM][A-Z]{5}[0-9A-Z]\\d\\b");
        int emails = 0, ruts = 0, validRuts = 0, curps = 0;
        for (var e : corpus) {
            String t = e.text();
            if (email.matcher(t).find()) emails++;
            if (curp.matcher(t).find()) curps++;
            Matcher m = rut.matcher(t);
            if (m.find()) {
                ruts++;
                int body = Integer.parseInt(m.group(1).replace(".", ""));
                if (SyntheticPii.rutCheckDigit(body) == m.group(2).charAt(0)) validRuts++;
            }
        }
        assertThat(emails).isGreaterThan(100);
        assertThat(curps).isGreaterThan(30);
        assertThat(ruts).isGreaterThan(100);
        assertThat(validRuts).isEqualTo(ruts);
    }

    @Test
    void benignTrafficContainsHardNegatives() {
        long hard = corpus.stream()
                .filter(e -> e.label().equals("benigno"))
                .map(e -> e.text().toLowerCase(Locale.ROOT))
                .filter(t -> t.contains("select")
                        || t.contains("script")
                        || t.contains("union")
                        || t.contains("o'higgins")
                        || t.contains("o%27higgins")
                        || t.contains("etc")
                        || t.contains("ping")
                        || t.contains("cat"))
                .count();
        assertThat(hard).isGreaterThan(50);
    }

    @Test
    void noSingleTokenDecidesAClass() {
        // For every class, no token is in ≥ 90% of its records while in ≤ 10% of the others' records.
        Map<String, List<Set<String>>> byLabel = new HashMap<>();
        Pattern token = Pattern.compile("[a-z0-9]+|[^a-z0-9\\s]");
        for (var e : corpus) {
            Set<String> tokens = new HashSet<>();
            Matcher m = token.matcher(e.text().toLowerCase(Locale.ROOT));
            while (m.find()) tokens.add(m.group());
            byLabel.computeIfAbsent(e.label(), k -> new java.util.ArrayList<>()).add(tokens);
        }
        for (String label : HttpRequestCorpus.LABELS) {
            Map<String, Integer> inClass = new HashMap<>();
            Map<String, Integer> outClass = new HashMap<>();
            int outSize = 0;
            for (var entry : byLabel.entrySet()) {
                Map<String, Integer> target = entry.getKey().equals(label) ? inClass : outClass;
                if (!entry.getKey().equals(label)) outSize += entry.getValue().size();
                for (Set<String> s : entry.getValue()) for (String t : s) target.merge(t, 1, Integer::sum);
            }
            int inSize = byLabel.get(label).size();
            for (var t : inClass.entrySet()) {
                boolean decisive =
                        t.getValue() >= 0.9 * inSize && outClass.getOrDefault(t.getKey(), 0) <= 0.1 * outSize;
                assertThat(decisive)
                        .as("token '%s' decides %s", t.getKey(), label)
                        .isFalse();
            }
        }
    }

    @Test
    void textsAreSingleRecordsOfReasonableLength() {
        for (var e : corpus) {
            assertThat(e.text()).isNotBlank();
            assertThat(e.text().length()).isLessThan(700);
        }
    }

    /** The directory holding {@code samples/}: the module's parent when Maven runs tests from forja-core. */
    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples"))) p = p.getParent();
        assertThat(p).as("no samples/ directory above the working directory").isNotNull();
        return p;
    }
}
