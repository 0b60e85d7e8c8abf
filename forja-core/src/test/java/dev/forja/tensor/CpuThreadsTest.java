package dev.forja.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuThreadsTest {
    @AfterEach
    void restore() {
        CpuThreads.use(CpuThreads.all(), false);
    }

    @Test
    void tasksRunOnceEachOverTheCoresWithOneBlasThreadAndAFailureComesBackAfterAllEnd() {
        CpuThreads.use(2, true);
        int[] runs = new int[50];
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int[] blas = new int[50];
        boolean[] inShare = new boolean[50];
        CpuThreads.forEachTask(50, i -> {
            runs[i]++;
            blas[i] = openblas_nolapack.blas_get_num_threads();
            inShare[i] = CpuThreads.inShare();
            threads.add(Thread.currentThread());
            try {
                Thread.sleep(2); // long enough that the other thread takes some
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(runs).containsOnly(1);
        assertThat(blas).containsOnly(1);
        assertThat(inShare).as("each task knows it runs in a share").containsOnly(true);
        assertThat(CpuThreads.inShare()).as("the caller's thread, after").isFalse();
        assertThat(threads).hasSize(2).contains(Thread.currentThread());
        assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(2); // restored

        java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
        assertThatThrownBy(() -> CpuThreads.runShares(2, w -> {
                    try {
                        if (w == 0) throw new ForjaException("share 0 failed");
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        ended.incrementAndGet();
                    }
                }))
                .isInstanceOf(ForjaException.class)
                .hasMessage("share 0 failed");
        assertThat(ended.get()).isEqualTo(2); // share 1 had ended before the failure came back
    }

    @Test
    void float32WorkGivesTheCoresToTheBlasAndOneThreadToLibtorch() {
        CpuThreads.use(2, true);
        assertThat(torch.get_num_threads()).isEqualTo(1);
        assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(2);
        assertThat(CpuThreads.count()).isEqualTo(2);
    }

    @Test
    void bf16WorkGivesLibtorchTheThreads() {
        CpuThreads.use(2, false);
        assertThat(torch.get_num_threads()).isEqualTo(2);
        assertThat(CpuThreads.count()).isEqualTo(2);
        CpuThreads.use(1, false);
        assertThat(torch.get_num_threads()).isEqualTo(1);
        assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(1);
    }

    @Test
    void bf16TrainingLeavesOpenBlasNoWorkersToSpin() {
        CpuThreads.useForTraining(2, true);
        assertThat(torch.get_num_threads()).isEqualTo(2);
        assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(1);
        assertThat(CpuThreads.count()).isEqualTo(2);
        CpuThreads.useForTraining(2, false); // float32 training: as any float32 work
        assertThat(torch.get_num_threads()).isEqualTo(1);
        assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(2);
        assertThatThrownBy(() -> CpuThreads.useForTraining(0, true)).isInstanceOf(ForjaException.class);
    }

    @Test
    void zeroThreadsIsRefused() {
        assertThatThrownBy(() -> CpuThreads.use(0, true))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--threads");
    }
}
