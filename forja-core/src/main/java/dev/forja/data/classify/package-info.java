/**
 * Classification data: {"text","label"} JSONL to length-grouped micro-batches of token ids and label indices.
 *
 * <pre>
 * train.jsonl ──LabeledTexts──────────▶ Row (text, label, line); the label set; unknown labels refused
 *             ──TrainValSplit.stratified▶ train / validation with the same label shares (when no file is given)
 *             ──TokenizedRows─────────▶ ids ([CLS] ... [SEP], the final [SEP] kept when cut) + label indices
 *             ──ClassificationBatches─▶ global batch per step, split into grad_accum ClassificationBatches
 *                                       (grouped by length, reshuffled per epoch)
 * </pre>
 */
package dev.forja.data.classify;
