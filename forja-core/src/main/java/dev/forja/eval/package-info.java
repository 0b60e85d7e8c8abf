/**
 * Evaluation metrics with the reference implementations' conventions, so numbers can be compared with published ones:
 * <ul>
 *   <li>{@link dev.forja.eval.ClassificationMetrics}: accuracy, per-class and macro/weighted precision, recall and F1,
 *       confusion matrix — as scikit-learn's {@code classification_report} with {@code zero_division=0};</li>
 *   <li>{@link dev.forja.eval.Bleu}: corpus and sentence BLEU as sacreBLEU's defaults (13a tokenizer, exp smoothing);</li>
 *   <li>{@link dev.forja.eval.RougeL}: ROUGE-L as Google's {@code rouge-score} package ({@code rougeL}, no stemming);</li>
 *   <li>{@link dev.forja.eval.Perplexity}: exp of the mean token negative log-likelihood.</li>
 * </ul>
 * These are pure Java, no native code: metrics run anywhere the CLI runs.
 * {@link dev.forja.eval.ClassifierEvaluation} runs a classifier over labelled rows and scores it: the one evaluation
 * behind training's validation and {@code forja eval}.
 */
package dev.forja.eval;
