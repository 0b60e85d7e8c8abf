package dev.forja.train.monitor;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files. Each record is
 *
 * <pre>
 *   u64 LE  length
 *   u32 LE  masked CRC32C of the 8 length bytes
 *   bytes   data
 *   u32 LE  masked CRC32C of the data
 * </pre>
 *
 * The mask rotates the CRC right by 15 bits and adds a constant, because a CRC of data that itself holds CRCs
 * is weak.
 */
final class TfRecord {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    /** The plain CRC32C (Castagnoli) of a byte range. */
    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** The masked CRC32C TFRecord stores: {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        int crc = crc32c(bytes, offset, length);
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Writes one framed record. */
    static void write(OutputStream out, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc32c(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc32c(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
    }

    /**
     * Reads one record and checks both CRCs.
     *
     * @return the record's data, or {@code null} at a clean end of stream
     * @throws IOException on a truncated record or a CRC mismatch (message says which)
     */
    static byte[] read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[12];
        int first = data.read(header, 0, 1);
        if (first < 0) return null;
        data.readFully(header, 1, 11);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong();
        int lengthCrc = h.getInt();
        if (lengthCrc != maskedCrc32c(header, 0, 8)) throw new IOException("corrupt record: length CRC mismatch");
        if (length < 0 || length > Integer.MAX_VALUE - 8) throw new IOException("corrupt record: length " + length);
        byte[] payload = new byte[(int) length];
        byte[] footer = new byte[4];
        try {
            data.readFully(payload);
            data.readFully(footer);
        } catch (EOFException e) {
            throw new IOException("truncated record: expected " + length + " bytes of data", e);
        }
        int dataCrc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dataCrc != maskedCrc32c(payload, 0, payload.length)) {
            throw new IOException("corrupt record: data CRC mismatch");
        }
        return payload;
    }
}
