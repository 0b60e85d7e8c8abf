package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnomalyMetricsTest {

    @Test
    void sklearnsDocumentedExample() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75; average_precision_score(...) = 0.8333...
        AnomalyMetrics m =
                AnomalyMetrics.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}, 0.01);
        assertThat(m.rocAuc()).isCloseTo(0.75, within(1e-12));
        assertThat(m.prAuc()).isCloseTo(5.0 / 6, within(1e-12));
        // only the top line can be flagged without a false positive
        assertThat(m.precisionAtFpr()).isEqualTo(1.0);
        assertThat(m.recallAtFpr()).isEqualTo(0.5);
        assertThat(m.threshold()).isEqualTo(0.8);
        assertThat(m.anomalies()).isEqualTo(2);
        assertThat(m.normals()).isEqualTo(2);
    }

    @Test
    void tiesCountOneHalfAndFormOneThreshold() {
        // all scores equal: ROC-AUC 0.5, AP = the anomaly share (sklearn: 0.5 and 0.25 for these labels)
        AnomalyMetrics flat =
                AnomalyMetrics.of(new double[] {1, 1, 1, 1}, new boolean[] {true, false, false, false}, 0.5);
        assertThat(flat.rocAuc()).isEqualTo(0.5);
        assertThat(flat.prAuc()).isEqualTo(0.25);
        // the one threshold flags every line: FPR 1 > 0.5, so nothing is flagged within the budget
        assertThat(flat.precisionAtFpr()).isZero();
        assertThat(flat.recallAtFpr()).isZero();
        // scores [3, 2, 2, 1] for labels [1, 1, 0, 0]: the tie at 2 is half a win; sklearn gives 0.875 and 0.8333...
        AnomalyMetrics tie =
                AnomalyMetrics.of(new double[] {3, 2, 2, 1}, new boolean[] {true, true, false, false}, 0.01);
        assertThat(tie.rocAuc()).isEqualTo(0.875);
        assertThat(tie.prAuc()).isCloseTo(0.5 * 1 + 0.5 * 2 / 3.0, within(1e-12));
    }

    @Test
    void precisionAtTheFalsePositiveBudget() {
        // 200 normal lines scored 0..199, anomalies at 150.5, 250 and 260: 1% FPR allows two false positives (199,
        // 198), so the threshold is 198: four lines flagged, two of them anomalies, the third anomaly missed
        int n = 203;
        double[] s = new double[n];
        boolean[] a = new boolean[n];
        for (int i = 0; i < 200; i++) s[i] = i;
        s[200] = 150.5;
        s[201] = 250;
        s[202] = 260;
        a[200] = a[201] = a[202] = true;
        AnomalyMetrics m = AnomalyMetrics.of(s, a, 0.01);
        assertThat(m.threshold()).isEqualTo(198.0);
        assertThat(m.precisionAtFpr()).isEqualTo(2.0 / 4); // 260, 250, 199, 198
        assertThat(m.recallAtFpr()).isEqualTo(2.0 / 3);
        // perfect separation: everything flagged at no cost
        AnomalyMetrics perfect =
                AnomalyMetrics.of(new double[] {0, 1, 5, 6}, new boolean[] {false, false, true, true}, 0.01);
        assertThat(perfect.rocAuc()).isEqualTo(1.0);
        assertThat(perfect.prAuc()).isEqualTo(1.0);
        assertThat(perfect.precisionAtFpr()).isEqualTo(1.0);
        assertThat(perfect.recallAtFpr()).isEqualTo(1.0);
    }

    @Test
    void oneClassIsRefused() {
        assertThatThrownBy(() -> AnomalyMetrics.of(new double[] {1, 2}, new boolean[] {true, true}, 0.01))
                .hasMessageContaining("need both");
    }
}
