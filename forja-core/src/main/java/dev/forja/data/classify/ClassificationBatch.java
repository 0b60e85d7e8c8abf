package dev.forja.data.classify;

import java.util.List;

/** A micro-batch of classification rows: token ids (with {@code [CLS]}/{@code [SEP]}) and label indices. */
public record ClassificationBatch(List<long[]> ids, int[] labels) {}
