package dev.forja.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic, Spanish-language corpus of HTTP traffic for text classification, written to
 * {@code samples/http-requests-es.jsonl} as {@code {"text": ..., "label": ...}} lines. Labels: {@code benigno},
 * {@code sqli}, {@code xss}, {@code path_traversal}, {@code cmd_injection}.
 *
 * <p>Mix: 40% benign, 15% each attack class; then about 3% of records are repeated, half exactly and half with a
 * small edit (near duplicates), so that deduplication has work; then the whole list is shuffled. About a fifth of the
 * records carry made-up PII (e-mails, phone numbers, RUT/CPF/CURP with valid check digits) besides client IPs, so
 * that anonymisation has work. Hard cases are deliberate: benign searches and forum posts that contain SQL, HTML or
 * shell words, and attacks that hide in the same endpoints, parameters and log formats as ordinary traffic.
 *
 * <p>Everything derives from one seeded {@link Random}: the same seed and size give the same bytes on any JVM.
 */
public final class HttpRequestCorpus {

    public static final List<String> LABELS = List.of("benigno", "sqli", "xss", "path_traversal", "cmd_injection");
    public static final long SEED = 20_240_917L;
    public static final int SIZE = 3000;
    /** Where the committed output lives, relative to the repository root. */
    public static final String FILE = "samples/http-requests-es.jsonl";

    /** One labelled record. */
    public record Example(String text, String label) {}

    private final Random rnd;
    private final SyntheticPii pii;
    private final Encodings enc;
    private final SiteMap site;
    private final AttackPayloads attacks;
    private final TrafficFormats formats;

    private HttpRequestCorpus(long seed) {
        rnd = new Random(seed);
        pii = new SyntheticPii(rnd);
        enc = new Encodings(rnd);
        site = new SiteMap(rnd, pii);
        attacks = new AttackPayloads(rnd, enc);
        formats = new TrafficFormats(rnd, pii);
    }

    /** {@code size} records (including the injected duplicates), shuffled. */
    public static List<Example> generate(long seed, int size) {
        if (size < 100) throw new IllegalArgumentException("size " + size + " is too small; use at least 100");
        HttpRequestCorpus g = new HttpRequestCorpus(seed);
        int duplicates = Math.round(size * 0.03f);
        int unique = size - duplicates;
        List<Example> out = new ArrayList<>(size);
        for (int i = 0; i < unique; i++) {
            // 8 slots of 20: benign 8/20 = 40%, each attack 3/20 = 15%.
            int slot = i % 20;
            String label = slot < 8 ? "benigno" : LABELS.get(1 + (slot - 8) / 3);
            out.add(new Example(g.record(label), label));
        }
        for (int i = 0; i < duplicates; i++) {
            Example src = out.get(g.rnd.nextInt(unique));
            out.add(i % 2 == 0 ? src : new Example(g.nearDuplicate(src.text()), src.label()));
        }
        Collections.shuffle(out, g.rnd);
        return out;
    }

    /** The records as JSON lines, UTF-8 text with a final newline. */
    public static String toJsonl(List<Example> examples) {
        StringBuilder sb = new StringBuilder();
        for (Example e : examples) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("text", e.text());
            m.put("label", e.label());
            sb.append(SampleJson.line(m)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes the default corpus ({@link #SEED}, {@link #SIZE}) to {@code file}. Not atomic: this module stays free of
     * forja-core so that core's tests can use it; the file is a committed one, and git shows an interrupted write.
     */
    public static void write(Path file) throws IOException {
        Files.writeString(file, toJsonl(generate(SEED, SIZE)), StandardCharsets.UTF_8);
    }

    /** Regenerates the committed file: {@code java ... dev.forja.samples.HttpRequestCorpus [output.jsonl]}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : FILE);
        write(out);
        System.out.println("wrote " + SIZE + " records to " + out);
    }

    private String record(String label) {
        boolean attack = !label.equals("benigno");
        if (!attack && rnd.nextInt(100) < 12) {
            var req = new TrafficFormats.Request(
                    "GET", site.staticPath(), "", false, formats.userAgent(false, label), "", "");
            return formats.render(req, false, false, formats.status(false));
        }
        SiteMap.Endpoint e = site.endpoint();
        String path = site.path(e);
        List<String> names = new ArrayList<>(e.params());
        List<String> values = new ArrayList<>();
        for (String n : names) values.add(site.value(n));
        String ua = formats.userAgent(attack, label);
        String cookie = rnd.nextInt(4) == 0 ? "sesion=" + Long.toHexString(rnd.nextLong()) + "; idioma=es-CL" : "";
        String referer = rnd.nextInt(3) == 0 ? "https://www.tienda.cl/es/productos" : "";
        int payloadAt = -1;
        boolean inHeader = false;
        if (attack) {
            String payload = attacks.payload(label);
            int where = rnd.nextInt(100);
            boolean headerCase = label.equals("cmd_injection") && payload.startsWith("() {");
            if (headerCase || (where < 7 && !label.equals("path_traversal"))) {
                if (rnd.nextBoolean() || headerCase) ua = payload;
                else cookie = "sesion=" + Long.toHexString(rnd.nextLong()) + "; pref=" + payload;
                inHeader = true;
            } else if (names.isEmpty() || where < 17) {
                // In the path: a traversal after a static prefix, or an injected id segment.
                path = label.equals("path_traversal")
                        ? site.staticPath().replaceAll("/[^/]*$", "/") + payload
                        : path.replaceAll("/[^/]*$", "/")
                                + (rnd.nextBoolean() ? String.valueOf(1 + rnd.nextInt(999)) : "")
                                + payload;
                path = encodePath(path);
            } else {
                payloadAt = rnd.nextInt(names.size());
                // Attackers usually append to a valid value ("123' OR 1=1"); traversal replaces the file name.
                boolean append = !label.equals("path_traversal") && rnd.nextBoolean();
                values.set(payloadAt, append ? values.get(payloadAt) + payload : payload);
            }
        }
        boolean post = e.method().equals("POST");
        boolean json = post && rnd.nextInt(10) < 3;
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (query.length() > 0) query.append(json ? "," : "&");
            if (json) {
                query.append(SampleJson.line(names.get(i))).append(':').append(SampleJson.line(values.get(i)));
            } else {
                query.append(names.get(i)).append('=').append(enc.queryValue(values.get(i), i == payloadAt));
            }
        }
        String body = "";
        String target = path;
        if (post) {
            body = json ? "{" + query + "}" : query.toString();
        } else if (query.length() > 0) {
            target = path + "?" + query;
        }
        var req = new TrafficFormats.Request(e.method(), target, body, json, ua, cookie, referer);
        return formats.render(req, post && payloadAt >= 0, inHeader, formats.status(attack));
    }

    /** A path as a client sends it: spaces and other characters a request line cannot hold, percent-encoded. */
    private String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|'
                    || c > 0x7e) {
                sb.append(Encodings.percent(String.valueOf(c), false));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A copy with one small edit: protocol version, one digit, spacing, or the case of percent escapes. */
    private String nearDuplicate(String text) {
        int kind = rnd.nextInt(4);
        if (kind == 0 && text.contains("HTTP/1.1")) return text.replace("HTTP/1.1", "HTTP/2.0");
        if (kind <= 1) {
            for (int i = text.length() - 1; i >= 0; i--) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    return text.substring(0, i) + (char) ('0' + (c - '0' + 1) % 10) + text.substring(i + 1);
                }
            }
        }
        if (kind == 2 && text.contains("%2F")) return text.replace("%2F", "%2f");
        return text + " ";
    }
}
