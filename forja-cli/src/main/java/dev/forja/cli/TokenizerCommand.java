package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.tokenizer.BpeTrainer;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.tokenizer.TrainedBpe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forja tokenizer}: tokenizer tools. */
@Command(
        name = "tokenizer",
        mixinStandardHelpOptions = true,
        description = "Tokenizer tools.",
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand {

    /** {@code forja tokenizer train}: a byte-level BPE vocabulary from the user's text. */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = "Train a byte-level BPE tokenizer (GPT-2 pre-tokenisation) and write a tokenizer.json that "
                    + "Hugging Face tokenizers loads.")
    static final class Train implements Callable<Integer> {
        @Option(
                names = "--input",
                required = true,
                split = ",",
                description = "Text files (UTF-8), comma-separated or repeated.")
        List<Path> inputs = new ArrayList<>();

        @Option(names = "--vocab-size", required = true, description = "Vocabulary size, special tokens included.")
        int vocabSize;

        @Option(names = "--output", required = true, description = "Directory for tokenizer.json and its config files.")
        Path output;

        @Option(
                names = "--special-tokens",
                split = ",",
                description = "Special tokens (default: <|endoftext|>,<|im_start|>,<|im_end|>).")
        List<String> special;

        @Option(
                names = "--min-frequency",
                defaultValue = "2",
                description = "Least count for a merge (default: ${DEFAULT-VALUE}).")
        int minFrequency;

        @Override
        public Integer call() {
            if (minFrequency < 1) throw new ForjaException("--min-frequency must be >= 1");
            List<String> sp = special == null ? ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS : special;
            long t0 = System.nanoTime();
            TrainedBpe bpe = BpeTrainer.train(inputs, vocabSize, sp, minFrequency);
            bpe.write(output);
            System.err.printf(
                    "wrote %s/tokenizer.json: %d tokens (%d merges) in %.1f s%n",
                    output, bpe.vocabSize(), bpe.merges().size(), (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }
}
