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
 */
public record DetectionSettings(FeatureSet features, double anomalyThreshold, double highRiskThreshold,
                                double fallbackThreshold, int maxModelFlows, HeuristicSettings heuristics,
                                Models models, Polling polling) {
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
