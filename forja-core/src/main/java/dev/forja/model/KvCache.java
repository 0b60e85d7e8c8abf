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
