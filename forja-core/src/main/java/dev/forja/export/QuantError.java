package dev.forja.export;

import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufType;
import dev.forja.io.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How far one tensor of a GGUF file is from the weights it was made from: {@code ||W - deq(q(W))|| / ||W||}, the
 * relative RMS error of the values a reader of the file sees (0 for a zero tensor, which every type stores exactly).
 *
 * @param tensor the GGUF name
 * @param type the type it is stored in
 * @param elements its number of values
 * @param relativeRmsError {@code ||W - deq(q(W))||₂ / ||W||₂}
 */
public record QuantError(String tensor, GgufType type, long elements, double relativeRmsError) {

    /** Values encoded per chunk: a multiple of every block size. */
    private static final int CHUNK = 1 << 15;

    /**
     * Encodes {@code values} in the sink's tensor type and writes them, decoding each encoded chunk again to measure
     * the error, so the values are quantized once.
     */
    static QuantError write(String tensor, GgufType type, float[] values, GgufWriter.TensorSink sink)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) type.byteSize(CHUNK)).order(ByteOrder.LITTLE_ENDIAN);
        float[] back = new float[CHUNK];
        double diff2 = 0;
        double norm2 = 0;
        for (int done = 0; done < values.length; done += CHUNK) {
            int k = Math.min(CHUNK, values.length - done);
            buf.clear();
            GgmlQuant.encode(type, values, done, k, buf);
            buf.flip();
            GgmlQuant.decode(type, buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), back, 0, k);
            sink.write(buf);
            for (int i = 0; i < k; i++) {
                double w = values[done + i];
                double e = w - back[i];
                diff2 += e * e;
                norm2 += w * w;
            }
        }
        return new QuantError(tensor, type, values.length, norm2 == 0 ? 0 : Math.sqrt(diff2 / norm2));
    }
}
