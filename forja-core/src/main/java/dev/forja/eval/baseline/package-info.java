/**
 * Classical baselines a fine-tuned model is compared against, in pure Java (no native code):
 * {@link dev.forja.eval.baseline.NgramLogisticRegression}, character n-gram TF-IDF
 * ({@link dev.forja.eval.baseline.CharNgramTfIdf}) with multinomial logistic regression fitted by L-BFGS.
 */
package dev.forja.eval.baseline;
