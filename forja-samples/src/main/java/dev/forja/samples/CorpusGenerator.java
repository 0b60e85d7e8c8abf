package dev.forja.samples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a synthetic, seeded corpus for {@code forja bench prepare} and prepare's tests: JSONL documents of mixed
 * Spanish, Portuguese and English sentences (with accents, ñ, ç, ¿ and ¡), about 5% exact copies and 5% near-copies
 * (a word or two changed), some e-mail addresses and phone numbers as PII, and {@code .log} files of server lines.
 * All text is made up here.
 */
public final class CorpusGenerator {
    /** What was written. */
    public record Summary(long bytes, int files, long documents, long exactCopies, long nearCopies, long logLines) {}

    private static final Map<String, String[]> SUBJECTS = Map.of(
            "es",
                    new String[] {
                        "El equipo", "La señora Núñez", "Nuestro cliente", "El servidor", "La compañía", "El niño"
                    },
            "pt",
                    new String[] {
                        "A equipe", "O senhor Gonçalves", "Nosso cliente", "O servidor", "A empresa", "A criança"
                    },
            "en", new String[] {"The team", "Mrs. Walker", "Our customer", "The server", "The company", "The child"});
    private static final Map<String, String[]> VERBS = Map.of(
            "es", new String[] {"revisó", "encontró", "preparó", "envió", "corrigió", "analizó", "pidió"},
            "pt", new String[] {"revisou", "encontrou", "preparou", "enviou", "corrigiu", "analisou", "pediu"},
            "en", new String[] {"reviewed", "found", "prepared", "sent", "fixed", "analysed", "requested"});
    private static final Map<String, String[]> OBJECTS = Map.of(
            "es",
                    new String[] {
                        "el informe de la semana",
                        "la factura pendiente",
                        "los registros de acceso",
                        "una canción para la campaña",
                        "el contrato de confidencialidad",
                        "la migración de datos"
                    },
            "pt",
                    new String[] {
                        "o relatório da semana",
                        "a fatura pendente",
                        "os registros de acesso",
                        "uma canção para a campanha",
                        "o contrato de confidencialidade",
                        "a migração de dados"
                    },
            "en",
                    new String[] {
                        "the weekly report",
                        "the pending invoice",
                        "the access logs",
                        "a song for the campaign",
                        "the confidentiality agreement",
                        "the data migration"
                    });
    private static final Map<String, String[]> TAILS = Map.of(
            "es",
                    new String[] {
                        "antes de la reunión del lunes.",
                        "¡sin ningún problema!",
                        "¿y ahora qué hacemos?",
                        "durante la noche.",
                        "con mucha atención.",
                        "según lo acordado."
                    },
            "pt",
                    new String[] {
                        "antes da reunião de segunda-feira.",
                        "sem nenhum problema!",
                        "e agora, o que fazemos?",
                        "durante a noite.",
                        "com muita atenção.",
                        "conforme o combinado."
                    },
            "en",
                    new String[] {
                        "before the Monday meeting.",
                        "without any trouble!",
                        "and what do we do now?",
                        "during the night.",
                        "with great care.",
                        "as agreed."
                    });
    private static final String[] LANGS = {"es", "pt", "en"};

    private CorpusGenerator() {}

    /** Writes about {@code targetBytes} into {@code dir} (created if needed). */
    public static Summary write(Path dir, long targetBytes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long docsBytes = targetBytes * 9 / 10, logBytes = targetBytes - docsBytes;
        long fileBytes = 64L << 20;
        long written = 0, docs = 0, exact = 0, nearCopies = 0, logLines = 0;
        int files = 0;
        try {
            Files.createDirectories(dir);
            List<String> recent = new ArrayList<>();
            while (written < docsBytes) {
                Path f = dir.resolve(String.format("docs-%04d.jsonl", files++));
                long inFile = 0;
                try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                    while (inFile < fileBytes && written + inFile < docsBytes) {
                        String text;
                        double u = r.nextDouble();
                        if (u < 0.05 && !recent.isEmpty()) {
                            text = recent.get(r.nextInt(recent.size()));
                            exact++;
                        } else if (u < 0.10 && !recent.isEmpty()) {
                            text = nearCopy(recent.get(r.nextInt(recent.size())), r);
                            nearCopies++;
                        } else {
                            text = document(r);
                            if (recent.size() < 1000) recent.add(text);
                            else recent.set(r.nextInt(1000), text);
                        }
                        String line = jsonLine(docs, text);
                        w.write(line);
                        inFile += line.getBytes(StandardCharsets.UTF_8).length;
                        docs++;
                    }
                }
                written += inFile;
            }
            while (written < targetBytes) {
                Path f = dir.resolve(String.format("server-%04d.log", files++));
                long inFile = 0;
                try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                    while (inFile < fileBytes && written + inFile < targetBytes) {
                        String line = String.format(
                                "2025-03-%02d %02d:%02d:%02d INFO req=%08x user=u%d@example.com "
                                        + "path=/api/v1/items/%d status=%d latency_ms=%d%n",
                                1 + r.nextInt(28),
                                r.nextInt(24),
                                r.nextInt(60),
                                r.nextInt(60),
                                r.nextInt(),
                                r.nextInt(5000),
                                r.nextInt(100000),
                                r.nextInt(10) == 0 ? 500 : 200,
                                r.nextInt(900));
                        w.write(line);
                        inFile += line.length();
                        logLines++;
                    }
                }
                written += inFile;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the corpus into " + dir, e);
        }
        return new Summary(written, files, docs, exact, nearCopies, logLines);
    }

    /** One corpus document as a JSON line: {@code {"id":7,"text":"..."}} and a newline. */
    static String jsonLine(long id, String text) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("text", text);
        return SampleJson.line(doc) + "\n";
    }

    /** A document of 6 to 20 sentences in one language, some with an e-mail address or phone number. */
    public static String document(SplittableRandom r) {
        String lang = LANGS[r.nextInt(LANGS.length)];
        int sentences = 6 + r.nextInt(15);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i > 0) b.append(' ');
            b.append(pick(SUBJECTS.get(lang), r))
                    .append(' ')
                    .append(pick(VERBS.get(lang), r))
                    .append(' ')
                    .append(pick(OBJECTS.get(lang), r))
                    .append(" nº")
                    .append(r.nextInt(100000))
                    .append(' ')
                    .append(pick(TAILS.get(lang), r));
            if (r.nextInt(20) == 0)
                b.append(" Contacto: persona").append(r.nextInt(1000)).append("@correo.example.");
            if (r.nextInt(25) == 0)
                b.append(" Tel. +34 6").append(10000000 + r.nextInt(89999999)).append('.');
        }
        return b.toString();
    }

    /** {@code text} with one to three words replaced or inserted. */
    static String nearCopy(String text, SplittableRandom r) {
        String[] words = text.split(" ");
        List<String> out = new ArrayList<>(List.of(words));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = r.nextInt(out.size());
            if (r.nextBoolean()) out.set(at, "palabra" + r.nextInt(1000));
            else out.add(at, "extra" + r.nextInt(1000));
        }
        return String.join(" ", out);
    }

    private static String pick(String[] options, SplittableRandom r) {
        return options[r.nextInt(options.length)];
    }
}
