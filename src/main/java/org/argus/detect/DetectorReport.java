package org.argus.detect;

import io.vertx.core.json.JsonObject;
import org.argus.flow.IpAddress;

/**
 * What one heuristic detector did over a run, for tuning: how many windows it evaluated, how many findings it made,
 * and the candidate that came closest to (or furthest past) its threshold.
 *
 * @param detector  detector name ({@code port_scan}, {@code flood}, ...)
 * @param windows   windows evaluated
 * @param findings  findings reported (score at least {@link Finding#REPORT_FLOOR})
 * @param address   the closest candidate's address, or null when nothing was measured
 * @param measure   what was measured for it, in words ("ports of one host probed without an answer")
 * @param value     its measurement
 * @param threshold the threshold it is held against (value / threshold = 1 scores 0.9)
 */
public record DetectorReport(String detector, long windows, long findings, IpAddress address, String measure,
                             double value, double threshold) {
    /** value / threshold, 0 when nothing was measured. */
    public double ratio() {
        return threshold > 0 ? value / threshold : 0;
    }

    /** {@code {"windows":…, "findings":…, "closest":{"address":…, "measure":…, "value":…, "threshold":…, "ratio":…}}}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("windows", windows).put("findings", findings);
        if (address != null) {
            o.put("closest", new JsonObject().put("address", address.toString()).put("measure", measure)
                    .put("value", value).put("threshold", threshold).put("ratio", Math.round(ratio() * 1000) / 1000.0));
        }
        return o;
    }

    /** Accumulates one detector's report; one owner thread. */
    static final class Tally {
        private final String detector;
        private long windows;
        private long findings;
        private IpAddress address;
        private String measure;
        private double value;
        private double threshold;

        Tally(String detector) {
            this.detector = detector;
        }

        void window() {
            windows++;
        }

        void found() {
            findings++;
        }

        /** The best value/threshold offered so far (0 before any). */
        double best() {
            return address == null ? 0 : value / threshold;
        }

        /** Keeps the candidate if its value/threshold is the highest so far. */
        void offer(IpAddress candidate, String what, double v, double t) {
            if (address == null || v / t > value / threshold) {
                address = candidate;
                measure = what;
                value = v;
                threshold = t;
            }
        }

        DetectorReport report() {
            return new DetectorReport(detector, windows, findings, address, measure, value, threshold);
        }
    }
}
