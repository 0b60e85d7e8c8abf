package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.eval.CalibrationReport;
import dev.forja.eval.ClassifierEvaluation;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja calibrate}: fits a temperature to a classifier's probabilities on labelled validation data and saves
 * it beside the model as calibration.json, which {@code forja eval} then applies.
 */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        description = {
            "Fit temperature scaling to a classifier on labelled validation data (one temperature T minimising the "
                    + "NLL of softmax(logits / T); accuracy and F1 do not change) and save it as calibration.json in "
                    + "the model directory, which forja eval applies. Prints ECE and NLL before and after as one JSON "
                    + "line.",
            "Fit on data the model was not trained on, and evaluate on other data again."
        })
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A classifier directory (final/ of forja train).")
    Path model;

    @Option(names = "--data", required = true, description = "Validation JSONL of {\"text\",\"label\"} lines.")
    Path data;

    @Option(
            names = "--max-length",
            description = "Truncate texts to this many tokens (default: the length the model was trained at).")
    Integer maxLength;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(data)) throw new ForjaException("--data " + data + " does not exist");
        threads.use(true);
        Path dir = ModelLocator.resolve(model.toString());
        ClassifierEvaluation.Result r = ClassifierEvaluation.evaluate(dir, data, maxLength, System.err);
        CalibrationReport fit = r.fitTemperature();
        fit.scaling().write(dir, fit.facts(data.toString(), r.gold().length));
        System.err.println(fit.describe());
        System.err.println("wrote " + dir.resolve(dev.forja.eval.TemperatureScaling.FILE));
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("temperature", fit.scaling().temperature());
        o.put("examples", r.gold().length);
        o.put("nll_before", fit.nllRaw());
        o.put("nll_after", fit.nllScaled());
        o.put("ece_before", fit.raw().ece());
        o.put("ece_after", fit.scaled().ece());
        System.out.println(Json.line(o));
        return 0;
    }
}
