package dev.forja.train;

import java.util.Map;

/**
 * Where a run stands, saved in every checkpoint as {@code trainer_state.json}: enough to continue exactly (the data
 * position and dropout seeds derive from the step and the seed) and to refuse a resume whose inputs changed.
 *
 * @param globalStep optimizer steps done
 * @param epoch epoch of the next micro-batch
 * @param batchInEpoch index of the next micro-batch within its epoch
 * @param bestEvalLoss lowest validation loss so far (NaN before the first evaluation)
 * @param bestStep the step of that evaluation (-1 before)
 * @param evalsWithoutImprovement for early stopping
 * @param datasetHash the dataset hash of the training and validation data
 *     ({@link dev.forja.prepare.Manifest#datasetHash}), as in the report and final/forja_lineage.json
 * @param baseModelHash sha256 of the base model's config and weights
 * @param config the resolved configuration, as saved in config.yaml
 * @param batchPlan how the batches were planned: {@link #GLOBAL_BATCHES} since each step's global batch is planned
 *     whole and then split into grad_accum micro-batches; 0 (absent) in checkpoints written before
 * @param trainedTokens trainable tokens (rows for a classifier) of the steps done, summed; 0 in checkpoints written
 *     before forja counted them
 */
public record TrainerState(
        long globalStep,
        long epoch,
        long batchInEpoch,
        double bestEvalLoss,
        long bestStep,
        int evalsWithoutImprovement,
        String datasetHash,
        String baseModelHash,
        Map<String, Object> config,
        int batchPlan,
        long trainedTokens) {
    /** The batch plan of this version: global batches of batch_size × grad_accum rows, then split. */
    public static final int GLOBAL_BATCHES = 2;
}
