package dev.forja.data.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledTextsTest {
    @TempDir
    Path tmp;

    @Test
    void aCsvWithTextAndLabelColumnsIsReadByItsHeader() throws Exception {
        Path csv = tmp.resolve("data.csv");
        Files.writeString(csv, "id,label,text\n1,sqli,\"GET /?q=1' OR '1'='1\"\n2,benigno,\"GET /, then\nPOST\"\n");
        List<LabeledTexts.Row> rows = LabeledTexts.read(csv);
        assertThat(rows)
                .containsExactly(
                        new LabeledTexts.Row("GET /?q=1' OR '1'='1", "sqli", 2),
                        new LabeledTexts.Row("GET /, then\nPOST", "benigno", 3));
    }

    @Test
    void aTsvIsReadTheSameWay() throws Exception {
        Path tsv = tmp.resolve("data.tsv");
        Files.writeString(tsv, "text\tlabel\nhola\tbenigno\n<script>\txss\n");
        assertThat(LabeledTexts.read(tsv)).extracting(LabeledTexts.Row::label).containsExactly("benigno", "xss");
    }

    @Test
    void aCsvWithoutTheColumnsIsRefusedNamingThem() throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "request,class\nGET /,benigno\n");
        assertReadFails(csv)
                .hasMessageContaining("bad.csv:1")
                .hasMessageContaining("'text' and 'label'")
                .hasMessageContaining("[request, class]");
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsNamesItsLine() throws Exception {
        Path csv = tmp.resolve("short.csv");
        Files.writeString(csv, "text,label\nok,a\nonly one field\n");
        assertReadFails(csv).hasMessageContaining("short.csv:3").hasMessageContaining("1 fields but the header has 2");
    }

    /** Reading {@code file} is refused with a ForjaException, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file) {
        return assertThatThrownBy(() -> LabeledTexts.read(file)).isInstanceOf(ForjaException.class);
    }
}
