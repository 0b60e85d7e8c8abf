package dev.forja.train.monitor;

import dev.forja.ForjaException;
import dev.forja.io.ProtoFormatException;
import dev.forja.io.ProtoReader;
import dev.forja.io.ProtoWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the scalars of a TensorBoard event file, checking every record's CRCs. It understands what
 * {@link TensorBoardWriter} writes ({@code simple_value} scalars) and skips every other field.
 */
public final class TensorBoardReader {
    /** One scalar as stored: TensorBoard keeps values as 32-bit floats. */
    public record Scalar(String tag, long step, double value, double wallTime) {}

    /** The file's version string (e.g. {@code brain.Event:2}) and its scalars in file order. */
    public record Contents(String fileVersion, List<Scalar> scalars) {}

    private TensorBoardReader() {}

    public static Contents read(Path file) {
        String version = null;
        List<Scalar> scalars = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            int record = 0;
            for (byte[] event; (event = readRecord(in, file, record)) != null; record++) {
                version = parseEvent(event, scalars, version);
            }
        } catch (IOException | ProtoFormatException e) {
            throw new ForjaException("cannot read TensorBoard events " + file + ": " + e.getMessage(), e);
        }
        return new Contents(version, List.copyOf(scalars));
    }

    private static byte[] readRecord(InputStream in, Path file, int index) {
        try {
            return TfRecord.read(in);
        } catch (IOException e) {
            throw new ForjaException(file + ": record " + index + ": " + e.getMessage(), e);
        }
    }

    private static String parseEvent(byte[] event, List<Scalar> out, String version) {
        double wallTime = 0;
        long step = 0;
        List<ProtoReader> summaries = new ArrayList<>();
        ProtoReader r = new ProtoReader(event);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> wallTime = r.fixed64AsDouble();
                case 2 -> step = r.varint();
                case 3 -> version = r.string();
                case 5 -> summaries.add(r.message());
                default -> r.skip();
            }
        }
        for (ProtoReader s : summaries) {
            while (s.next()) {
                if (s.field() == 1) parseValue(s.message(), step, wallTime, out);
                else s.skip();
            }
        }
        return version;
    }

    private static void parseValue(ProtoReader v, long step, double wallTime, List<Scalar> out) {
        String tag = null;
        Float simple = null;
        while (v.next()) {
            if (v.field() == 1) tag = v.string();
            else if (v.field() == 2 && v.wireType() == ProtoWriter.FIXED32) simple = v.fixed32AsFloat();
            else v.skip();
        }
        if (tag != null && simple != null) out.add(new Scalar(tag, step, simple, wallTime));
    }
}
