package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessCountersTest {
    @Test
    void touchingFreshMemoryCountsPageFaultsAndACollectionCountsAsGc() {
        assumeThat(Files.isReadable(Path.of("/proc/self/stat")))
                .as("Linux /proc")
                .isTrue();
        ProcessCounters before = ProcessCounters.now();
        assertThat(before.minorFaults()).isPositive();
        assertThat(before.involuntarySwitches()).isNotNegative();
        // 64 MiB of fresh native memory, one write per 4 KiB page: at least a fault per page that was not mapped
        ByteBuffer fresh = ByteBuffer.allocateDirect(64 << 20);
        for (int i = 0; i < fresh.capacity(); i += 4096) fresh.put(i, (byte) 1);
        System.gc();
        ProcessCounters d = ProcessCounters.now().since(before);
        // a fault per fresh page: 16,384 of 4 KiB, or 32 where transparent huge pages of 2 MiB serve them
        assertThat(d.minorFaults()).isGreaterThanOrEqualTo(32);
        assertThat(d.majorFaults()).isNotNegative();
        assertThat(d.gcCount()).isPositive();
        assertThat(new ProcessCounters(-1, 5, 1, 0, 0).since(before).minorFaults())
                .isEqualTo(-1);
    }
}
