package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void readsTheThreeShapesWithTheirLinesAndSkipsBlankLines() throws IOException {
        Path file = write("train.jsonl", """
                {"text": "hola mundo", "id": 1}

                {"prompt": "2+2=", "completion": " 4"}
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
                """);
        DatasetReader.Result r = new DatasetReader(false).read(file);
        assertThat(r.examples())
                .containsExactly(
                        new TextExample("hola mundo", new Source(file.toString(), 1)),
                        new PromptCompletionExample("2+2=", " 4", new Source(file.toString(), 3)),
                        new ChatExample(
                                List.of(new Message("user", "Hi"), new Message("assistant", "Yo")),
                                new Source(file.toString(), 4)));
        assertThat(r.stats().samples()).isEqualTo(3);
        assertThat(r.stats().skippedLines()).isZero();
    }

    @Test
    void aCsvIsReadByItsHeaderNotAsOneParagraph() throws IOException {
        Path pairs = write(
                "qa.csv",
                "id,prompt,completion,label\n1,\"2+2=\",\" 4\",x\n2,\"Hola, \"\"mundo\"\"\",\" y\nadiós\",y\n");
        DatasetReader.Result r = new DatasetReader(false).read(pairs);
        assertThat(r.examples())
                .containsExactly(
                        new PromptCompletionExample("2+2=", " 4", new Source(pairs.toString(), 2)),
                        new PromptCompletionExample("Hola, \"mundo\"", " y\nadiós", new Source(pairs.toString(), 3)));
        Path texts = write("t.tsv", "label\ttext\na\tuno\nb\tdos\n");
        assertThat(new DatasetReader(false).read(texts).examples())
                .extracting(e -> ((TextExample) e).text())
                .containsExactly("uno", "dos");
    }

    @Test
    void aCsvWithoutAUsableHeaderIsRefusedNamingTheFormatsThatWork() throws IOException {
        Path file = write("raw.csv", "body,category\nhola,a\n");
        assertReadFails(file)
                .hasMessageStartingWith(file + ":1: a CSV to train on needs a header with a 'text' column")
                .hasMessageContaining("[body, category]")
                .hasMessageContaining("JSON lines");
        Path ragged = write("ragged.csv", "text\nuno\ndos,tres\n");
        assertThatThrownBy(() -> new DatasetReader(false).read(ragged))
                .hasMessageStartingWith(ragged + ":3: the row has 2 fields but the header has 1");
        assertThat(new DatasetReader(true).read(ragged).stats().skippedLines()).isEqualTo(1);
    }

    @Test
    void malformedLineIsAnErrorNamingFileAndLine() throws IOException {
        Path file = write("bad.jsonl", """
                {"text": "a"}
                {"text": "b"}
                {"text": "c"}
                {"text": "d
                {"text": "e"}
                """);
        assertReadFails(file)
                .hasMessageStartingWith(file + ":4: not valid JSON (")
                .hasMessageEndingWith("); fix the line or pass --skip-bad-lines");
    }

    @Test
    void skipModeSkipsAndCountsBadLines() throws IOException {
        Path file = write("bad.jsonl", """
                {"text": "a"}
                not json at all
                {"foo": 1}
                {"text": "d"}
                {"text": 5}
                """);
        DatasetReader.Result r = new DatasetReader(true).read(file);
        assertThat(r.examples()).extracting(e -> ((TextExample) e).text()).containsExactly("a", "d");
        assertThat(r.stats().skippedLines()).isEqualTo(3);
        assertThat(r.stats().firstSkipped()).extracting(Source::line).containsExactly(2, 3, 5);
    }

    @Test
    void unknownShapeListsTheKeysFound() throws IOException {
        Path file = write("odd.jsonl", "{\"text\": \"ok\"}\n{\"foo\":1}\n");
        assertReadFails(file)
                .hasMessage(file + ":2: expected {\"text\"}, {\"prompt\",\"completion\"} or {\"messages\":[...]},"
                        + " found keys [foo]");
    }

    @Test
    void wrongFieldTypesAreNamed() throws IOException {
        Path file = write("types.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": 3}]}\n");
        assertReadFails(file).hasMessage(file + ":1: messages[0].content must be a string, found a number");
    }

    @Test
    void emptyFileHasNoSamples() throws IOException {
        Path empty = write("empty.jsonl", "\n\n");
        assertReadFails(empty).hasMessage(empty + " has no samples");
        Path allBad = write("allbad.jsonl", "x\ny\n");
        assertReadFails(allBad, true).hasMessage(allBad + " has no samples (2 bad lines skipped)");
    }

    @Test
    void textFileIsOneSamplePerParagraph() throws IOException {
        Path file = write("notes.txt", "\uFEFFfirst line\nsecond line\n\n\n  \nthird\n");
        DatasetReader.Result r = new DatasetReader(false).read(file);
        assertThat(r.examples())
                .containsExactly(
                        new TextExample("first line\nsecond line", new Source(file.toString(), 1)),
                        new TextExample("third", new Source(file.toString(), 6)));
    }

    @Test
    void jsonArrayFileIsReadWithLines() throws IOException {
        Path file = write("data.json", "[\n  {\"text\": \"a\"},\n  {\"prompt\": \"p\", \"completion\": \"c\"}\n]\n");
        DatasetReader.Result r = new DatasetReader(false).read(file);
        assertThat(r.examples())
                .containsExactly(
                        new TextExample("a", new Source(file.toString(), 2)),
                        new PromptCompletionExample("p", "c", new Source(file.toString(), 3)));
    }

    @Test
    void missingFileIsAnError() {
        Path missing = dir.resolve("nope.jsonl");
        assertReadFails(missing).hasMessageContaining("nope.jsonl does not exist");
    }

    /** Reading {@code file} (bad lines fatal) is refused with a ForjaException, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file) {
        return assertReadFails(file, false);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file, boolean skipBadLines) {
        return assertThatThrownBy(() -> new DatasetReader(skipBadLines).read(file))
                .isInstanceOf(ForjaException.class);
    }
}
