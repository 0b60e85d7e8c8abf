package dev.forja.dist;

import dev.forja.ForjaException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.gloo.Device;

/**
 * Opens {@link ProcessGroup}s the way torch.distributed's {@code init_process_group(backend="gloo")} does: a TCPStore
 * that rank 0 serves and the others join, then a ProcessGroupGloo whose ranks find each other through it.
 *
 * <p>Example: {@code try (ProcessGroup pg = ProcessGroups.open(Rendezvous.local(29500, rank, 2, timeout))) {
 * pg.allReduceSum(grads); }}
 */
public final class ProcessGroups {
    /** Store keys under which each rank announces itself, so that a timeout can name the ranks that never came. */
    private static final String JOINED = "forja/joined/";

    private static final String WORLD_SIZE = "forja/world_size";

    private static final Pattern SOURCE_LOCATION = Pattern.compile("^\\[[^\\]]+:\\d+\\] ");

    private ProcessGroups() {}

    /** The group torchrun's environment describes, or empty when this process runs alone. */
    public static Optional<ProcessGroup> fromEnvironment(Duration timeout) {
        return Rendezvous.fromEnvironment(System.getenv(), timeout).map(ProcessGroups::open);
    }

    /** Joins the group: blocks until all {@code r.worldSize()} ranks have joined, or fails after the timeout. */
    public static ProcessGroup open(Rendezvous r) {
        TCPStore store = openStore(r);
        try {
            awaitAllRanks(store, r);
            PrefixStore groupStore = new PrefixStore("forja_pg", store);
            try {
                ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(millis(r.timeout()));
                options.devices().push_back(device(r));
                return new ProcessGroup(
                        r, store, groupStore, new ProcessGroupGloo(groupStore, r.rank(), r.worldSize(), options));
            } catch (RuntimeException e) {
                groupStore.close();
                throw new ForjaException(
                        "rank " + r.rank() + " could not connect the gloo process group through "
                                + address(r) + ": " + firstLine(e)
                                + "; set GLOO_SOCKET_IFNAME to the interface the ranks"
                                + " reach each other on",
                        e);
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static TCPStore openStore(Rendezvous r) {
        boolean server = r.rank() == 0;
        try (TCPStoreOptions options = new TCPStoreOptions()) {
            options.port((short) r.masterPort()) // the C++ uint16_t: ports past 32767 wrap to the same bits
                    .isServer(server)
                    .waitWorkers(false) // awaitAllRanks waits, and can name who is missing
                    .timeout(millis(r.timeout()));
            return new TCPStore(r.masterAddr(), options);
        } catch (RuntimeException e) {
            String message = firstLine(e);
            if (server && (message.contains("EADDRINUSE") || message.contains("address already in use"))) {
                throw new ForjaException(
                        "MASTER_PORT " + r.masterPort() + " is in use on this machine: pick another"
                                + " (e.g. MASTER_PORT=" + (r.masterPort() % 65535 + 1)
                                + ") or stop the process holding it",
                        e);
            }
            if (server) {
                throw new ForjaException(
                        "rank 0 could not serve the rendezvous store on port " + r.masterPort() + ": " + message, e);
            }
            throw new ForjaException(
                    "rank " + r.rank() + " could not reach rank 0's store at " + address(r) + " within "
                            + r.timeout().toSeconds() + " s: " + message
                            + "; start rank 0 with the same MASTER_ADDR and"
                            + " MASTER_PORT, and check that the port is open",
                    e);
        }
    }

    /**
     * Every rank checks that it shares rank 0's world size, announces itself, then waits for the others; a rank that
     * disagrees never announces itself, so rank 0 names it as missing.
     */
    private static void awaitAllRanks(TCPStore store, Rendezvous r) {
        if (r.rank() == 0) {
            store.set(WORLD_SIZE, Integer.toString(r.worldSize()));
        } else {
            String agreed = store.get_to_str(WORLD_SIZE);
            if (!agreed.equals(Integer.toString(r.worldSize()))) {
                throw new ForjaException("rank " + r.rank() + " has WORLD_SIZE " + r.worldSize() + " but rank 0 has "
                        + agreed + ": start every rank with the same WORLD_SIZE");
            }
        }
        store.set(JOINED + r.rank(), "1");
        try (StringVector keys = new StringVector()) {
            for (int rank = 0; rank < r.worldSize(); rank++) keys.push_back(JOINED + rank);
            store._wait(keys, millis(r.timeout()));
        } catch (RuntimeException e) {
            List<Integer> missing = missingRanks(store, r.worldSize());
            if (missing.isEmpty()) {
                throw new ForjaException(
                        "rank " + r.rank() + " lost the rendezvous store at " + address(r) + ": " + firstLine(e)
                                + "; rank 0 has likely exited: see its log",
                        e);
            }
            throw new ForjaException(
                    (missing.size() == 1 ? "rank " : "ranks ") + join(missing) + " of "
                            + r.worldSize() + " did not join at " + address(r) + " within "
                            + r.timeout().toSeconds()
                            + " s: start " + (missing.size() == 1 ? "it" : "them")
                            + " with the same MASTER_ADDR, MASTER_PORT"
                            + " and WORLD_SIZE=" + r.worldSize(),
                    e);
        }
    }

    private static List<Integer> missingRanks(TCPStore store, int worldSize) {
        List<Integer> missing = new ArrayList<>();
        try {
            for (int rank = 0; rank < worldSize; rank++) {
                try (StringVector key = new StringVector(JOINED + rank)) {
                    if (!store.check(key)) missing.add(rank);
                }
            }
        } catch (RuntimeException storeGone) {
            return List.of();
        }
        return missing;
    }

    /**
     * The gloo TCP device: the interface torchrun's GLOO_SOCKET_IFNAME names; else loopback when every rank runs on
     * this machine; else the address this host's name resolves to, as torch.distributed does.
     */
    private static Device device(Rendezvous r) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) return ProcessGroupGloo.createDeviceForInterface(ifname.trim());
        if (r.isLoopback()) return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        return ProcessGroupGloo.createDefaultDevice();
    }

    /**
     * The message of a c10 or gloo error without what libtorch adds for its own developers: the native stack trace
     * after the first line, and gloo's leading {@code [/path/to/pair.cc:547] }.
     */
    static String firstLine(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return SOURCE_LOCATION.matcher(line).replaceFirst("");
    }

    private static String address(Rendezvous r) {
        return r.masterAddr() + ":" + r.masterPort();
    }

    private static Milliseconds millis(Duration d) {
        return new Milliseconds(d.toMillis());
    }

    private static String join(List<Integer> ranks) {
        return String.join(", ", ranks.stream().map(String::valueOf).toList());
    }
}
