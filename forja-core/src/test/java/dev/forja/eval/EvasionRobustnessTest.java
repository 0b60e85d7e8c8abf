package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.evasion.Evasion;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvasionRobustnessTest {
    private static final List<String> LABELS = List.of("benigno", "sqli");
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    /** A signature filter: sqli when the text holds "UNION SELECT" as written, which evasions are made to dodge. */
    private static int[] signature(List<LabeledTexts.Row> rows) {
        return rows.stream()
                .mapToInt(r -> r.text().contains("UNION+SELECT") ? 1 : 0)
                .toArray();
    }

    private static List<LabeledTexts.Row> rows() {
        List<LabeledTexts.Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(new LabeledTexts.Row("GET /p?id=" + i + "+UNION+SELECT+clave&x=1 HTTP/1.1", "sqli", 2 * i + 1));
            rows.add(new LabeledTexts.Row("GET /p?q=zapatos+rojos&pagina=" + i + " HTTP/1.1", "benigno", 2 * i + 2));
        }
        return rows;
    }

    @Test
    void aSignatureFilterFallsUnderEncodingAndHoldsUnderReordering() {
        var r = EvasionRobustness.measure(
                rows(),
                LABELS,
                Evasion.parseList("param-reorder,url,sql-comment"),
                42,
                EvasionRobustnessTest::signature,
                QUIET);
        assertThat(r.clean().macroF1()).isEqualTo(1.0);
        assertThat(r.attacked())
                .extracting(EvasionRobustness.Attacked::transform)
                .containsExactly("param-reorder", "url", "sql-comment");
        assertThat(r.attacked().get(0).macroF1()).isEqualTo(1.0);
        assertThat(r.attacked().get(0).changed()).isEqualTo(40);
        assertThat(r.attacked().get(1).macroF1()).isLessThan(0.5); // no sqli found any more
        assertThat(r.worst().transform()).isIn("url", "sql-comment");
        assertThat(r.worst().macroF1()).isLessThan(0.5);
    }

    @Test
    void rowsTheClassifierReadsAsTheCleanOnesKeepTheirPredictionAndTheOthersArePredictedAgain() {
        List<Integer> predicted = new ArrayList<>();
        var r = EvasionRobustness.measure(
                rows(),
                LABELS,
                Evasion.parseList("url,param-reorder"),
                42,
                dev.forja.data.canonical.Canonicalization.HTTP_REQUEST::apply,
                x -> {
                    predicted.add(x.size());
                    return signature(x);
                },
                QUIET);
        // url: every row changed, but decoded it is the clean row, so nothing is predicted again and F1 stays 1.0
        assertThat(r.attacked().get(0).changed()).isEqualTo(40);
        assertThat(r.attacked().get(0).macroF1()).isEqualTo(1.0);
        // clean: 40 rows; url: none; param-reorder: 40 rows (a new order reads differently)
        assertThat(predicted).containsExactly(40, 40);
    }

    @Test
    void theTableTheJsonAndTheHtmlShowCleanAndEveryTransformSideBySide() {
        var r = EvasionRobustness.measure(
                rows(), LABELS, List.of(Evasion.values()), 7, EvasionRobustnessTest::signature, QUIET);
        String table = r.render();
        for (String id : Evasion.ids()) assertThat(table).containsPattern("(?m)^" + id + " ");
        assertThat(table).contains("clean").contains("worst case: " + r.worst().transform());

        JsonNode j = r.toJson();
        assertThat(j.get("clean_macro_f1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("transforms")).hasSize(Evasion.values().length);
        assertThat(j.get("transforms").get(2).get("name").asText()).isEqualTo("case");
        assertThat(j.get("worst").get("macro_f1").asDouble())
                .isEqualTo(r.worst().macroF1());

        String html = r.toHtml();
        assertThat(html)
                .contains("<td>homoglyph</td>")
                .contains("clean macro-F1")
                .contains("attacked macro-F1");
        assertThat(r.toSvg()).contains("<svg");
    }

    @Test
    void theSameSeedGivesTheSameFiguresAndTheRowsKeepTheirLabels() {
        List<List<LabeledTexts.Row>> seen = new ArrayList<>();
        var a = EvasionRobustness.measure(
                rows(),
                LABELS,
                List.of(Evasion.CASE),
                3,
                x -> {
                    seen.add(x);
                    return signature(x);
                },
                QUIET);
        var b = EvasionRobustness.measure(
                rows(), LABELS, List.of(Evasion.CASE), 3, EvasionRobustnessTest::signature, QUIET);
        assertThat(a.toJson()).isEqualTo(b.toJson());
        List<LabeledTexts.Row> attacked = seen.get(1);
        for (int i = 0; i < attacked.size(); i++) {
            assertThat(attacked.get(i).label()).isEqualTo(rows().get(i).label());
            assertThat(attacked.get(i).text())
                    .isEqualToIgnoringCase(rows().get(i).text());
        }
    }

    @Test
    void onlyTheRowsATransformChangedArePredictedAgain() {
        List<LabeledTexts.Row> rows = new ArrayList<>(rows());
        for (int i = 0; i < 5; i++) rows.add(new LabeledTexts.Row("GET /static/app.css HTTP/1.1", "sqli", 100 + i));
        List<Integer> sizes = new ArrayList<>();
        var r = EvasionRobustness.measure(
                rows,
                LABELS,
                List.of(Evasion.URL),
                1,
                x -> {
                    sizes.add(x.size());
                    return signature(x);
                },
                QUIET);
        assertThat(sizes).containsExactly(45, 40);
        assertThat(r.attacked().get(0).changed()).isEqualTo(40);
        // the five static rows keep their clean (wrong) prediction: recall of sqli 0 either way
        assertThat(r.attacked().get(0).metrics().confusion()[1][0]).isEqualTo(25);
    }
}
