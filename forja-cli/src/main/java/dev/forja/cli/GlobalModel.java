package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.StackedLora;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import dev.forja.tokenizer.TokenizerFiles;
import dev.forja.train.CausalLmTask;
import dev.forja.train.Fingerprints;
import dev.forja.train.Lineage;
import dev.forja.train.TrainConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The aggregator's side of {@code federate simulate}: the base model M, the global updates D_1, D_2 ... it made from
 * the sites' adapters, and the global model M + D_1 + ... + D_r, written to {@code DIR/global/model-r} (merged in
 * fp32, as each site merges it: the same bytes) to evaluate it and to check that every site trains on it.
 */
final class GlobalModel {
    private final String baseName; // as the user gave it: a directory or a Hub id
    private final Path baseDir;
    private final CausalLM base; // the sites' adapters are loaded onto it to be stacked, then detached
    private final List<Path> updates = new ArrayList<>();
    private Path current;
    private String currentHash;

    GlobalModel(String baseName, Path baseDir) {
        this.baseName = baseName;
        this.baseDir = baseDir;
        this.base = ModelLoader.load(baseDir, ScalarType.Float);
        this.current = baseDir;
        this.currentHash = Fingerprints.modelDir(baseDir);
    }

    /** The global model now: M, then M + D_1 + ... + D_r after round r. */
    Path current() {
        return current;
    }

    /**
     * Refuses a site's adapter that was not trained on the global model as it is now (the lineage of every forja run
     * records its base's weights hash): a site whose merge of the last update went wrong.
     */
    void requireTrainedOnIt(Path shared, String who, Path log) {
        String recorded = Lineage.read(shared).getOrDefault("base_model_sha256", "");
        if (!recorded.equals(currentHash)) {
            throw new ForjaException(who + " trained on weights of sha256 " + recorded + ", not the global model's ("
                    + current + ", sha256 " + currentHash + "): the site's copy of the model is not the base plus "
                    + "the rounds' updates; see " + log);
        }
    }

    /**
     * The round's update D_r: the sites' adapters stacked into their exact average weighted by trained tokens
     * ({@link StackedLora#stack}), written to {@code out} (adapter files only). Returns the tokens the sites trained.
     */
    long aggregate(int round, List<Path> shared, Path out) {
        double[] tokens = new double[shared.size()];
        long total = 0;
        for (int i = 0; i < tokens.length; i++) {
            long t = Lineage.trainedTokens(shared.get(i)).orElse(0);
            if (t <= 0) throw new ForjaException(shared.get(i) + " records no trained_tokens: its run trained nothing");
            tokens[i] = t;
            total += t;
        }
        String note = "federate simulate round " + round + ": " + shared.size() + " sites weighted by trained tokens";
        String on = round == 1 ? baseName : baseName + " + the updates of rounds 1.." + (round - 1);
        long trained = total;
        try (PointerScope scope = new PointerScope()) {
            LoraAdapter stacked = StackedLora.stack(base, loadDetached(shared), tokens);
            AtomicDirectory.write(out, staging -> {
                // no base name: the update applies to M + D_1..D_{r-1}, which each site holds under its own path
                stacked.save(staging, "");
                Lineage.write(staging, null, on, currentHash, note, trained);
            });
        }
        updates.add(out);
        return total;
    }

    /** Merges the last update into the global model, as {@code forja merge} does, into {@code target}. */
    void advance(Path target) {
        Path previous = current;
        Path update = updates.get(updates.size() - 1);
        try (PointerScope scope = new PointerScope()) {
            CausalLM m = ModelLoader.load(previous, ScalarType.Float);
            var merged = LoraAdapter.load(m, update).mergedParameters();
            AtomicDirectory.write(target, staging -> {
                ModelWriter.write(
                        staging,
                        m.config(),
                        merged,
                        ModelLoader.readGenerationDefaults(previous, m.config()),
                        ScalarType.Float);
                TokenizerFiles.copy(previous, staging);
                Lineage.copy(update, staging);
            });
        }
        current = target;
        currentHash = Fingerprints.modelDir(target);
        if (!previous.equals(baseDir)) AtomicDirectory.deleteTree(previous);
    }

    /**
     * The global model's eval/loss on the validation data, computed as {@code forja train} computes it
     * ({@link CausalLmTask#evaluate}: mean token NLL) with the sites' settings {@code c}.
     */
    double evaluate(TrainConfig c, boolean bf16) {
        TrainConfig eval = c.with(Map.of("model", current.toString(), "data", c.valData()));
        try (PointerScope scope = new PointerScope();
                PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            return new CausalLmTask(eval, current, bf16, quiet).evaluate().get("eval/loss");
        }
    }

    /** The updates of all rounds as one adapter on M, {@code sum_r D_r} ({@link StackedLora#sum}), into {@code out}. */
    void writeSum(Path out, String note, long trainedTokens) {
        try (PointerScope scope = new PointerScope()) {
            List<LoraAdapter> all = loadDetached(updates);
            LoraAdapter sum =
                    StackedLora.sum(base, all, all.stream().mapToDouble(a -> 1).toArray());
            String baseHash = Fingerprints.modelDir(baseDir);
            AtomicDirectory.write(out, staging -> {
                sum.save(staging, baseName);
                TokenizerFiles.copy(baseDir, staging);
                Lineage.write(staging, null, baseName, baseHash, note, trainedTokens);
            });
        }
    }

    private List<LoraAdapter> loadDetached(List<Path> dirs) {
        List<LoraAdapter> out = new ArrayList<>();
        for (Path d : dirs) {
            LoraAdapter a = LoraAdapter.load(base, d);
            a.detach();
            out.add(a);
        }
        return out;
    }
}
