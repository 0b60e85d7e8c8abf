/**
 * Canonical form of a request before a classifier reads it, as a web application firewall normalises a request
 * before matching its rules: the many spellings of one payload (percent-encoded once or twice, written as HTML
 * character references, in full-width or Cyrillic look-alike letters, split by SQL comments or odd whitespace) become
 * one text. A per-model setting ({@code canonicalize: true} in training), recorded in the model's config.json, so that
 * evaluation, calibration and every robustness transform read exactly what training read.
 *
 * <pre>
 * text ──PercentDecoding──▶ %XX (valid UTF-8 runs), %uHHHH; '+' as a space in a query or form value
 *      ──HtmlEntities─────▶ &amp;#60; &amp;#x3c; &amp;lt; ... decoded
 *      ──NFKC─────────────▶ full-width and other compatibility forms folded (＜ to &lt;, ｆｉ to fi)
 *      ──Confusables──────▶ Cyrillic, Greek, Armenian look-alikes to Latin; zero-width characters removed
 *      ──SQL comments─────▶ /*...*&#47; to a space
 *      ──whitespace───────▶ every run (tabs, line breaks, NBSP...) to one space
 *      (repeated until nothing changes: RequestCanonicalizer)
 * </pre>
 */
package dev.forja.data.canonical;
