package dev.forja.prepare.pii;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Credentials: AWS access key ids, PEM private key blocks, JSON Web Tokens, the values of {@code password=},
 * {@code token:}, {@code Bearer …} and their Spanish and Portuguese spellings in logs, configs and URLs, and
 * generic API keys recognised by a vendor prefix or by looking random (high entropy, mixed character classes).
 */
final class SecretRules {
    private SecretRules() {}

    private static final String AWS =
            "(?<![A-Za-z0-9])(?<v>(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16})"
                    + "(?![A-Za-z0-9])";
    private static final String PRIVATE_KEY = "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            + "(?:[\\s\\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\\s:\\-,]*)";
    private static final String JWT =
            "(?<![\\w\\-])(?<v>eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,})" + "(?![\\w\\-])";
    private static final String KEYS = "password|passwd|pwd|pass|secret|client_secret|secret_key|token|access_token"
            + "|refresh_token|auth_token|api_key|apikey|api-key|private_key|contraseña|contrasena|senha|clave";
    private static final String ASSIGNMENT =
            "(?i)(?<![a-z0-9])(?:" + KEYS + ")[\"']?\\s*(?<sep>[=:])\\s*[\"']?" + "(?<v>[^\\s\"'&,;<>]{3,200})";
    private static final String BEARER = "(?i)\\bbearer\\s+(?<v>[A-Za-z0-9._~+/\\-]{8,}=*)";

    private static final Set<String> NOT_SECRETS =
            Set.of("null", "none", "true", "false", "empty", "undefined", "redacted", "hidden", "required", "masked");
    private static final List<String> VENDOR_PREFIXES = List.of(
            "sk-",
            "sk_live_",
            "sk_test_",
            "pk_live_",
            "rk_live_",
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "github_pat_",
            "glpat-",
            "xoxb-",
            "xoxp-",
            "AIza",
            "hf_");

    static List<PiiRule> all() {
        return List.of(
                new PatternRule(
                        PiiType.AWS_KEY,
                        AWS,
                        PatternRule.Accept.ALWAYS,
                        "AKIA",
                        "ASIA",
                        "AIDA",
                        "AROA",
                        "AGPA",
                        "ANPA",
                        "ANVA",
                        "AIPA",
                        "ABIA",
                        "ACCA"),
                new PatternRule(PiiType.PRIVATE_KEY, PRIVATE_KEY, PatternRule.Accept.ALWAYS, "PRIVATE KEY"),
                new PatternRule(PiiType.JWT, JWT, PatternRule.Accept.ALWAYS, "eyJ"),
                new PatternRule(
                                PiiType.SECRET_ASSIGNMENT,
                                ASSIGNMENT,
                                SecretRules::realValue,
                                "pass",
                                "pwd",
                                "secret",
                                "token",
                                "key",
                                "senha",
                                "clave",
                                "contrase")
                        .needlesIgnoreCase(),
                new PatternRule(PiiType.SECRET_ASSIGNMENT, BEARER, PatternRule.Accept.ALWAYS, "bearer")
                        .needlesIgnoreCase(),
                new ApiKeyRule());
    }

    /**
     * Skips placeholders ({@code ****}, {@code ${DB_PASS}}, {@code <token>}, "null"). After a colon, which prose
     * uses too ("contraseña: debe tener…"), the value must also hold a digit or symbol and be 6 characters or more.
     */
    private static boolean realValue(String text, int start, int end) {
        String v = text.substring(start, end);
        if (v.startsWith("${") || v.startsWith("{{") || v.startsWith("%") || v.startsWith("$(")) return false;
        if (NOT_SECRETS.contains(v.toLowerCase(Locale.ROOT))
                || v.chars().allMatch(c -> c == '*' || c == 'x' || c == 'X')) return false;
        int sep = start - 1;
        while (sep > 0 && (text.charAt(sep) == ' ' || text.charAt(sep) == '"' || text.charAt(sep) == '\'')) sep--;
        if (text.charAt(sep) == '=') return true;
        return v.length() >= 6 && v.chars().anyMatch(c -> !Character.isLetter(c));
    }

    /**
     * A vendor prefix, or: digits, upper and lower case, a character class change on at least 40% of positions
     * (random base-62 changes on ~60%, camelCase identifiers only at word starts, ~30%), and Shannon entropy
     * ≥ 3 bits/char.
     */
    static boolean looksLikeKey(String text, int start, int end) {
        for (String p : VENDOR_PREFIXES) if (text.startsWith(p, start) && end - start >= p.length() + 16) return true;
        int digits = 0, upper = 0, lower = 0, changes = 0, previous = -1;
        int[] counts = new int[128];
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            int cls = c >= '0' && c <= '9' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= 'a' && c <= 'z' ? 2 : 3;
            if (cls == 0) digits++;
            else if (cls == 1) upper++;
            else if (cls == 2) lower++;
            if (previous >= 0 && cls != previous) changes++;
            previous = cls;
            counts[c & 127]++;
        }
        int n = end - start;
        if (digits == 0 || upper == 0 || lower == 0 || changes < 0.4 * n) return false;
        double entropy = 0;
        for (int c : counts) {
            if (c == 0) continue;
            double p = (double) c / n;
            entropy -= p * Math.log(p) / Math.log(2);
        }
        return entropy >= 3.0;
    }
}
