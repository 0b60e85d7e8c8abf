/**
 * Training data: JSONL and text readers, chat templates, tokenisation with loss masks, splits and batching.
 *
 * <p>The path from a file to a batch, each step one class:
 * <pre>
 * train.jsonl ──DatasetReader──▶ Example (Text | PromptCompletion | Chat, each with file:line)
 *             ──TrainValSplit──▶ train / validation (seeded 80/20 when no validation file is given)
 *             ──SampleEncoder──▶ EncodedSample (ids + trainable flags; chats through ChatTemplate)
 *             ──EncodedDataset─▶ kept samples + DataReport (truncated, zero-trainable, token counts)
 *             ──BatchPlanner───▶ global batch per step, split into grad_accum micro-Batches (length-grouped or
 *                                packed; labels shifted, -100 elsewhere)
 * </pre>
 * {@link dev.forja.data.TrainingData#prepare} runs the first four for {@code forja train}. Classification data
 * ({"text","label"}) takes its own path in {@code data.classify}, with the same split.
 *
 * <p>Conventions: {@code trainable[i]} marks token i as a target (predicted from the tokens before it);
 * {@link dev.forja.data.Batch#labels()} is already shifted ({@code labels[t]} = the target at position t), so the
 * loss needs no further shift.
 */
package dev.forja.data;
