package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.dist.Rendezvous;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import picocli.CommandLine.Option;

/**
 * {@code forja train}'s launcher flags, torchrun's: how many rank processes to start on this machine, on how many
 * machines, and where they meet. They are not TrainConfig keys (a run's config.yaml never holds them); the launcher
 * strips them from the arguments it hands each rank ({@link #rankArgs}) and says who each rank is through torchrun's
 * environment variables ({@link #rankEnv}).
 *
 * <p>Example: {@code --nproc-per-node 2 --nnodes 2 --node-rank 1 --master-addr 10.0.0.1} starts ranks 2 and 3 of 4,
 * which meet rank 0 at 10.0.0.1:29500.
 */
final class LaunchOptions {
    /** torchrun's default rendezvous port, used when several machines must agree on one. */
    static final int DEFAULT_PORT = 29500;

    /** The flags {@link #rankArgs} removes, each with its value. */
    static final List<String> FLAGS =
            List.of("--nproc-per-node", "--nnodes", "--node-rank", "--master-addr", "--master-port", "--max-restarts");

    @Option(
            names = "--nproc-per-node",
            paramLabel = "N",
            defaultValue = "1",
            description = "Processes (ranks) to start on this machine, each with cores / N threads unless --threads "
                    + "says; 1 trains in this process (default: ${DEFAULT-VALUE}).")
    int nprocPerNode;

    @Option(
            names = "--nnodes",
            paramLabel = "N",
            defaultValue = "1",
            description = "Machines taking part, each running this command with its own --node-rank "
                    + "(default: ${DEFAULT-VALUE}).")
    int nnodes;

    @Option(
            names = "--node-rank",
            paramLabel = "R",
            defaultValue = "0",
            description = "This machine's number, 0 to --nnodes - 1; node 0 holds rank 0 (default: ${DEFAULT-VALUE}).")
    int nodeRank;

    @Option(
            names = "--master-addr",
            paramLabel = "HOST",
            description = "Address of node 0, where rank 0 serves the rendezvous (default: 127.0.0.1; required "
                    + "with --nnodes > 1).")
    String masterAddr;

    @Option(
            names = "--master-port",
            paramLabel = "PORT",
            description = "The rendezvous port (default: a free port on this machine with --nnodes 1, else "
                    + DEFAULT_PORT + ").")
    Integer masterPort;

    @Option(
            names = "--max-restarts",
            paramLabel = "K",
            defaultValue = "0",
            description = "When a rank fails, restart all of this machine's ranks from the last checkpoint up to K "
                    + "times (default: ${DEFAULT-VALUE}).")
    int maxRestarts;

    /**
     * Whether {@code forja train} starts rank processes instead of training in this one: several ranks, several
     * machines, or restarts to supervise (which need the run in a child process, even one).
     */
    boolean launches() {
        return nprocPerNode > 1 || nnodes > 1 || maxRestarts > 0;
    }

    /** Checks the flags together; a bad combination is an error saying what to pass. */
    void check() {
        require(nprocPerNode >= 1, "--nproc-per-node must be at least 1, got " + nprocPerNode);
        require(nnodes >= 1, "--nnodes must be at least 1, got " + nnodes);
        require(
                0 <= nodeRank && nodeRank < nnodes,
                "--node-rank " + nodeRank + " is not one of this run's " + nnodes + " node(s): number them 0 to "
                        + (nnodes - 1) + " (--nnodes " + nnodes + ")");
        require(
                nnodes == 1 || (masterAddr != null && !masterAddr.isBlank()),
                "--nnodes " + nnodes + " needs --master-addr HOST: node 0's address, where rank 0 serves the "
                        + "rendezvous, the same on every node");
        require(
                masterPort == null || (0 < masterPort && masterPort <= 65535),
                "--master-port " + masterPort + " is not a TCP port: pick one in 1..65535 (torchrun uses "
                        + DEFAULT_PORT + ")");
        require(maxRestarts >= 0, "--max-restarts must be 0 or more, got " + maxRestarts);
    }

    /** Ranks in the whole run: processes per node × nodes. */
    int worldSize() {
        return nprocPerNode * nnodes;
    }

    /** Global rank of this node's {@code localRank}-th process. */
    int rank(int localRank) {
        return nodeRank * nprocPerNode + localRank;
    }

    String masterAddr() {
        return masterAddr == null ? "127.0.0.1" : masterAddr;
    }

    /**
     * The rendezvous port of one attempt: {@code --master-port}, else with one node a port free on loopback now (as
     * torchrun --standalone picks one: a fresh one per attempt), else torchrun's 29500, which every node can know.
     */
    int port() {
        if (masterPort != null || nnodes > 1) {
            int port = masterPort != null ? masterPort : DEFAULT_PORT;
            if (nodeRank == 0) requireFree(port); // rank 0 serves the rendezvous there: fail before any rank starts
            return port;
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on loopback", e);
        }
    }

