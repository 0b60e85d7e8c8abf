package dev.forja.embed;

import dev.forja.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Token sequences of different lengths as one right-padded batch: ids (B, T) with {@code padId} after each
 * sequence's end, and the attention mask (B, T), 1 for real tokens and 0 for padding.
 */
public record PaddedBatch(Tensor ids, Tensor mask) {

    /** Pads {@code sequences} to the longest one. */
    public static PaddedBatch of(List<long[]> sequences, long padId) {
        int B = sequences.size();
        int T = 0;
        for (long[] s : sequences) T = Math.max(T, s.length);
        long[] ids = new long[B * T];
        long[] mask = new long[B * T];
        for (int b = 0; b < B; b++) {
            long[] s = sequences.get(b);
            for (int t = 0; t < T; t++) {
                ids[b * T + t] = t < s.length ? s[t] : padId;
                mask[b * T + t] = t < s.length ? 1 : 0;
            }
        }
        return new PaddedBatch(Tensors.ofLongs(ids, B, T), Tensors.ofLongs(mask, B, T));
    }
}
