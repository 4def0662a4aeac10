package org.argus.detect;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the prediction stage reads from the configuration ({@code prediction.*}, {@code model.*},
 * {@code heuristics.*}, {@code polling.*}).
 *
 * @param features           {@code prediction.feature_columns}
 * @param anomalyThreshold   score from which a decision is medium ({@code prediction.anomaly_threshold})
 * @param highRiskThreshold  score from which a decision is high ({@code prediction.high_risk_threshold})
 * @param fallbackThreshold  the medium threshold while no model is loaded ({@code model.fallback_prediction_threshold})
 * @param maxModelFlows      flows the model scores per window; beyond, an even sample ({@code prediction.max_flows_per_batch})
 * @param heuristics         fast-path thresholds
 * @param models             model settings
 * @param polling            CSV polling mode settings
 * @param early              early firing inside the open window (live capture only)
 */
public record DetectionSettings(FeatureSet features, double anomalyThreshold, double highRiskThreshold,
                                double fallbackThreshold, int maxModelFlows, HeuristicSettings heuristics,
                                Models models, Polling polling, Early early) {
    /**
     * {@code prediction.early_*}: early firing ({@link EarlyWarning}).
     *
     * @param enabled {@code prediction.early_firing}
     * @param settle  an unanswered flow counts in an early look once it is this old ({@code prediction.early_settle_ms}),
     *                so a handshake still in flight is not taken for a failed one
     */
    public record Early(boolean enabled, Duration settle) {
        /** Early firing off. */
        public static final Early OFF = new Early(false, Duration.ZERO);
    }

    /**
     * The flows and packets (in the open window) from which an originator is worth an early look: the smallest
     * count any heuristic could fire on from one source (port scan targets, brute-force attempts, flood packets).
     */
    public int earlyMinFlows() {
        var h = heuristics;
        return Math.max(1, Math.min(h.portScan().minTargets(), Math.min(h.bruteForce().minAttempts(), h.bruteForce().webMinAttempts())));
    }

    /** See {@link #earlyMinFlows}: packets sent by one originator in the open window. */
    public long earlyMinPackets() {
        var h = heuristics;
        return Math.max(1, Math.min(h.flood().synMinHalfOpen(), Math.min(h.flood().minPackets(), h.flood().reflectionMinPackets())));
    }

    /**
     * {@code model.*}.
     *
     * @param dir             folder of model files and cards ({@code model_local_path})
     * @param minAge          newer models wait ({@code min_model_age_hours}); models this sensor trained itself do not
     * @param maxAge          older models are refused ({@code max_model_age_days})
     * @param useFallback     when no model is usable, run on heuristics alone and report "degraded" (true), or
     *                        report the prediction component unhealthy (false); heuristics run either way
     * @param reloadInterval  how often the folder is checked for a newer model ({@code reload_interval_seconds})
     * @param learning        learning period on live traffic before training a baseline; zero disables
     *                        ({@code learning_hours})
     * @param learningMaxRows rows kept for learning (reservoir sample) ({@code learning_max_rows})
     * @param train           trees, subsample, threshold percentile and seed for training
     */
    public record Models(Path dir, Duration minAge, Duration maxAge, boolean useFallback, Duration reloadInterval,
                         Duration learning, int learningMaxRows, ModelStore.TrainOptions train) {
    }

    /**
     * {@code polling.*}: prediction-only mode over a Retina CSV folder.
     *
     * @param enabled      run as a prediction-only deployment (no capture)
     * @param csvDirectory the folder polled
     * @param interval     poll interval
     * @param batchSize    files processed per poll at most
     * @param maxErrors    a file failing this many polls in a row is skipped and remembered as failed
     * @param stateFile    where processed file names are remembered across restarts
     */
    public record Polling(boolean enabled, Path csvDirectory, Duration interval, int batchSize, int maxErrors, Path stateFile) {
    }
}
