package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.prepare.formats.Doc;
import dev.forja.prepare.formats.InputIssues;
import dev.forja.prepare.formats.OnError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each input format, and bad input: reported with file and line, counted, skipped or fatal. */
class IngestTest {
    @TempDir
    Path tmp;

    private List<Doc> read(Path file, PrepareConfig config, InputIssues issues) {
        List<Doc> out = new ArrayList<>();
        Ingest ingest = new Ingest(config.withIo(List.of(file), tmp.resolve("unused")), issues);
        for (Ingest.InputFile f : ingest.files()) ingest.read(f, out::add);
        return out;
    }

    private List<Doc> read(Path file) {
        return read(file, PrepareConfig.defaults(), new InputIssues(OnError.FATAL));
    }

    @Test
    void htmlGivesVisibleTextWithoutBoilerplate() throws Exception {
        Path f = tmp.resolve("page.html");
        Files.writeString(
                f,
                "<html><head><title>T</title><script>var x=1;</script><style>p{}</style></head><body>"
                        + "<nav>Inicio | Contacto</nav><h1>Canción</h1><p>¿Qué tal, señor?</p><p>Bien &amp; feliz.</p>"
                        + "<footer>© 2025</footer></body></html>");
        List<Doc> docs = read(f);
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).text()).isEqualTo("Canción\n¿Qué tal, señor?\nBien & feliz.");
    }

    @Test
    void csvAndTsvSelectColumnsHandleQuotesAndKeepTheirLine() throws Exception {
        Path csv = tmp.resolve("d.csv");
        Files.writeString(csv, "id,body,label\n1,\"Hola, \"\"mundo\"\"\",pos\n2,\"dos\nlíneas\",neg\n3,tres,pos\n");
        PrepareConfig c = dev.forja.config.RecordBinder.bind(
                PrepareConfig.class,
                java.util.Map.of("text_column", "body", "label_column", "label"),
                PrepareConfig.defaults());
        List<Doc> docs = read(csv, c, new InputIssues(OnError.FATAL));
        assertThat(docs).extracting(Doc::text).containsExactly("Hola, \"mundo\"", "dos\nlíneas", "tres");
        assertThat(docs).extracting(Doc::label).containsExactly("pos", "neg", "pos");
        assertThat(docs).extracting(d -> d.source().line()).containsExactly(2L, 3L, 5L);

        Path tsv = tmp.resolve("d.tsv");
        Files.writeString(tsv, "a\tuno\nb\tdos\n");
        PrepareConfig noHeader = dev.forja.config.RecordBinder.bind(
                PrepareConfig.class,
                java.util.Map.of("text_column", "1", "csv_header", false),
                PrepareConfig.defaults());
        assertThat(read(tsv, noHeader, new InputIssues(OnError.FATAL)))
                .extracting(Doc::text)
                .containsExactly("uno", "dos");
    }

    @Test
    void jsonlKeepsShapedRecordsAndJsonArraysStream() throws Exception {
        Path f = tmp.resolve("d.jsonl");
        Files.writeString(
                f,
                "{\"text\":\"uno\",\"label\":\"a\"}\n\n{\"prompt\":\"P\",\"completion\":\"C\",\"id\":7}\n"
                        + "{\"messages\":[{\"role\":\"user\",\"content\":\"hola\"},{\"role\":\"assistant\",\"content\":\"olá\"}]}\n");
        List<Doc> docs = read(f);
        assertThat(docs).extracting(Doc::text).containsExactly("uno", "P\nC", "hola\nolá");
        assertThat(docs.get(0).label()).isEqualTo("a");
        assertThat(docs.get(1).shape().toString()).isEqualTo("{\"prompt\":\"P\",\"completion\":\"C\"}");
        assertThat(docs.get(2).source().line()).isEqualTo(4);
        Path arr = tmp.resolve("d.json");
        Files.writeString(arr, "[\n {\"body\": \"x\"},\n {\"body\": \"y\"}\n]");
        PrepareConfig c = dev.forja.config.RecordBinder.bind(
                PrepareConfig.class, java.util.Map.of("text_field", "body"), PrepareConfig.defaults());
        assertThat(read(arr, c, new InputIssues(OnError.FATAL)))
                .extracting(Doc::text)
                .containsExactly("x", "y");
    }

    @Test
    void logsAreOneRecordPerLineOrGroupedByAStartPattern() throws Exception {
        Path f = tmp.resolve("app.log");
        Files.writeString(f, "2025-01-01 ERROR boom\n  at A.b(A.java:1)\n  at C.d(C.java:2)\n2025-01-01 INFO ok\n");
        assertThat(read(f)).hasSize(4);
        PrepareConfig c = dev.forja.config.RecordBinder.bind(
                PrepareConfig.class,
                java.util.Map.of("log_start_pattern", "\\d{4}-\\d{2}-\\d{2} "),
                PrepareConfig.defaults());
        List<Doc> grouped = read(f, c, new InputIssues(OnError.FATAL));
        assertThat(grouped)
                .extracting(Doc::text)
                .containsExactly("2025-01-01 ERROR boom\n  at A.b(A.java:1)\n  at C.d(C.java:2)", "2025-01-01 INFO ok");
        assertThat(grouped).extracting(d -> d.source().toString()).containsExactly("app.log:1", "app.log:4");
    }

    @Test
    void pdfGivesOneRecordPerPage() throws Exception {
        Path f = tmp.resolve("doc.pdf");
        try (PDDocument doc = new PDDocument()) {
            for (String text : List.of("First page text", "Second page text")) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    cs.newLineAtOffset(72, 700);
                    cs.showText(text);
                    cs.endText();
                }
            }
            doc.save(f.toFile());
        }
        List<Doc> docs = read(f);
        assertThat(docs).extracting(Doc::text).containsExactly("First page text", "Second page text");
        assertThat(docs.get(1).source().toString()).isEqualTo("doc.pdf page 2");
    }

    @Test
    void badInputIsReportedWithFileAndLineAndSkippedOrFatal() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("a.jsonl"), "{\"text\":\"ok\"}\nnot json\n{\"text\":\"ok2\"}\n");
        Files.write(
                dir.resolve("b.txt"),
                concat(
                        "bueno\n\n".getBytes(StandardCharsets.UTF_8),
                        new byte[] {'m', 'a', (byte) 0xF1, 'a', 'n', 'a', '\n'},
                        "\nfin\n".getBytes(StandardCharsets.UTF_8)));
        Files.write(dir.resolve("c.txt"), new byte[] {1, 0, 2, 0, 3});
        Files.writeString(dir.resolve("d.csv"), "");
        InputIssues issues = new InputIssues(OnError.SKIP);
        List<Doc> docs = read(dir, PrepareConfig.defaults(), issues);
        assertThat(docs).extracting(Doc::text).containsExactly("ok", "ok2", "bueno", "fin");
        assertThat(issues.counts())
                .containsEntry("bad_json", 1L)
                .containsEntry("invalid_utf8", 1L)
                .containsEntry("binary_file", 1L)
                .containsEntry("empty_csv", 1L);
        assertThat(issues.messages())
                .anyMatch(m -> m.startsWith("bad/a.jsonl:2: not JSON"))
                .anyMatch(m -> m.startsWith("bad/b.txt:3: not valid UTF-8"))
                .anyMatch(m -> m.startsWith("bad/c.txt: binary file"));

        assertThatThrownBy(() -> read(dir, PrepareConfig.defaults(), new InputIssues(OnError.FATAL)))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("bad/a.jsonl:2: not JSON");
    }

    @Test
    void aBadLineIsDescribedWithoutJacksonInternals() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("two-values"));
        Files.writeString(
                dir.resolve("a.jsonl"),
                "{\"text\":\"ok\"}\n{\"text\": \"a\"}{\"text\": \"b\"}\n" + "{\"text\": \"cut\n");
        InputIssues issues = new InputIssues(OnError.SKIP);
        read(dir, PrepareConfig.defaults(), issues);
        assertThat(issues.messages())
                .hasSize(2)
                .anyMatch(m -> m.startsWith("two-values/a.jsonl:2: not JSON (more than one JSON value at column "))
                .anyMatch(m -> m.startsWith("two-values/a.jsonl:3: not JSON (Unexpected end-of-input"))
                .noneMatch(m -> m.contains("`") || m.contains("jackson") || m.contains("Feature"));
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
