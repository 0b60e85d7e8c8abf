/**
 * What a person and their tools see while {@code forja train} runs: TensorBoard event files, {@code metrics.jsonl},
 * a progress line on the terminal and, at the end, a self-contained {@code report.html} with SVG charts.
 *
 * <p>Tags are shared by every sink: {@code train/loss}, {@code train/lr}, {@code train/tokens_per_s},
 * {@code eval/loss}, {@code eval/perplexity}.
 */
package dev.forja.train.monitor;
