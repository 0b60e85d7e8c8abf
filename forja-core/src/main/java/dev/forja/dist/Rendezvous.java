package dev.forja.dist;

import dev.forja.ForjaException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where and as whom a process joins its group, in torchrun's terms: rank 0 serves the TCPStore at {@code masterAddr}
 * : {@code masterPort}, the other {@code worldSize - 1} ranks connect to it. {@code timeout} bounds the rendezvous and
 * every collective.
 */
public record Rendezvous(String masterAddr, int masterPort, int rank, int worldSize, int localRank, Duration timeout) {

    /** torchrun's variables, in the order it documents them. */
    static final List<String> VARIABLES = List.of("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "LOCAL_RANK");

    /** torch.distributed's default process-group timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    public Rendezvous {
        require(masterAddr != null && !masterAddr.isBlank(), "MASTER_ADDR is empty: set the address of rank 0's host");
        require(
                0 < masterPort && masterPort <= 65535,
                "MASTER_PORT " + masterPort + " is not a TCP port: pick one in 1..65535 (torchrun uses 29500)");
        require(worldSize >= 1, "WORLD_SIZE " + worldSize + " must be at least 1");
        require(0 <= rank && rank < worldSize, "RANK " + rank + " must be within [0, WORLD_SIZE " + worldSize + ")");
        require(localRank >= 0, "LOCAL_RANK " + localRank + " must be at least 0");
        require(
                timeout != null && !timeout.isNegative() && !timeout.isZero(),
                "the process-group timeout must be positive, got " + timeout);
    }

    /** This process on the loopback interface: what {@code --nproc-per-node} on one machine starts. */
    public static Rendezvous local(int port, int rank, int worldSize, Duration timeout) {
        return new Rendezvous("127.0.0.1", port, rank, worldSize, rank, timeout);
    }

    /**
     * The rendezvous torchrun describes in {@code env}, or empty when none of its variables is set (a single process).
     * Some set and some not, or a value that is not a number, is an error naming the variable.
     */
    public static Optional<Rendezvous> fromEnvironment(Map<String, String> env, Duration timeout) {
        List<String> missing = new ArrayList<>();
        for (String v : VARIABLES) {
            if (env.get(v) == null || env.get(v).isBlank()) missing.add(v);
        }
        if (missing.size() == VARIABLES.size()) return Optional.empty();
        if (!missing.isEmpty()) {
            throw new ForjaException("torchrun's environment is incomplete: " + String.join(", ", missing)
                    + " not set; set all of " + String.join(", ", VARIABLES) + ", or none to run as one process");
        }
        return Optional.of(new Rendezvous(
                env.get("MASTER_ADDR").trim(),
                number(env, "MASTER_PORT"),
                number(env, "RANK"),
                number(env, "WORLD_SIZE"),
                number(env, "LOCAL_RANK"),
                timeout));
    }

    /** torchrun's variables for this process, as {@link #fromEnvironment} reads them back: what a launcher sets. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MASTER_ADDR", masterAddr);
        env.put("MASTER_PORT", Integer.toString(masterPort));
        env.put("RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(worldSize));
        env.put("LOCAL_RANK", Integer.toString(localRank));
        return env;
    }

    /** Whether the master address is this machine's loopback, where every rank runs on one host. */
    boolean isLoopback() {
        return masterAddr.equals("localhost") || masterAddr.startsWith("127.") || masterAddr.equals("::1");
    }

    private static int number(Map<String, String> env, String name) {
        String value = env.get(name).trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ForjaException(name + "=" + value + " is not a whole number: set it as torchrun does (e.g. "
                    + name + "=" + (name.equals("MASTER_PORT") ? "29500" : "0") + ")");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new ForjaException(message);
    }
}
