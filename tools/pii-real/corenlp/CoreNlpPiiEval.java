import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.pipeline.CoreDocument;
import edu.stanford.nlp.pipeline.StanfordCoreNLP;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import javax.json.*;

/** Scores CoreNLP's default NER (PERSON) on a forja PII JSONL set; prints aggregates only. */
public class CoreNlpPiiEval {
    record Span(int start, int end) {}
    record Item(String lang, String text, List<Span> gold, boolean noPii) {}

    static final Map<String, StanfordCoreNLP> pipes = new HashMap<>();
    static boolean crfOnly = false;

    static StanfordCoreNLP pipe(String lang) {
        String model = lang.equals("en") ? "en" : "es"; // pt: no Portuguese model, Spanish is used
        return pipes.computeIfAbsent(model, m -> {
            Properties p = new Properties();
            if (m.equals("es")) {
                try (InputStream in = CoreNlpPiiEval.class.getClassLoader()
                        .getResourceAsStream("StanfordCoreNLP-spanish.properties")) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                } catch (IOException e) { throw new UncheckedIOException(e); }
                p.setProperty("annotators", "tokenize,ssplit,mwt,pos,lemma,ner");
            } else {
                p.setProperty("annotators", "tokenize,ssplit,pos,lemma,ner");
            }
            if (crfOnly) { // the CRF alone: no numeric classifiers, SUTime, fine-grained regexner or entity mentions
                p.setProperty("ner.applyNumericClassifiers", "false");
                p.setProperty("ner.useSUTime", "false");
                p.setProperty("ner.applyFineGrained", "false");
                p.setProperty("ner.buildEntityMentions", "false");
            }
            return new StanfordCoreNLP(p);
        });
    }

    static boolean isPerson(String label) {
        return label != null && (label.equals("PERSON") || label.equals("PER") || label.equals("PERS"));
    }

    static List<Span> detect(String lang, String text) {
        CoreDocument doc = new CoreDocument(text);
        pipe(lang).annotate(doc);
        List<Span> out = new ArrayList<>();
        int s = -1, e = -1;
        for (CoreLabel t : doc.tokens()) {
            if (isPerson(t.ner())) {
                if (s < 0) s = t.beginPosition();
                e = Math.max(e, t.endPosition());
            } else if (s >= 0) {
                out.add(new Span(s, e));
                s = -1; e = -1;
            }
        }
        if (s >= 0) out.add(new Span(s, e));
        return out;
    }

    static List<Item> load(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonObject o = Json.createReader(new StringReader(line)).readObject();
            List<Span> gold = new ArrayList<>();
            JsonArray spans = o.getJsonArray("spans");
            for (JsonValue v : spans) {
                JsonObject sp = v.asJsonObject();
                if (sp.getString("type").equals("PERSON")) gold.add(new Span(sp.getInt("start"), sp.getInt("end")));
            }
            items.add(new Item(o.getString("lang", ""), o.getString("text"), gold, spans.isEmpty()));
        }
        return items;
    }

    static class Counts {
        int texts, chars, gold, found, tp, relFoundHit, relGoldHit, noPii, noPiiUntouched;
        long nanos;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        List<String> a = Arrays.asList(args);
        boolean speed = a.contains("--speed");
        crfOnly = a.contains("--crf-only");
        String only = a.stream().filter(x -> x.startsWith("--lang=")).map(x -> x.substring(7)).findFirst().orElse(null);
        System.out.println("mode: " + (crfOnly ? "CRF only (ner.applyNumericClassifiers/useSUTime/applyFineGrained/buildEntityMentions=false)" : "default ner annotator"));
        List<Item> items = load(file);
        if (only != null) items = items.stream().filter(i -> i.lang().equals(only)).toList();
        Map<String, Counts> by = new TreeMap<>();
        for (Item it : items) {
            Counts c = by.computeIfAbsent(it.lang(), k -> new Counts());
            long t0 = System.nanoTime();
            List<Span> found = detect(it.lang(), it.text());
            c.nanos += System.nanoTime() - t0;
            c.texts++;
            c.chars += it.text().length();
            c.gold += it.gold().size();
            c.found += found.size();
            Set<Span> gold = new HashSet<>(it.gold());
            for (Span f : found) if (gold.contains(f)) c.tp++;
            for (Span f : found) if (it.gold().stream().anyMatch(g -> g.start() < f.end() && f.start() < g.end())) c.relFoundHit++;
            for (Span g : it.gold()) if (found.stream().anyMatch(f -> g.start() < f.end() && f.start() < g.end())) c.relGoldHit++;
            if (it.noPii()) { c.noPii++; if (found.isEmpty()) c.noPiiUntouched++; }
        }
        System.out.printf("%s  (first pass, includes model loading/warm-up)%n", file);
        System.out.printf("%-4s %5s %8s %5s %5s %5s | %6s %6s %6s | %6s %6s %6s | %s%n", "lang", "texts", "chars", "gold", "found", "tp",
                "P", "R", "F1", "relP", "relR", "relF1", "no-PII untouched");
        for (var en : by.entrySet()) {
            Counts c = en.getValue();
            double p = c.found == 0 ? 1 : (double) c.tp / c.found, r = c.gold == 0 ? 1 : (double) c.tp / c.gold;
            double rp = c.found == 0 ? 1 : (double) c.relFoundHit / c.found, rr = c.gold == 0 ? 1 : (double) c.relGoldHit / c.gold;
            System.out.printf("%-4s %5d %8d %5d %5d %5d | %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f | %d/%d%n", en.getKey(), c.texts, c.chars,
                    c.gold, c.found, c.tp, p, r, f1(p, r), rp, rr, f1(rp, rr), c.noPiiUntouched, c.noPii);
        }
        if (!speed) return;
        // Timed passes after the warm-up pass above: annotate every text again, 3 times, report best.
        for (int rep = 0; rep < 3; rep++) {
            Map<String, long[]> t = new TreeMap<>();
            long all0 = System.nanoTime(); long allChars = 0;
            for (Item it : items) {
                long t0 = System.nanoTime();
                detect(it.lang(), it.text());
                long[] acc = t.computeIfAbsent(it.lang(), k -> new long[2]);
                acc[0] += System.nanoTime() - t0; acc[1] += it.text().length(); allChars += it.text().length();
            }
            double allS = (System.nanoTime() - all0) / 1e9;
            StringBuilder sb = new StringBuilder("timed pass " + (rep + 1) + ":");
            for (var en : t.entrySet())
                sb.append(String.format(" %s %.0f chars/s;", en.getKey(), en.getValue()[1] / (en.getValue()[0] / 1e9)));
            sb.append(String.format(" all %d chars in %.2f s = %.0f chars/s -> 1e9 chars in %.1f h",
                    allChars, allS, allChars / allS, 1e9 / (allChars / allS) / 3600));
            System.out.println(sb);
        }
    }

    static double f1(double p, double r) { return p + r == 0 ? 0 : 2 * p * r / (p + r); }
}
