package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainValSplitTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void defaultSplitIsEightyTwentyAndCoversEverySampleOnce() {
        TrainValSplit.Parts<Integer> parts = TrainValSplit.defaults(42).split(HUNDRED);
        assertThat(parts.train()).hasSize(80).isSorted();
        assertThat(parts.validation()).hasSize(20).isSorted();
        List<Integer> all = new ArrayList<>(parts.train());
        all.addAll(parts.validation());
        assertThat(all).containsExactlyInAnyOrderElementsOf(HUNDRED);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        assertThat(TrainValSplit.defaults(7).split(HUNDRED))
                .isEqualTo(TrainValSplit.defaults(7).split(HUNDRED));
        assertThat(TrainValSplit.defaults(7).split(HUNDRED).validation())
                .isNotEqualTo(TrainValSplit.defaults(8).split(HUNDRED).validation());
    }

    @Test
    void smallDatasetsKeepOneOnEachSide() {
        assertThat(TrainValSplit.defaults(1).split(List.of("a", "b")).validation())
                .hasSize(1);
        assertThat(TrainValSplit.defaults(1).split(List.of("a")).train()).containsExactly("a");
        assertThat(new TrainValSplit(0, 1).split(HUNDRED).validation()).isEmpty();
    }

    @Test
    void fractionMustBeBelowOne() {
        assertThatThrownBy(() -> new TrainValSplit(1.0, 1))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("[0, 1)");
    }

    @Test
    void stratifiedSplitKeepsEachLabelsShare() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) rows.add("a" + i);
        for (int i = 0; i < 10; i++) rows.add("b" + i);
        rows.add("c0"); // a lone example stays in training
        TrainValSplit.Parts<String> parts = TrainValSplit.defaults(3).stratified(rows, s -> s.substring(0, 1));
        assertThat(parts.validation().stream().filter(s -> s.startsWith("a"))).hasSize(10);
        assertThat(parts.validation().stream().filter(s -> s.startsWith("b"))).hasSize(2);
        assertThat(parts.train()).contains("c0").hasSize(49);
        List<String> all = new ArrayList<>(parts.train());
        all.addAll(parts.validation());
        assertThat(all).containsExactlyInAnyOrderElementsOf(rows);
        assertThat(TrainValSplit.defaults(3).stratified(rows, s -> s.substring(0, 1)))
                .isEqualTo(parts);
        assertThat(TrainValSplit.defaults(4).stratified(rows, s -> s.substring(0, 1)))
                .isNotEqualTo(parts);
    }
}
