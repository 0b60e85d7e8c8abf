package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.data.Batch;
import dev.forja.data.BatchPlanner;
import dev.forja.data.BatchSource;
import dev.forja.data.TrainingData;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Causal language modelling: next-token cross-entropy on the trainable tokens of JSONL / .txt samples (prompt and
 * user tokens masked), full fine-tuning or LoRA, for every architecture of {@link dev.forja.model}.
 */
public final class CausalLmTask implements TrainingTask<Batch> {
    private final TrainConfig config;
    private final Path modelDir;
    private final CausalLM model;
    private final LoraAdapter adapter; // null for full fine-tuning
    private final Map<String, Tensor> trainable;
    private final BatchPlanner planner;
    private final BatchPlanner validation; // null without validation data
    private final boolean bf16;
    private final SampleContinuations samples; // the report's before/after generations
    private LossComputation loss; // replaced when computing on the optimizer's bf16 shadow

    /**
     * Reads and checks the data first (bad data fails before the model is loaded), then loads the model and
     * attaches LoRA when asked.
     */
    public CausalLmTask(TrainConfig c, Path modelDir, boolean bf16, PrintStream log) {
        this(c, modelDir, bf16, log, 1, 0);
    }

    /**
     * As {@link #CausalLmTask(TrainConfig, Path, boolean, PrintStream)}, training on rank {@code rank}'s share of
     * each global batch of {@code worldSize} processes (validation is whole on every rank).
     */
    public CausalLmTask(TrainConfig c, Path modelDir, boolean bf16, PrintStream log, int worldSize, int rank) {
        this.config = c;
        this.modelDir = modelDir;
        this.bf16 = bf16;
        ModelConfig modelConfig = ModelLoader.readConfig(modelDir);
        if (c.maxLength() > modelConfig.maxPositions()) {
            throw new ForjaException("max_length " + c.maxLength() + " is beyond the model's context of "
                    + modelConfig.maxPositions() + " positions; lower --max-length");
        }
        TrainingData data;
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
            data = TrainingData.prepare(
                    c.data(),
                    c.valData(),
                    modelDir,
                    tokenizer,
                    new TrainingData.Options(
                            c.maxLength(), c.trainOnPrompt(), c.skipBadLines(), c.valFraction(), c.seed()));
        }
        log.println(data.summary());
        // training: global batches of batch_size × grad_accum rows, split; validation: batches of batch_size
        this.planner = new BatchPlanner(
                data.train().samples(),
                new BatchPlanner.Options(
                        c.batchSize(), c.gradAccum(), c.maxLength(), c.seed(), c.packing(), true, worldSize, rank),
                data.ids().pad());
        BatchPlanner.Options whole =
                new BatchPlanner.Options(c.batchSize(), 1, c.maxLength(), c.seed(), c.packing(), true);
        this.validation = data.validation()
                .map(v -> new BatchPlanner(v.samples(), whole, data.ids().pad()))
                .orElse(null);

