package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomalyEvaluationTest {
    @TempDir
    Path dir;

    @Test
    void readsLabelsKindsAndPlainLogs() throws IOException {
        Path f = Files.writeString(dir.resolve("t.jsonl"), """
                {"text": "a", "label": "normal", "kind": "ssh"}

                {"text": "b", "label": "anomaly", "kind": "brute_force"}
                {"text": "c"}
                """);
        assertThat(AnomalyEvaluation.read(f))
                .containsExactly(
                        new AnomalyEvaluation.Row("a", false, "ssh", 1),
                        new AnomalyEvaluation.Row("b", true, "brute_force", 3),
                        new AnomalyEvaluation.Row("c", false, null, 4));
        Path log = Files.writeString(dir.resolve("auth.log"), "line one\nline two\n");
        assertThat(AnomalyEvaluation.normalTexts(log)).containsExactly("line one", "line two");
    }

    @Test
    void aFileWithoutNormalLinesIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"x\", \"label\": \"anomaly\"}\n");
        assertThatThrownBy(() -> AnomalyEvaluation.normalTexts(f))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("bad.jsonl has no normal lines");
        List<AnomalyEvaluation.Row> rows = AnomalyEvaluation.read(f);
        assertThatThrownBy(() -> AnomalyEvaluation.checkBothClasses(rows, f))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("bad.jsonl has no normal lines");
        Path empty = Files.writeString(dir.resolve("empty.log"), "\n  \n");
        assertThatThrownBy(() -> AnomalyEvaluation.normalTexts(empty))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(
                        "empty.log holds no log lines (it is empty or blank): give a log with one entry per line");
        Path noAnomaly = Files.writeString(dir.resolve("ok.jsonl"), "{\"text\": \"x\", \"label\": \"normal\"}\n");
        assertThatThrownBy(() -> AnomalyEvaluation.checkBothClasses(AnomalyEvaluation.read(noAnomaly), noAnomaly))
                .hasMessageContaining("no lines labelled \"anomaly\"");
    }

    @Test
    void anUnknownLabelNamesItsLine() throws IOException {
        Path f =
                Files.writeString(dir.resolve("l.jsonl"), "{\"text\": \"x\"}\n{\"text\": \"y\", \"label\": \"bad\"}\n");
        assertThatThrownBy(() -> AnomalyEvaluation.read(f))
                .hasMessageContaining("l.jsonl:2: label 'bad': use \"normal\" or \"anomaly\"");
    }

    @Test
    void recallPerKindAtTheBudgetsThreshold() {
        List<AnomalyEvaluation.Row> rows = new java.util.ArrayList<>();
        double[] s = new double[104];
        for (int i = 0; i < 100; i++) {
            rows.add(new AnomalyEvaluation.Row("n" + i, false, "ssh", i + 1));
            s[i] = i;
        }
        rows.add(new AnomalyEvaluation.Row("a", true, "brute_force", 101));
        rows.add(new AnomalyEvaluation.Row("b", true, "brute_force", 102));
        rows.add(new AnomalyEvaluation.Row("c", true, "unusual_process", 103));
        rows.add(new AnomalyEvaluation.Row("d", true, "unusual_process", 104));
        s[100] = 500;
        s[101] = 10; // buried among normal lines
        s[102] = 400;
        s[103] = 300;
        AnomalyEvaluation.Scored r = AnomalyEvaluation.score("model", s, rows, 0.01);
        assertThat(r.recallByKind()).containsEntry("brute_force", 0.5).containsEntry("unusual_process", 1.0);
        assertThat(r.toJson().get("precision_at_1pct_fpr").asDouble()).isEqualTo(3.0 / 4);
        assertThat(r.toJson().has("recall_by_kind_at_1pct_fpr")).isTrue();
    }
}
