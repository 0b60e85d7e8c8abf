package dev.forja.io.gguf;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a GGUF header front to back through a small buffer, checking every length against the bytes left in the
 * file, so a truncated or corrupt file is refused with a message instead of a huge allocation or a garbled value.
 */
final class GgufCursor {
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart; // file position of buffer[0]

    GgufCursor(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        buffer.limit(0);
    }

    /** The file position of the next byte. */
    long position() {
        return bufferStart + buffer.position();
    }

    long remaining() {
        return size - position();
    }

    /** An error about the file, naming it. */
    ForjaException error(String what) {
        return new ForjaException(file + ": " + what);
    }

    private ByteBuffer need(int n, String what) {
        if (buffer.remaining() >= n) return buffer;
        if (remaining() < n) {
            throw error("truncated: the file ends at byte " + size + " while reading " + what + " at byte " + position()
                    + "; download or export it again");
        }
        bufferStart = position();
        buffer.compact();
        try {
            while (buffer.position() < n) {
                if (channel.read(buffer, bufferStart + buffer.position()) < 0) break;
            }
        } catch (IOException e) {
            throw new ForjaException(file + ": could not read: " + e.getMessage(), e);
        }
        buffer.flip();
        return buffer;
    }

    int u8(String what) {
        return need(1, what).get() & 0xff;
    }

    int u16(String what) {
        return need(2, what).getShort() & 0xffff;
    }

    long u32(String what) {
        return need(4, what).getInt() & 0xffffffffL;
    }

    long u64(String what) {
        return need(8, what).getLong();
    }

    /** A count of things each at least {@code minBytes} long, checked against the rest of the file. */
    long count(String what, int minBytes) {
        long n = u64(what);
        if (n < 0 || n > remaining() / minBytes) {
            throw error("truncated or corrupt: " + what + " " + Long.toUnsignedString(n) + " does not fit in the "
                    + remaining() + " bytes left at byte " + position());
        }
        return n;
    }

    String string(String what) {
        long len = count("length of " + what, 1);
        if (len > Integer.MAX_VALUE - 8) throw error("corrupt: " + what + " of " + len + " bytes");
        byte[] bytes = new byte[(int) len];
        int done = 0;
        while (done < bytes.length) {
            int k = Math.min(bytes.length - done, buffer.capacity());
            need(k, what).get(bytes, done, k);
            done += k;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error("corrupt: " + what + " at byte " + (position() - len) + " is not UTF-8");
        }
    }

    /** One metadata value of {@code type}, held as {@link GgufValue} holds it. */
    Object scalar(GgufValueType type, String what) {
        return switch (type) {
            case UINT8 -> (long) u8(what);
            case INT8 -> (long) (byte) u8(what);
            case UINT16 -> (long) u16(what);
            case INT16 -> (long) (short) u16(what);
            case UINT32 -> u32(what);
            case INT32 -> (long) (int) u32(what);
            case UINT64, INT64 -> u64(what);
            case FLOAT32 -> Float.intBitsToFloat((int) u32(what));
            case FLOAT64 -> Double.longBitsToDouble(u64(what));
            case BOOL -> {
                int b = u8(what);
                if (b > 1) throw error("corrupt: " + what + " is a BOOL of value " + b + " (must be 0 or 1)");
                yield b == 1;
            }
            case STRING -> string(what);
            case ARRAY -> throw error("unsupported: " + what + " is an array of arrays");
        };
    }
}
