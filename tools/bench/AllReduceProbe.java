// All-reduce speed of forja's gloo process group (issue 14) between 2 JVMs on this machine, over loopback TCP. Not
// part of the build: run it with the CLI's classpath (`./forja --version` builds it).
//
//   java -cp "forja-cli/target/forja-cli-0.1.0-SNAPSHOT.jar:$(cat forja-cli/target/classpath.txt)" \
//       tools/bench/AllReduceProbe.java [FLOATS] [REPEATS]
//
// Starts ranks 0 and 1 as child JVMs (this file again, with `rank R PORT FLOATS REPEATS`); each all-reduces (sums) a
// float32 tensor of FLOATS elements (default 124,000,000: GPT-2 124M's gradients) REPEATS times (default 5) after one
// warm-up; rank 0 prints the best and the median in ms with the GB/s they imply (tensor bytes / time, nccl-tests'
// "algbw"; for 2 ranks its "busbw" is the same).
import dev.forja.dist.ProcessGroup;
import dev.forja.dist.ProcessGroups;
import dev.forja.dist.Rendezvous;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

public class AllReduceProbe {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("rank")) {
            int rank = Integer.parseInt(args[1]);
            int port = Integer.parseInt(args[2]);
            rank(rank, port, Long.parseLong(args[3]), Integer.parseInt(args[4]));
            return;
        }
        long floats = args.length > 0 ? Long.parseLong(args[0]) : 124_000_000L;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String source = System.getProperty("jdk.launcher.sourcefile", "tools/bench/AllReduceProbe.java");
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), source);
            String n = Long.toString(floats);
            List<String> rankArgs = List.of("rank", Integer.toString(r), Integer.toString(port), n, "" + repeats);
            List<String> all = new ArrayList<>(command);
            all.addAll(rankArgs);
            ranks.add(new ProcessBuilder(all).inheritIO().start());
        }
        int failed = 0;
        for (Process p : ranks) failed += p.waitFor() == 0 ? 0 : 1;
        System.exit(failed == 0 ? 0 : 1);
    }

    static void rank(int rank, int port, long floats, int repeats) {
        try (ProcessGroup pg = ProcessGroups.open(Rendezvous.local(port, rank, 2, Duration.ofMinutes(5)))) {
            Tensor t = torch.full(new long[] {floats}, new Scalar(1.0f)); // (FLOATS)
            pg.allReduceSum(t); // warm-up: gloo's buffers and pairs
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                pg.allReduceSum(t);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            if (rank != 0) return; // both ranks wait for the same exchange: one report
            double gb = floats * 4 / 1e9;
            System.out.printf(
                    "all-reduce of %,d float32 (%.2f GB), %d runs: best %.0f ms (%.2f GB/s), median %.0f ms"
                            + " (%.2f GB/s)%n",
                    floats, gb, repeats, ms[0], gb / ms[0] * 1e3, ms[repeats / 2], gb / ms[repeats / 2] * 1e3);
        }
    }
}
