package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OtherCpuTest {
    @Test
    void readsBusyAndTotalTicksFromTheCpuLine() {
        assertThat(OtherCpu.parse("cpu  100 0 50 800 10 0 5 2 0 0")).containsExactly(157, 967);
    }

    @Test
    void othersAreTheMachinesBusyCoresLessThisProcesss() {
        long s = 1_000_000_000L;
        // 1 s on 2 cores: 200 ticks; 150 busy = 1.5 cores, of which this process took 1.0
        OtherCpu.Sample a = new OtherCpu.Sample(1000, 5000, 0, 0);
        OtherCpu.Sample b = new OtherCpu.Sample(1150, 5200, s, s);
        assertThat(OtherCpu.others(a, b, 2)).isCloseTo(0.5, within(1e-9));
        // this process alone: nothing else ran (never below 0 from tick rounding)
        assertThat(OtherCpu.others(a, new OtherCpu.Sample(1090, 5200, s, s), 2)).isZero();
        // no /proc/stat
        assertThat(OtherCpu.others(new OtherCpu.Sample(-1, -1, 0, 0), b, 2)).isNaN();
    }
}
