package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.prepare.pii.AnonymizerConfig.Mode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnonymizerTest {
    private static final String SECRET = "a-test-secret-of-32-characters!!";
    private static final List<LabelledText> CORPUS = PiiCorpus.generate(3, 50);

    private static Anonymizer anonymizer(Mode mode, String secret) {
        return new Anonymizer(new AnonymizerConfig(mode, secret, null, List.of()));
    }

    @Test
    void placeholdersReplaceTypedValuesAndCount() {
        Anonymizer.Result r = new Anonymizer(AnonymizerConfig.placeholders())
                .anonymize("CPF 529.982.247-25, mail ana.lopez@correo.es, IBAN ES91 2100 0418 4502 0005 1332");
        assertThat(r.text()).isEqualTo("CPF <CPF>, mail <EMAIL>, IBAN <IBAN>");
        assertThat(r.counts())
                .containsEntry(PiiType.CPF, 1)
                .containsEntry(PiiType.EMAIL, 1)
                .containsEntry(PiiType.IBAN, 1);
        assertThat(r.toString()).doesNotContain("529.982.247-25");
    }

    @Test
    void noGoldValueSurvivesPlaceholderMode() {
        Anonymizer a = new Anonymizer(AnonymizerConfig.placeholders());
        for (LabelledText t : CORPUS) {
            String out = a.anonymize(t.text()).text();
            for (PiiMatch g : t.gold()) {
                if (g.type() == PiiType.PERSON) continue; // names outside the gazetteer can be missed; see the report
                assertThat(out)
                        .as(g.type() + " in " + out)
                        .doesNotContain(t.text().substring(g.start(), g.end()));
            }
        }
    }

    @Test
    void pseudonymsAreConsistentKeyedAndValid() {
        Anonymizer one = anonymizer(Mode.PSEUDONYM, SECRET), again = anonymizer(Mode.PSEUDONYM, SECRET);
        Anonymizer other = anonymizer(Mode.PSEUDONYM, "another-secret-of-32-characters!");
        String text = "CPF 529.982.247-25 y correo ana.lopez@correo.es desde 192.168.4.20";
        String a = one.anonymize(text).text();
        assertThat(a)
                .isEqualTo(again.anonymize(text).text())
                .isNotEqualTo(other.anonymize(text).text());
        assertThat(a).doesNotContain("529.982.247-25", "ana.lopez@correo.es", "192.168.4.20");
        // the fake CPF keeps the layout and validates; the fake IP is private; the fake e-mail uses an example domain
        assertThat(a)
                .matches(
                        "CPF \\d{3}\\.\\d{3}\\.\\d{3}-\\d{2} y correo [a-z]+\\.[a-z0-9]{4}@(ejemplo\\.com|example\\.com|exemplo\\.com\\.br) desde 10\\.\\d+\\.\\d+\\.\\d+");
        assertThat(CheckDigits.isCpf(CheckDigits.compact(a.substring(4, 18)))).isTrue();
        // the same value in another text maps to the same fake
        assertThat(one.anonymize("otro: 529.982.247-25").text()).isEqualTo("otro: " + a.substring(4, 18));
    }

    @Test
    void checksummedPseudonymsValidate() {
        Anonymizer p = anonymizer(Mode.PSEUDONYM, SECRET), detector = new Anonymizer(AnonymizerConfig.placeholders());
        for (LabelledText t : CORPUS) {
            if (t.gold().isEmpty()) continue;
            PiiType type = t.gold().get(t.gold().size() - 1).type();
            if (!type.checksummed()) continue;
            String fake = p.anonymize(t.text()).text();
            assertThat(detector.detect(fake))
                    .as(fake)
                    .extracting(PiiMatch::type)
                    .contains(type);
        }
    }

    @Test
    void redactHidesTypeAndLength() {
        assertThat(anonymizer(Mode.REDACT, null).anonymize("SSN 123-45-6789 ok").text())
                .isEqualTo("SSN [REDACTED] ok");
    }

    @Test
    void overlapsPreferPriorityThenLength() {
        Anonymizer a = new Anonymizer(AnonymizerConfig.placeholders());
        assertThat(a.anonymize("postgres://svc:S3cr3tPass@db.example.com/app").text())
                .isEqualTo("postgres://<URL_CREDENTIALS>@db.example.com/app");
        assertThat(a.anonymize("GB82 WEST 1234 5698 7654 32").text()).isEqualTo("<IBAN>");
        assertThat(a.anonymize("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz")
                        .text())
                .isEqualTo("token=<JWT>");
    }

    @Test
    void customRulesComeFromYamlAndWinOverlaps() {
        List<CustomRule> rules = CustomRule.fromYaml(
                List.of(
                        Map.of("name", "employee_id", "pattern", "EMP-\\d{6}"),
                        Map.of("name", "badge", "pattern", "badge=(?<v>\\d{4})", "placeholder", "<BADGE>")),
                "test.yaml");
        Anonymizer a = new Anonymizer(new AnonymizerConfig(Mode.PLACEHOLDER, null, null, rules));
        Anonymizer.Result r = a.anonymize("EMP-123456 entered with badge=4821");
        assertThat(r.text()).isEqualTo("<EMPLOYEE_ID> entered with badge=<BADGE>");
        assertThat(r.customCounts()).containsEntry("employee_id", 1).containsEntry("badge", 1);
    }

    @Test
    void badConfigurationSaysWhatToDo() {
        assertThatThrownBy(() -> CustomRule.fromYaml(List.of(Map.of("name", "x", "pattern", "(unclosed")), "r.yaml"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("does not compile");
        assertThatThrownBy(() -> CustomRule.fromYaml(List.of(Map.of("name", "x", "regex", "a")), "r.yaml"))
                .hasMessageContaining("unknown key 'regex'");
        assertThatThrownBy(() -> new CustomRule("x", "a*", null)).hasMessageContaining("empty string");
        assertThatThrownBy(() -> new AnonymizerConfig(Mode.PSEUDONYM, "short", null, null))
                .hasMessageContaining("secret");
        assertThat(new AnonymizerConfig(Mode.PSEUDONYM, SECRET, null, null).toString())
                .doesNotContain(SECRET);
    }

    @Test
    void typesCanBeSwitchedOff() {
        Anonymizer onlyEmail =
                new Anonymizer(new AnonymizerConfig(Mode.PLACEHOLDER, null, Set.of(PiiType.EMAIL), null));
        assertThat(onlyEmail.anonymize("a@b.com CPF 529.982.247-25").text()).isEqualTo("<EMAIL> CPF 529.982.247-25");
    }

    @Test
    void personNamesUseTheGazetteerNotCapitals() {
        Anonymizer a = new Anonymizer(AnonymizerConfig.placeholders());
        assertThat(a.anonymize("Atendió María José Pérez y luego João da Silva; el Sr. García firmó.")
                        .text())
                .isEqualTo("Atendió <PERSON> y luego <PERSON>; el Sr. <PERSON> firmó.");
        String places = "Visitamos Santa María, la Calle Carmen y Costa Rica con el Banco Santander.";
        assertThat(a.anonymize(places).text()).isEqualTo(places);
    }
}
