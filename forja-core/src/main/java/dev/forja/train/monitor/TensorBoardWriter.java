package dev.forja.train.monitor;

import dev.forja.ForjaException;
import dev.forja.io.ProtoFormatException;
import dev.forja.io.ProtoReader;
import dev.forja.io.ProtoWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes scalars to a TensorBoard event file, {@code events.out.tfevents.<unix-seconds>.<hostname>}, that
 * {@code tensorboard --logdir <runDir>} shows.
 *
 * <p>The file is a sequence of {@link TfRecord TFRecord}s, each holding one serialized {@code tensorboard.Event}
 * (field numbers from {@code tensorboard/compat/proto/event.proto} and {@code summary.proto}):
 *
 * <pre>
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 * </pre>
 *
 * The first event carries {@code file_version: "brain.Event:2"}; every later one a summary of scalars.
 *
 * <p>Example: {@code try (var tb = TensorBoardWriter.open(runDir)) { tb.scalar("train/loss", 40, 2.31); }}
 */
public final class TensorBoardWriter implements AutoCloseable {
    static final String FILE_VERSION = "brain.Event:2";

    // Event fields.
    private static final int WALL_TIME = 1, STEP = 2, VERSION = 3, SUMMARY = 5;
    // Summary and Summary.Value fields.
    private static final int VALUE = 1, TAG = 1, SIMPLE_VALUE = 2;

    private final Path file;
    private final OutputStream out;

    private TensorBoardWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Creates the run directory if needed and a new event file inside it, and writes the version event. */
    public static TensorBoardWriter open(Path runDir) {
        try {
            Files.createDirectories(runDir);
            long seconds = System.currentTimeMillis() / 1000;
            String base = "events.out.tfevents." + seconds + "." + hostname();
            Path file = runDir.resolve(base);
            // Two writers in the same second (a quick resume) must not clobber each other; TensorBoard reads
            // every file whose name contains "tfevents".
            for (int n = 1; Files.exists(file); n++) file = runDir.resolve(base + "." + n);
            OutputStream out = new BufferedOutputStream(
                    Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            TensorBoardWriter writer = new TensorBoardWriter(file, out);
            writer.write(new ProtoWriter().doubleField(WALL_TIME, now()).string(VERSION, FILE_VERSION));
            writer.flush();
            return writer;
        } catch (IOException e) {
            throw new ForjaException(
                    "cannot create a TensorBoard event file in " + runDir + ": " + e.getMessage()
                            + " (check that the directory is writable)",
                    e);
        }
    }

    /**
     * Keeps only the events of steps at most {@code step} in the run directory's event files, rewriting each one
     * atomically, and deletes a file left without scalars; used when a run resumes from the checkpoint of that step,
     * so TensorBoard does not draw the abandoned steps twice. A record cut short by a kill ends its file.
     */
    public static void truncateAfter(Path runDir, long step) {
        try (java.util.stream.Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(TensorBoardWriter::isEventFile).sorted().toList()) truncateFile(f, step);
        } catch (IOException | ProtoFormatException e) {
            throw new ForjaException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file name is that of an event file TensorBoard reads. */
    public static boolean isEventFile(Path file) {
        return file.getFileName().toString().startsWith("events.out.tfevents.") && Files.isRegularFile(file);
    }

    private static void truncateFile(Path file, long step) throws IOException {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        boolean scalars = false;
        boolean dropped = false;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            for (byte[] event; (event = readOrNull(in)) != null; ) {
                long[] stepAndSummary = stepAndSummary(event);
                if (stepAndSummary[0] > step) {
                    dropped = true;
                    continue;
                }
                scalars |= stepAndSummary[1] == 1;
                TfRecord.write(kept, event);
            }
        }
        if (!scalars) {
            Files.delete(file);
        } else if (dropped || kept.size() != Files.size(file)) {
            byte[] bytes = kept.toByteArray();
            dev.forja.io.AtomicFile.write(file, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
        }
    }

    private static byte[] readOrNull(java.io.InputStream in) {
        try {
            return TfRecord.read(in);
        } catch (IOException e) {
            return null; // a record cut short by a kill, or corrupt: what follows cannot be trusted
        }
    }

    /** An event's step and whether it holds a summary (1) or not (0). */
    private static long[] stepAndSummary(byte[] event) {
        long step = 0;
        long summary = 0;
        ProtoReader r = new ProtoReader(event);
        while (r.next()) {
            if (r.field() == STEP) {
                step = r.varint();
            } else {
                if (r.field() == SUMMARY) summary = 1;
                r.skip();
            }
        }
        return new long[] {step, summary};
    }

    /** The event file being written. */
    public Path file() {
        return file;
    }

    /** Records one scalar; TensorBoard stores it as a 32-bit float. */
    public void scalar(String tag, long step, double value) {
        scalars(step, Map.of(tag, value));
    }

    /** Records several scalars of one step in a single event. */
    public void scalars(long step, Map<String, Double> values) {
        ProtoWriter summary = new ProtoWriter();
        values.forEach((tag, value) -> summary.message(
                VALUE, new ProtoWriter().string(TAG, tag).floatField(SIMPLE_VALUE, value.floatValue())));
        write(new ProtoWriter().doubleField(WALL_TIME, now()).int64(STEP, step).message(SUMMARY, summary));
    }

    /** Pushes buffered events to the file, so a running TensorBoard sees them. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    private void write(ProtoWriter event) {
        try {
            TfRecord.write(out, event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static String hostname() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "localhost" : safe;
    }
}
