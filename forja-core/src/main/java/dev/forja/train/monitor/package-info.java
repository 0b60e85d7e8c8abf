/**
 * What a person and their tools see while {@code forja train} runs: TensorBoard event files, {@code metrics.jsonl}
 * and a progress line on the terminal. The {@code report.html} written at the end lives in {@link dev.forja.report}.
 *
 * <p>Tags are shared by every sink: {@code train/loss}, {@code train/lr}, {@code train/tokens_per_s},
 * {@code eval/loss}, {@code eval/perplexity}.
 */
package dev.forja.train.monitor;
