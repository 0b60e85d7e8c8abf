package dev.forja.dist;

import dev.forja.ForjaException;
import java.time.Duration;
import java.util.Arrays;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One rank of {@link ProcessGroupsTest}'s two-process group, run in a JVM of its own with torchrun's environment
 * (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK).
 * Rank r all-reduces (r + 1) · [1, 2, 3] in float32 and in bfloat16 and prints both sums, one line each. With the
 * argument {@code kill-rank-1}, rank 1 dies (no shutdown hooks, no close) after the float32 all-reduce.
 */
public final class AllReduceWorker {
    public static void main(String[] args) {
        try (ProcessGroup pg = ProcessGroups.fromEnvironment(Duration.ofSeconds(60))
                .orElseThrow(() -> new ForjaException("torchrun's environment is not set"))) {
            int rank = pg.rank();
            Tensor f32 = torch.arange(new Scalar(1), new Scalar(4), new TensorOptions(ScalarType.Float))
                    .mul(new Scalar(rank + 1)); // (3)
            Tensor bf16 = f32.to(ScalarType.BFloat16); // (3)
            pg.allReduceSum(f32);
            if (rank == 1 && args.length > 0 && args[0].equals("kill-rank-1"))
                Runtime.getRuntime().halt(3);
            pg.allReduceSum(bf16);
            System.out.println("float32 " + Arrays.toString(values(f32)));
            System.out.println("bfloat16 " + Arrays.toString(values(bf16)));
        } catch (ForjaException e) {
            System.out.println("forja: error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static float[] values(Tensor t) {
        Tensor f = t.to(ScalarType.Float).contiguous();
        float[] out = new float[(int) f.numel()];
        for (int i = 0; i < out.length; i++) out[i] = f.get(i).item_float();
        return out;
    }
}