    /** Fails, saying what to do, when {@code port} cannot be bound on this machine (another process holds it). */
    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a port our own previous attempt left in TIME_WAIT is free to the store too
            s.bind(new java.net.InetSocketAddress(port));
        } catch (IOException e) {
            throw new ForjaException("--master-port " + port + " is in use on this machine (" + e.getMessage()
                    + "): pick another port, or stop the process holding it");
        }
    }

    /** The threads each rank gets when the user set none: the cores shared out, at least one. */
    int threadsPerRank(int cores) {
        return Math.max(1, cores / nprocPerNode);
    }

    /**
     * The arguments of one rank's {@code forja train}: the user's, less the launcher flags ({@code --flag v} and
     * {@code --flag=v}); then {@code --threads threads} unless {@code threads} is null (the user set them); then, when
     * {@code resume}, {@code --resume} in place of any {@code --resume[=x]} the user wrote.
     *
     * <p>Example: {@code [--nproc-per-node, 2, --data, d.jsonl]}, 1 thread, resume → {@code [--data, d.jsonl,
     * --threads, 1, --resume]}.
     */
    static List<String> rankArgs(List<String> userArgs, Integer threads, boolean resume) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < userArgs.size(); i++) {
            String a = userArgs.get(i);
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (FLAGS.contains(flag)) {
                if (flag.equals(a)) i++; // its value is the next argument
            } else if (resume && flag.equals("--resume")) {
                boolean valueFollows = flag.equals(a)
                        && i + 1 < userArgs.size()
                        && userArgs.get(i + 1).matches("(?i)true|false");
                if (valueFollows) i++;
            } else {
                out.add(a);
            }
        }
        if (threads != null) out.addAll(List.of("--threads", Integer.toString(threads)));
        if (resume) out.add("--resume");
        return out;
    }

    /**
     * torchrun's environment for this node's {@code localRank}-th process, plus {@code OMP_NUM_THREADS}: what the rank
     * reads to join the group.
     *
     * @param restart how many times the group has been restarted (torchrun's TORCHELASTIC_RESTART_COUNT)
     */
    Map<String, String> rankEnv(int localRank, int port, int threads, int restart) {
        Map<String, String> env = new Rendezvous(
                        masterAddr(), port, rank(localRank), worldSize(), localRank, Rendezvous.DEFAULT_TIMEOUT)
                .environment();
        env.put("LOCAL_WORLD_SIZE", Integer.toString(nprocPerNode));
        env.put("GROUP_RANK", Integer.toString(nodeRank));
        env.put("TORCHELASTIC_RESTART_COUNT", Integer.toString(restart));
        env.put("TORCHELASTIC_MAX_RESTARTS", Integer.toString(maxRestarts));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        return env;
    }

    /**
     * The ranks of each attempt on this machine, for {@link RankLauncher#run}: each runs {@code command} on
     * {@code train} + {@link #rankArgs} (with {@code --resume} from the second attempt on, unless {@code resumes}
     * already: the trainer then continues from the last checkpoint, or starts afresh when there is none) in
     * {@link #rankEnv}, at a port chosen per attempt; the rendezvous is announced on {@code err}.
     *
     * @param threads the {@code --threads} to add, or null when the user set them
     * @param perRank each rank's threads, for OMP_NUM_THREADS and the announcement
     * @param command the command line that runs {@code forja ARGS} ({@link ChildJvm#forja} outside tests)
     */
    IntFunction<List<RankLauncher.Rank>> group(
            List<String> userArgs,
            Integer threads,
            int perRank,
            boolean resumes,
            Function<List<String>, List<String>> command,
            PrintStream err) {
        return attempt -> {
            int port = port();
            List<String> args = new ArrayList<>(List.of("train"));
            args.addAll(rankArgs(userArgs, threads, attempt > 1 && !resumes));
            err.printf(
                    "forja: ranks %d to %d of %d on this machine, %d thread%s each; rendezvous at %s:%d%n",
                    rank(0), rank(nprocPerNode - 1), worldSize(), perRank, perRank == 1 ? "" : "s", masterAddr(), port);
            List<RankLauncher.Rank> ranks = new ArrayList<>();
            for (int local = 0; local < nprocPerNode; local++) {
                ranks.add(new RankLauncher.Rank(
                        rank(local), command.apply(args), rankEnv(local, port, perRank, attempt - 1)));
            }
            return ranks;
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new ForjaException(message);
    }
}
