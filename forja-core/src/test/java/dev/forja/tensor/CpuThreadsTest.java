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
