package dev.forja.train;

import dev.forja.report.HtmlReport;
import dev.forja.train.monitor.MetricsLog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's {@code report.html}: the summary table (the run's outcome, the task's lines, where it came from),
 * the task's figures (a confusion matrix, sample generations) and the charts of {@code metrics.jsonl}.
 */
final class RunReport {
    /** How the run ended. */
    record Outcome(long steps, long totalSteps, boolean stoppedEarly, double finalTrainLoss, EarlyStopping early) {}

    /** Where the run's inputs came from and how it computed. */
    record Provenance(String precision, String datasetHash, String baseHash) {}

    private RunReport() {}

    /** Writes {@code runDir/report.html}; the task's figures are made now, from the trained model. */
    static void write(
            Path runDir, TrainConfig c, TrainingTask<?> task, Outcome outcome, Provenance from, Path finalDir) {
        // perplexity is a causal LM's: a classifier's loss is per row, not per token
        Map<String, String> summary = summary(c, task.summary(), task instanceof CausalLmTask, outcome, from, finalDir);
        HtmlReport.write(
                runDir,
                "forja train: " + runDir.getFileName(),
                summary,
                MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME)),
                task.reportFigures());
    }

    /**
     * The summary table.
     *
     * @param taskLines  the task's own lines ({@link TrainingTask#summary})
     * @param perplexity whether the best eval loss is also shown as a perplexity
     */
    static Map<String, String> summary(
            TrainConfig c,
            Map<String, String> taskLines,
            boolean perplexity,
            Outcome o,
            Provenance from,
            Path finalDir) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", c.model());
        summary.put("method", c.method().name().toLowerCase());
        summary.put("steps", o.steps() + " of " + o.totalSteps() + (o.stoppedEarly() ? " (early stop)" : ""));
        summary.put("final train loss", String.format(Locale.ROOT, "%.4f", o.finalTrainLoss()));
        EarlyStopping early = o.early();
        if (early.hasBest()) {
            String ppl = perplexity ? String.format(Locale.ROOT, " (perplexity %.3f)", Math.exp(early.bestLoss())) : "";
            summary.put(
                    "best eval loss",
                    String.format(Locale.ROOT, "%.4f%s at step %d", early.bestLoss(), ppl, early.bestStep()));
        }
        summary.putAll(taskLines);
        // not "precision": a classifier's summary lists per-class precision beside it
        summary.put("numeric precision", from.precision());
        summary.put("dataset hash", from.datasetHash());
        summary.put("base model sha256", from.baseHash());
        summary.put("final", finalDir.toString());
        return summary;
    }
}
