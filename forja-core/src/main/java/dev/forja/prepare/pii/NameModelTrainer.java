package dev.forja.prepare.pii;

import dev.forja.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Trains a {@link NameModel}: logistic regression by SGD over distinct words, positives (words of people's names)
 * and negatives (other capitalised words) weighted so that each class counts the same, a fixed seed, so the same
 * lists give the same model. {@code tools/pii/build-name-model.sh} builds the lists from Debian data and runs
 * {@link #main}.
 *
 * <p>Example: {@code java -cp forja-core/target/classes dev.forja.prepare.pii.NameModelTrainer names.txt
 * others.txt name-model.bin}
 */
final class NameModelTrainer {
    static final int BUCKETS = 1 << 16;
    private static final int EPOCHS = 12;
    private static final double RATE = 0.2, L2 = 1e-6;

    private NameModelTrainer() {}

    /** A model from two word lists; a word on both lists counts as a name. */
    static NameModel train(List<String> names, List<String> others, long seed) {
        Set<String> pos = new LinkedHashSet<>(names), neg = new LinkedHashSet<>(others);
        neg.removeAll(pos);
        record Example(int[] features, int label, double weight) {}
        List<Example> examples = new ArrayList<>();
        double posWeight = 0.5 * (pos.size() + neg.size()) / Math.max(1, pos.size());
        double negWeight = 0.5 * (pos.size() + neg.size()) / Math.max(1, neg.size());
        for (String w : pos) examples.add(new Example(NameModel.features(w, BUCKETS - 1), 1, posWeight));
        for (String w : neg) examples.add(new Example(NameModel.features(w, BUCKETS - 1), 0, negWeight));
        NameModel m = new NameModel(BUCKETS);
        Random random = new Random(seed);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            Collections.shuffle(examples, random);
            double rate = RATE / (1 + epoch); // 1/t decay
            for (Example e : examples) {
                double z = m.bias;
                for (int f : e.features()) z += m.weights[f];
                double gradient = (1 / (1 + Math.exp(-z)) - e.label()) * e.weight(); // d(log loss)/dz
                m.bias -= (float) (rate * gradient);
                for (int f : e.features()) m.weights[f] -= (float) (rate * (gradient + L2 * m.weights[f]));
            }
        }
        return m;
    }

    /** {@code NAMES OTHERS OUT}: two UTF-8 word lists (one word a line, {@code #} comments) and the model file. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: NameModelTrainer NAMES.txt OTHERS.txt OUT.bin");
            System.exit(2);
        }
        List<String> names = words(Path.of(args[0])), others = words(Path.of(args[1]));
        NameModel m = train(names, others, 18);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.write(bytes);
        AtomicFile.write(Path.of(args[2]), ch -> ch.write(ByteBuffer.wrap(bytes.toByteArray())));
        int[] confusion = new int[4]; // training fit: tp, fn, fp, tn
        for (String w : names) confusion[m.score(w) >= 0.5 ? 0 : 1]++;
        for (String w : others) confusion[m.score(w) >= 0.5 ? 2 : 3]++;
        System.err.printf(
                "trained on %d names and %d other words: names kept %.3f, others rejected %.3f (training fit)%n",
                names.size(),
                others.size(),
                confusion[0] / (double) names.size(),
                confusion[3] / (double) others.size());
    }

    private static List<String> words(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) out.add(line);
        }
        return out;
    }
}
