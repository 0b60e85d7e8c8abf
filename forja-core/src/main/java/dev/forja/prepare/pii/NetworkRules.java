package dev.forja.prepare.pii;

import java.util.List;
import java.util.Locale;

/**
 * IPv4 and IPv6 addresses, MAC addresses, and the {@code user:password} part of URLs such as
 * {@code https://user:password@host/}. Dotted quads right after "version", "v" or "build" are version numbers.
 */
final class NetworkRules {
    private NetworkRules() {}

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final String IPV4 =
            "(?<![\\p{L}\\p{N}_.])(?<v>" + OCTET + "(?:\\." + OCTET + "){3})(?![\\p{L}\\p{N}_]|\\.\\d)";
    private static final String IPV6 =
            "(?<![\\p{L}\\p{N}_:.])(?<v>(?:[0-9A-Fa-f]{1,4}|(?=::))(?::[0-9A-Fa-f]{0,4}){2,7})"
                    + "(?![\\p{L}\\p{N}_:])";
    private static final String MAC =
            "(?<![\\p{L}\\p{N}_:\\-.])(?<v>[0-9A-Fa-f]{2}([:\\-])[0-9A-Fa-f]{2}(?:\\2[0-9A-Fa-f]{2}){4}"
                    + "|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})(?![\\p{L}\\p{N}_:\\-]|\\.[0-9A-Fa-f])";
    private static final String URL_CREDENTIALS =
            "(?i)\\b[a-z][a-z0-9+.\\-]{1,15}://(?<v>[^\\s:/?#@\"'<>]+:[^\\s/?#@\"'<>]+)@";

    static List<PiiRule> all() {
        return List.of(
                new PatternRule(PiiType.IPV4, IPV4, NetworkRules::notVersion, ".").nearDigits(1, 1),
                new PatternRule(PiiType.IPV6, IPV6, NetworkRules::validIpv6, ":").nearDigits(40, 40),
                new PatternRule(PiiType.MAC, MAC, PatternRule.Accept.ALWAYS, ":", "-", ".").nearDigits(18, 18),
                new PatternRule(PiiType.URL_CREDENTIALS, URL_CREDENTIALS, PatternRule.Accept.ALWAYS, "://"));
    }

    private static boolean notVersion(String text, int start, int end) {
        String before = text.substring(Math.max(0, start - 12), start).toLowerCase(Locale.ROOT);
        return !(before.matches(
                "(?s).*(?:\\b(?:version|versión|versão|ver\\.?|build|release)|(?<![a-z])v)\\s*[:=]?\\s*"));
    }

    /** Eight groups of 1-4 hex digits, or fewer with one {@code ::}; at least two groups unless {@code ::1}. */
    static boolean validIpv6(String text, int start, int end) {
        String s = text.substring(start, end);
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return false;
        if (s.contains(":::")) return false;
        int groups = 0;
        for (String part : s.split(":", -1)) {
            if (part.isEmpty()) continue;
            if (part.length() > 4) return false;
            groups++;
        }
        if (gap < 0) return groups == 8 && !s.startsWith(":") && !s.endsWith(":");
        if (s.startsWith(":") && !s.startsWith("::") || s.endsWith(":") && !s.endsWith("::")) return false;
        return groups <= 7 && (groups >= 2 || s.equals("::1"));
    }
}
