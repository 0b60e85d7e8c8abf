package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.prepare.pii.Anonymizer;
import dev.forja.prepare.pii.AnonymizerConfig;
import dev.forja.prepare.pii.CustomRule;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The PII anonymizer of {@link dev.forja.prepare.pii} as the pipeline's {@link TextAnonymizer}. */
public final class PiiTextAnonymizer implements TextAnonymizer {
    /** Environment variable holding the pseudonym secret; it is never written to the dataset or its reports. */
    public static final String SECRET_VARIABLE = "FORJA_PII_SECRET";

    private final Anonymizer anonymizer;

    private PiiTextAnonymizer(Anonymizer anonymizer) {
        this.anonymizer = anonymizer;
    }

    /** An anonymizer for the config's mode and rules; the pseudonym secret comes from {@code secret}. */
    public static PiiTextAnonymizer of(PrepareConfig config, String secret) {
        AnonymizerConfig.Mode mode =
                AnonymizerConfig.Mode.valueOf(config.piiMode().toUpperCase(Locale.ROOT));
        if (mode == AnonymizerConfig.Mode.PSEUDONYM && (secret == null || secret.isBlank())) {
            throw new ForjaException("pii_mode pseudonym needs a secret: export " + SECRET_VARIABLE
                    + "=<16+ random characters> (keep it: the same secret gives the same pseudonyms)");
        }
        var rules = CustomRule.fromYaml(config.piiRules(), "pii_rules");
        AnonymizerConfig base = AnonymizerConfig.placeholders();
        return new PiiTextAnonymizer(new Anonymizer(new AnonymizerConfig(
                mode, mode == AnonymizerConfig.Mode.PSEUDONYM ? secret : null, base.types(), rules)));
    }

    /** The detector {@link #apply} uses, for {@link dev.forja.prepare.pii.PiiEvaluation} on a labelled set. */
    public Anonymizer anonymizer() {
        return anonymizer;
    }

    @Override
    public Anonymized apply(String text) {
        return anonymized(anonymizer.anonymize(text));
    }

    /** Person names found anywhere in the dataset, masked in this line too: one person, one treatment. */
    @Override
    public Anonymized sweep(String line) {
        return anonymized(anonymizer.sweep(line));
    }

    private static Anonymized anonymized(Anonymizer.Result r) {
        Map<String, Integer> counts = new TreeMap<>(); // sorted: report.json stays deterministic
        r.counts().forEach((t, n) -> counts.put(t.name(), n));
        r.customCounts().forEach((name, n) -> counts.merge("CUSTOM:" + name, n, Integer::sum));
        return new Anonymized(r.text(), counts);
    }
}
