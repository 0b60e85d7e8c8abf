package dev.forja.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Keys and values of every layer for the tokens seen so far, preallocated to a maximum length so that decoding
 * appends in place instead of concatenating. Lives as long as one generation.
 */
public final class KvCache implements AutoCloseable {
    private final Tensor[] keys; // per layer (B, K, Tmax, D)
    private final Tensor[] values; // per layer (B, K, Tmax, D)
    private final long capacity;
    private long length;

    public KvCache(int layers, long batch, long kvHeads, long capacity, long headDim, ScalarType dtype) {
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        this.capacity = capacity;
        long[] shape = {batch, kvHeads, capacity, headDim};
        for (int i = 0; i < layers; i++) {
            keys[i] = torch.zeros(shape, new TensorOptions(dtype));
            values[i] = torch.zeros(shape, new TensorOptions(dtype));
            keys[i].retainReference();
            values[i].retainReference();
        }
    }

    private KvCache(Tensor[] keys, Tensor[] values, long capacity, long length) {
        this.keys = keys;
        this.values = values;
        this.capacity = capacity;
        this.length = length;
    }

    /**
     * Continuous batching's re-layout: a new cache of {@code capacity} columns holding the rows {@code rows} of this
     * cache followed by the rows {@code joiningRows} of {@code joining}, every sequence right-aligned at
     * {@code length} columns. Each source's last {@code min(its length, length)} columns are copied to the new
     * cache's columns just before {@code length}; the caller chooses {@code length} at least the real length of
     * every kept row, so that only left padding is cut (or added, as zeros the mask hides).
     *
     * <p>Example: rows of 5 and 3 real tokens at length 7 (pads 2 and 4), the first leaving and a new 2-token prompt
     * joining at length 3: {@code regroup(rows [1], joining, rows [0], 3, 3 + budget)} keeps row 1's 3 columns and
     * puts the new row's 2 after one pad column.
     *
     * @param rows int64 indices into this cache's batch, in order (may be empty)
     * @param joining another cache of the same model (sequences prefilled apart), or null
     * @param joiningRows int64 indices into {@code joining}'s batch, or null with it
     */
    public KvCache regroup(Tensor rows, KvCache joining, Tensor joiningRows, long length, long capacity) {
        if (length > capacity) throw new IllegalArgumentException("length " + length + " > capacity " + capacity);
        Tensor[] k = new Tensor[keys.length];
        Tensor[] v = new Tensor[keys.length];
        for (int i = 0; i < keys.length; i++) {
            k[i] = relaid(
                    keys[i],
                    this.length,
                    rows,
                    joining == null ? null : joining.keys[i],
                    joining,
                    joiningRows,
                    length,
                    capacity);
            v[i] = relaid(
                    values[i],
                    this.length,
                    rows,
                    joining == null ? null : joining.values[i],
                    joining,
                    joiningRows,
                    length,
                    capacity);
            k[i].retainReference();
            v[i].retainReference();
        }
        return new KvCache(k, v, capacity, length);
    }

    private static Tensor relaid(
            Tensor own,
            long ownLength,
            Tensor rows,
            Tensor other,
            KvCache joining,
            Tensor joiningRows,
            long length,
            long capacity) {
        long kept = rows.size(0);
        long added = joining == null ? 0 : joiningRows.size(0);
        long[] shape = {kept + added, own.size(1), capacity, own.size(3)};
        Tensor out = own.new_zeros(shape); // (B, K, Tmax, D), on the source's device and dtype
        if (kept > 0) copyRightAligned(own, ownLength, rows, out.narrow(0, 0, kept), length);
        if (added > 0) copyRightAligned(other, joining.length, joiningRows, out.narrow(0, kept, added), length);
        return out;
    }

    private static void copyRightAligned(Tensor src, long srcLength, Tensor rows, Tensor dst, long length) {
        long n = Math.min(srcLength, length);
        if (n == 0) return;
        Tensor picked = src.index_select(0, rows.to(src.device(), ScalarType.Long)); // (b, K, Tmax, D)
        dst.narrow(2, length - n, n).copy_(picked.narrow(2, srcLength - n, n));
    }

    /** Tokens already cached. */
    public long length() {
        return length;
    }

    public long capacity() {
        return capacity;
    }

    /**
     * Writes layer {@code layer}'s new keys/values (B, K, T, D) after the cached ones and returns views of all of them
     * (B, K, length + T, D). {@link #advance} moves the length once every layer has appended.
     */
    public KeyValues append(int layer, Tensor k, Tensor v) {
        long t = k.size(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
        }
        keys[layer].narrow(2, length, t).copy_(k);
        values[layer].narrow(2, length, t).copy_(v);
        return new KeyValues(keys[layer].narrow(2, 0, length + t), values[layer].narrow(2, 0, length + t));
    }

    /**
     * Keeps only the sequences at {@code rows} (int64 indices into the batch), in that order: batched generation
     * drops finished rows so that later steps stop computing them. Copies the kept rows once.
     */
    public void keepRows(Tensor rows) {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = replace(keys[i], keys[i].index_select(0, rows.to(keys[i].device(), ScalarType.Long)));
            values[i] = replace(values[i], values[i].index_select(0, rows.to(values[i].device(), ScalarType.Long)));
        }
    }

    /** Batch size: sequences held. */
    public long batch() {
        return keys.length == 0 ? 0 : keys[0].size(0);
    }

    private static Tensor replace(Tensor old, Tensor kept) {
        kept.retainReference();
        old.releaseReference();
        return kept;
    }

    /** Marks {@code t} more tokens as cached. */
    public void advance(long t) {
        length += t;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            keys[i].releaseReference();
            values[i].releaseReference();
        }
    }
}
