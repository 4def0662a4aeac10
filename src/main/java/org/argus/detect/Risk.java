package org.argus.detect;

import java.util.Locale;

/** How bad a decision is; from its score and {@code prediction.anomaly_threshold}/{@code high_risk_threshold}. */
public enum Risk {
    LOW, MEDIUM, HIGH;

    /** Lower-case name used in JSON and config. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param score          0..1, higher is worse
     * @param anomalyThreshold score from which a decision is medium
     * @param highThreshold  score from which a decision is high
     */
    public static Risk of(double score, double anomalyThreshold, double highThreshold) {
        return score >= highThreshold ? HIGH : score >= anomalyThreshold ? MEDIUM : LOW;
    }

    /** Parses {@code low|medium|high}. */
    public static Risk parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
