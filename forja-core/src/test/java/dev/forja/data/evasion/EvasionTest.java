package dev.forja.data.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.samples.HttpRequestCorpus;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EvasionTest {
    private static final String PREFIX = "10.1.2.3 - - [08/Jun/2024:13:51:34 -0300] \"GET /buscar?";
    private static final String SUFFIX = " HTTP/1.1\" 403 312 \"-\" \"curl/8.4.0\"";
    /** An access-log line whose query holds a SQL injection, raw and encoded parts, and a benign parameter. */
    private static final String LOG = PREFIX + "q=zapatos+rojos&id=1%27%20UNION SELECT <b>x</b>--&pagina=2" + SUFFIX;

    /** The query of {@link #LOG}'s shape after a transform; the rest of the line must be as it was. */
    private static String query(String line) {
        assertThat(line).startsWith(PREFIX).endsWith(SUFFIX);
        return line.substring(PREFIX.length(), line.length() - SUFFIX.length());
    }

    /** name -> decoded value, in order. */
    private static List<String> decoded(String query) {
        List<String> out = new ArrayList<>();
        for (String p : query.split("&")) out.add(PercentCoding.decode(p));
        return out;
    }

    private static String transformed(Evasion e, String text, long seed) {
        return e.apply(text, new Random(seed));
    }

    @ParameterizedTest
    @EnumSource(Evasion.class)
    void everyTransformChangesTheQueryOnlyAndIsFixedByTheSeed(Evasion e) {
        String a = transformed(e, LOG, 7);
        assertThat(a).isNotEqualTo(LOG);
        query(a); // method, path, protocol and the rest of the log line are untouched
        assertThat(transformed(e, LOG, 7)).isEqualTo(a);
        List<String> outputs = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) outputs.add(transformed(e, LOG, seed));
        long distinct = outputs.stream().distinct().count();
        // sql-comment is the one rewrite without a choice in it
        assertThat(distinct).as("different seeds, different rewrites").isGreaterThan(e == Evasion.SQL_COMMENT ? 0 : 1);
        assertThat(Evasion.named(e.id())).isEqualTo(e);
    }

    @Test
    void urlEncodingDecodesBackToTheSameValues() {
        String q = query(transformed(Evasion.URL, LOG, 1));
        assertThat(q).contains("%27").doesNotContain("'").doesNotContain(" ").doesNotContain("<");
        assertThat(decoded(q)).isEqualTo(decoded(query(LOG)));
    }

    @Test
    void doubleUrlEncodingDecodesBackAfterTwoPasses() {
        String q = query(transformed(Evasion.DOUBLE_URL, LOG, 1));
        assertThat(q).contains("%2527");
        List<String> twice = decoded(q).stream().map(PercentCoding::decode).toList();
        assertThat(twice).isEqualTo(decoded(query(LOG)));
    }

    @Test
    void caseMixingKeepsTheLettersIgnoringCase() {
        String q = query(transformed(Evasion.CASE, LOG, 1));
        assertThat(q).isNotEqualTo(query(LOG)).isEqualToIgnoringCase(query(LOG));
    }

    @Test
    void sqlCommentsStandWhereTheSpacesWere() {
        String q = query(transformed(Evasion.SQL_COMMENT, LOG, 1));
        assertThat(q).contains("UNION/**/SELECT").contains("zapatos/**/rojos").contains("1%27/**/UNION");
        assertThat(decoded(q.replace("/**/", "+"))).isEqualTo(decoded(query(LOG)));
    }

    @Test
    void whitespaceSubstitutionKeepsTheWordsApart() {
        String q = query(transformed(Evasion.WHITESPACE, LOG, 3));
        assertThat(q).doesNotContain(" ").doesNotContain("\t").doesNotContain("\n"); // encoded: the line still parses
        List<String> words =
                decoded(q).stream().map(s -> s.replaceAll("\\s+", " ")).toList();
        assertThat(words).isEqualTo(decoded(query(LOG)));
        assertThat(String.join("", decoded(q))).containsPattern("[\\t\\n\\f]");
    }

    @Test
    void htmlEntitiesDecodeBackToTheMarkup() {
        String q = query(transformed(Evasion.HTML_ENTITIES, LOG, 1));
        assertThat(q).doesNotContain("<").contains("%26"); // '&' of each reference percent-encoded
        List<String> back = decoded(q).stream().map(EvasionTest::unescapeHtml).toList();
        assertThat(back).isEqualTo(decoded(query(LOG)));
    }

    @Test
    void fullWidthFormsNormaliseBackUnderNfkc() {
        String q = query(transformed(Evasion.FULLWIDTH, LOG, 1));
        assertThat(q).contains("%EF%BC"); // UTF-8 of U+FF..: percent-encoded in a URL
        List<String> back = decoded(q).stream()
                .map(s -> Normalizer.normalize(s, Normalizer.Form.NFKC))
                .toList();
        assertThat(back).isEqualTo(decoded(query(LOG)));
    }

    @Test
    void homoglyphsAreNonLatinLookAlikesOfTheSameLetters() throws Exception {
        String json = "{\"user\":\"admin\",\"comment\":\"<script>alert(1)</script>\"}";
        String out = transformed(Evasion.HOMOGLYPH, "POST /api HTTP/1.1\nHost: a\n\n" + json, 2);
        String body = out.substring(out.indexOf("\n\n") + 2);
        JsonNode j = Json.mapper().readTree(body);
        String comment = j.get("comment").asText();
        assertThat(comment).isNotEqualTo("<script>alert(1)</script>").hasSameSizeAs("<script>alert(1)</script>");
        assertThat(comment.chars().filter(c -> c > 0x7f))
                .allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.CYRILLIC
                        || Character.UnicodeScript.of(c) == Character.UnicodeScript.GREEK);
        StringBuilder latin = new StringBuilder();
        comment.codePoints().forEach(c -> latin.append((char) latinOf(c)));
        assertThat(latin.toString()).isEqualTo("<script>alert(1)</script>");
    }

    @Test
    void reorderingKeepsEveryParameter() {
        String q = query(transformed(Evasion.PARAM_REORDER, LOG, 1));
        assertThat(q).isNotEqualTo(query(LOG));
        assertThat(q.split("&")).containsExactlyInAnyOrder(query(LOG).split("&"));
    }

    @Test
    void paddingAddsBenignParametersAroundTheOriginalOnesInOrder() {
        String q = query(transformed(Evasion.PARAM_PADDING, LOG, 1));
        List<String> pieces = new ArrayList<>(Arrays.asList(q.split("&")));
        assertThat(pieces.size()).isBetween(4, 6);
        List<String> original = Arrays.asList(query(LOG).split("&"));
        pieces.retainAll(original);
        assertThat(pieces).isEqualTo(original);
    }

    @Test
    void aJsonLogLineStaysValidJsonWithItsUriAndBodyRewritten() throws Exception {
        String line = "{\"ts\":\"2024-02-04T14:53:25-03:00\",\"ip\":\"200.84.193.42\",\"metodo\":\"POST\","
                + "\"uri\":\"/buscar?q=1%27+OR+1=1\",\"estado\":404,\"ua\":\"curl/8.4.0\","
                + "\"cuerpo\":\"{\\\"nombre\\\":\\\"x\\\\\\\" OR 1=1 --\\\",\\\"edad\\\":3}\"}";
        JsonNode before = Json.mapper().readTree(line);
        for (Evasion e : Evasion.values()) {
            String out = transformed(e, line, 5);
            JsonNode after = Json.mapper().readTree(out);
            assertThat(after.get("ts")).isEqualTo(before.get("ts"));
            assertThat(after.get("estado").asInt()).isEqualTo(404);
            assertThat(after.get("uri").asText()).startsWith("/buscar?");
            if (e != Evasion.PARAM_REORDER && e != Evasion.PARAM_PADDING) {
                assertThat(after.get("uri").asText())
                        .as(e.id())
                        .isNotEqualTo(before.get("uri").asText());
            }
            JsonNode body = Json.mapper().readTree(after.get("cuerpo").asText());
            assertThat(body.get("edad").asInt()).as(e.id()).isEqualTo(3);
        }
        assertThat(transformed(Evasion.SQL_COMMENT, line, 5)).contains("x\\\\\\\"/**/OR/**/1=1/**/--");
    }

    @Test
    void aBodyNamedInProseAndABareTargetAreRewritten() {
        String note =
                "Petición marcada para revisión: POST /login con cuerpo usuario=admin%27--&clave=x (User-Agent: a)";
        String out = transformed(Evasion.URL, note, 1);
        assertThat(out)
                .startsWith("Petición marcada para revisión: POST /login con cuerpo usuario=")
                .endsWith(" (User-Agent: a)");
        assertThat(out).contains("%2D%2D");
        assertThat(transformed(Evasion.CASE, "/descargas?archivo=../../etc/passwd", 1))
                .startsWith("/descargas?archivo=")
                .isNotEqualTo("/descargas?archivo=../../etc/passwd");
    }

    @Test
    void aTextWithoutParametersIsLeftAlone() {
        String text = "GET /static/app.css HTTP/1.1\nHost: www.tienda.cl\nUser-Agent: curl/8.4.0";
        for (Evasion e : Evasion.values()) assertThat(transformed(e, text, 1)).isEqualTo(text);
    }

    @Test
    void onTheSampleCorpusEveryTransformRewritesManyRequestsAndJsonLinesStayJson() throws Exception {
        List<HttpRequestCorpus.Example> corpus = HttpRequestCorpus.generate(HttpRequestCorpus.SEED, 400);
        for (Evasion e : Evasion.values()) {
            int changed = 0;
            Random rnd = new Random(11);
            for (HttpRequestCorpus.Example x : corpus) {
                String out = e.apply(x.text(), rnd);
                if (!out.equals(x.text())) changed++;
                if (x.text().startsWith("{")) Json.mapper().readTree(out);
            }
            assertThat(changed).as(e.id()).isGreaterThan(corpus.size() / 5);
        }
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> Evasion.parseList("url,rot13"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'rot13'")
                .hasMessageContaining("url, double-url, case, sql-comment, whitespace, html-entities, fullwidth, "
                        + "homoglyph, param-reorder, param-padding");
        assertThat(Evasion.parseList("case, URL,case")).containsExactly(Evasion.CASE, Evasion.URL);
        assertThat(Evasion.parseList(null)).containsExactly(Evasion.values());
    }

    private static int latinOf(int c) {
        for (int l = 'A'; l <= 'z'; l++) {
            if (Lookalikes.hasHomoglyph(l) && Lookalikes.homoglyph(l).codePointAt(0) == c) return l;
        }
        return c;
    }

    private static final Pattern REFERENCE = Pattern.compile("&(?:#(\\d+)|#x([0-9a-fA-F]+)|(lt|gt|quot|amp|apos));");

    private static String unescapeHtml(String s) {
        Matcher m = REFERENCE.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String c;
            if (m.group(1) != null) c = Character.toString(Integer.parseInt(m.group(1)));
            else if (m.group(2) != null) c = Character.toString(Integer.parseInt(m.group(2), 16));
            else
                c = switch (m.group(3)) {
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "amp" -> "&";
                    default -> "'";
                };
            m.appendReplacement(sb, Matcher.quoteReplacement(c));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