        boolean lora = c.method() == TrainConfig.Method.LORA;
        // a LoRA base's frozen matrices in bf16 once (read straight into it), instead of autocast casting all of them
        // at every step
        this.model =
                ModelLoader.load(modelDir, ScalarType.Float, lora && bf16 ? ScalarType.BFloat16 : ScalarType.Float);
        if (lora) {
            adapter = LoraAdapter.attach(
                    model,
                    new LoraConfig(c.loraR(), c.loraAlpha(), c.loraDropout(), c.loraTargetModules(), c.useRslora()),
                    c.seed());
            trainable = adapter.trainableParameters();
        } else {
            adapter = null;
            trainable = model.parameters();
            trainable.values().forEach(t -> t.requires_grad_(true));
        }
        // one process runs a float32 micro-batch's rows in shares over the cores
        this.loss = new LossComputation(
                model,
                LossComputation.Options.DEFAULT
                        .withBf16(bf16)
                        .withCheckpointing(c.gradientCheckpointing())
                        .withShareRows(worldSize == 1));
        setTraining(false);
        this.samples = SampleContinuations.before(
                model,
                modelDir,
                data.ids().eos(),
                bf16,
                data.validation().orElse(data.train()).samples());
    }

    @Override
    public String describe() {
        long base =
                model.parameters().values().stream().mapToLong(Tensor::numel).sum();
        long n = trainable.values().stream().mapToLong(Tensor::numel).sum();
        long total = adapter == null ? base : base + n;
        return String.format(
                Locale.ROOT,
                "model %s (%s): %,d parameters, %,d trainable (%.2f%%), %s",
                modelDir,
                model.config().modelType(),
                total,
                n,
                100.0 * n / total,
                config.method().name().toLowerCase());
    }

    /**
     * The LM head's weight when it is a tensor of its own that trains (untied, full fine-tuning): the chunked loss
     * writes its gradient before the backward. A tied head's weight is the embedding's, whose gradient autograd
     * completes last.
     */
    @Override
    public List<Tensor> gradientsWrittenBeforeBackward() {
        Tensor head = model.outputWeight();
        if (!head.requires_grad()) return List.of();
        long address = head.data_ptr().address();
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            if (e.getValue().data_ptr().address() == address && !e.getKey().endsWith("lm_head.weight")) {
                return List.of(); // tied: the name is the embedding's
            }
        }
        return List.of(head);
    }

    @Override
    public boolean acceptsBf16Shadow() {
        return bf16 && adapter == null;
    }

    @Override
    public void computeWith(Map<String, Tensor> parameters) {
        if (!acceptsBf16Shadow()) TrainingTask.super.computeWith(parameters);
        this.loss = new LossComputation(
                Architectures.create(model.config(), parameters),
                LossComputation.Options.DEFAULT.withCheckpointing(config.gradientCheckpointing()));
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return trainable;
    }

    @Override
    public BatchSource<Batch> batches() {
        return planner;
    }

    @Override
    public int weight(Batch b) {
        return b.trainableTokens();
    }

    @Override
    public long tokens(Batch b) {
        return (long) b.batchSize() * b.seqLen();
    }

    @Override
    public double forwardBackward(Batch b, double normalizer, long seed) {
        return b.trainableTokens() == 0 ? 0 : loss.forwardBackward(b, normalizer, seed);
    }

    @Override
    public void setTraining(boolean training) {
        if (adapter != null) adapter.setTraining(training);
    }

    @Override
    public Map<String, Double> evaluate() {
        if (validation == null) return Map.of();
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < validation.batchesPerEpoch(); i++) {
            try (PointerScope scope = new PointerScope()) {
                Batch b = validation.batch(0, i);
                sum += loss.evaluate(b);
                tokens += b.trainableTokens();
            }
        }
        double mean = sum / Math.max(1, tokens);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/loss", mean);
        m.put("eval/perplexity", Math.exp(mean));
        return m;
    }

    @Override
    public void writeWeights(Path dir) {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (adapter != null) {
                adapter.save(dir, modelDir.toString());
            } else {
                ModelWriter.write(
                        dir,
                        model.config(),
                        model.parameters(),
                        ModelLoader.readGenerationDefaults(modelDir, model.config()),
                        ScalarType.Float);
            }
        }
    }

    @Override
    public Map<String, Tensor> readWeights(Path dir) {
        return adapter != null
                ? Tensors.readAll(dir.resolve("adapter_model.safetensors"))
                : ModelLoader.load(dir, ScalarType.Float).parameters();
    }

    @Override
    public void writeFinal(Path dir) {
        writeWeights(dir);
        dev.forja.tokenizer.TokenizerFiles.copy(modelDir, dir);
    }

    /** The sample generations: a few prompts continued by the base model and by the trained one. */
    @Override
    public List<String> reportFigures() {
        return samples.isEmpty() ? List.of() : List.of(samples.html(model));
    }

    @Override
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output", adapter != null ? "PEFT LoRA adapter" : "Hugging Face model directory");
        return m;
    }
}
