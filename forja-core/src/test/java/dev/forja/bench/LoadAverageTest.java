package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadAverageTest {
    @Test
    void readsTheOneMinuteFieldOfProcLoadavg() {
        assertThat(LoadAverage.parse("2.95 3.01 2.38 4/512 12345\n")).hasValue(2.95);
        assertThat(LoadAverage.parse("")).isEmpty();
        assertThat(LoadAverage.parse("busy")).isEmpty();
    }

    @Test
    void aMachineIsBusyAboveItsCoresLessHalfACore() {
        assertThat(LoadAverage.busy(1.4, 2)).isFalse();
        assertThat(LoadAverage.busy(1.6, 2)).isTrue();
        assertThat(LoadAverage.busy(15.4, 16)).isFalse();
        assertThat(LoadAverage.busy(15.6, 16)).isTrue();
        assertThat(LoadAverage.warning(1.6, 2)).contains("busy", "1.60", "2 cores", "lower bounds");
    }
}
