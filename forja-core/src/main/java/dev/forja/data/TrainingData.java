package dev.forja.data;

import dev.forja.ForjaException;
import dev.forja.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The data half of {@code forja train} in one call: read the training file (and the validation file, or hold out a
 * seeded share of the training samples), encode both with the model's chat template and special tokens, and report.
 * Batching stays with the trainer: {@code new BatchPlanner(data.train().samples(), options, data.ids().pad())}.
 *
 * <p>Example:
 * <pre>{@code
 * TrainingData data = TrainingData.prepare(Path.of("train.jsonl"), null, modelDir, tokenizer,
 *         TrainingData.Options.defaults());
 * System.out.println(data.summary());
 * }</pre>
 *
 * @param train      the encoded training samples and their report
 * @param validation the encoded validation samples, if any
 * @param ids        end-of-sequence and padding ids
 */
public record TrainingData(EncodedDataset train, Optional<EncodedDataset> validation, SpecialIds ids) {

    /**
     * @param maxLength          the longest sample in tokens (default 512)
     * @param trainOnPrompt      also train on prompts and user turns (default false)
     * @param skipBadLines       skip and count malformed lines instead of stopping (default false)
     * @param validationFraction share held out when no validation file is given; 0 for none (default 0.2)
     * @param seed               seed of the hold-out split (default 42)
     */
    public record Options(
            int maxLength, boolean trainOnPrompt, boolean skipBadLines, double validationFraction, long seed) {
        public Options {
            new SampleEncoder.Options(maxLength, trainOnPrompt); // validates max_length
            new TrainValSplit(validationFraction, seed); // validates the fraction
        }

        public static Options defaults() {
            return new Options(512, false, false, 0.2, 42);
        }
    }

    /**
     * Reads, splits and encodes.
     *
     * @param validationFile a separate validation file, or null to hold out {@code validationFraction}
     * @param modelDir       the Hugging Face model directory ({@code tokenizer_config.json}, chat template)
     * @throws ForjaException for any problem with the data, with the file and line where there is one
     */
    public static TrainingData prepare(
            Path trainFile, Path validationFile, Path modelDir, Tokenizer tokenizer, Options options) {
        ChatTemplate template = ChatTemplate.fromModelDir(modelDir).orElse(null);
        SpecialIds ids = SpecialIds.fromModelDir(modelDir, tokenizer);
        SampleEncoder encoder = new SampleEncoder(
                tokenizer,
                template,
                ids.eos(),
                new SampleEncoder.Options(options.maxLength(), options.trainOnPrompt()));
        DatasetReader reader = new DatasetReader(options.skipBadLines());

        DatasetReader.Result train = reader.read(trainFile);
        List<Example> trainExamples = train.examples();
        Optional<EncodedDataset> validation = Optional.empty();
        if (validationFile != null) {
            DatasetReader.Result val = reader.read(validationFile);
            validation = Optional.of(
                    EncodedDataset.encode(val.examples(), encoder, val.stats().skippedLines()));
        } else if (options.validationFraction() > 0) {
            TrainValSplit.Parts<Example> parts =
                    new TrainValSplit(options.validationFraction(), options.seed()).split(trainExamples);
            trainExamples = parts.train();
            if (!parts.validation().isEmpty()) {
                validation = Optional.of(EncodedDataset.encode(parts.validation(), encoder, 0));
            }
        }
        EncodedDataset encodedTrain =
                EncodedDataset.encode(trainExamples, encoder, train.stats().skippedLines());
        return new TrainingData(encodedTrain, validation, ids);
    }

    /** The training report, then one line for validation. */
    public String summary() {
        String val = validation
                .map(v -> "validation: " + dev.forja.Plural.of(v.samples().size(), "sample") + ", "
                        + dev.forja.Plural.of(v.report().totalTokens(), "token"))
                .orElse("validation: none");
        return train.report().summary() + "\n" + val;
    }
}
