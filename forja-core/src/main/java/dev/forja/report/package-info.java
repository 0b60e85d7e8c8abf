/**
 * Self-contained HTML reports and the SVG charts in them: line charts of a run's metrics, bar charts of a
 * dataset's stages, a heatmap for a confusion matrix. No script, no network, no other file: a report opens anywhere.
 *
 * <p>{@link dev.forja.report.HtmlReport} writes a training run's {@code report.html}; {@code prepare} builds its
 * dataset report from the same charts and {@link dev.forja.report.Escape}. {@link dev.forja.report.HumanFormat}
 * writes numbers and durations the way the reports and the progress line show them.
 */
package dev.forja.report;
