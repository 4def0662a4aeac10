package org.argus.enforce;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * What enforcement is doing, as one immutable snapshot (published by the {@link Enforcer} after every step; read by
 * {@code /status}, {@code /health}, {@code /metrics}, {@code stats.json} and the dashboard).
 *
 * @param mode             the mode now, or null before start
 * @param backend          {@code ipset}, {@code nftables} or {@code none}
 * @param dryRunEnds       end of the mandatory dry-run, or null while the database has not been read
 * @param emergencyStop    an emergency stop is in force
 * @param emergencyDetail  since when, by whom and why ("" when none)
 * @param desired          active bans the kernel should hold (or would, in dry-run)
 * @param failure          the last firewall failure since the last success, or null
 * @param unavailable      why the blacklist database cannot be used, or null
 */
public record EnforcementStatus(Mode mode, String backend, Instant dryRunEnds, boolean emergencyStop, String emergencyDetail,
                                int desired, String failure, String unavailable) {
    /** Enforcement modes, as shown in {@code /status}. */
    public enum Mode {
        DRY_RUN, ENFORCING, MONITOR_ONLY, DISABLED, UNAVAILABLE, EMERGENCY_STOP;

        /** Lower-case name. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The mode's text, or null before start. */
    public String modeText() {
        return mode == null ? null : mode.text();
    }

    /** Bans listed but not in the kernel because of the dry-run or monitor-only mode: "would have blocked N". */
    public int wouldBlock() {
        return mode == Mode.DRY_RUN || mode == Mode.MONITOR_ONLY ? desired : 0;
    }

    /** {@code would have blocked N address(es)}. */
    public String summary() {
        return "would have blocked " + wouldBlock() + " address" + (wouldBlock() == 1 ? "" : "es");
    }

    /** Days of dry-run left at {@code now}, rounded to 0.1 (never negative), or null while unknown. */
    public Double dryRunRemainingDays(Instant now) {
        return dryRunEnds == null ? null : Math.round(Math.max(0, dryRunEnds.getEpochSecond() - now.getEpochSecond()) / 8_640.0) / 10.0;
    }

    /** Whether the component is healthy, for {@code /health}. */
    public boolean healthy() {
        return mode != Mode.UNAVAILABLE && !(mode == Mode.ENFORCING && failure != null);
    }

    /** The health state word: {@code dry_run}, {@code enforcing}, {@code failing}, {@code off}, … */
    public String healthState() {
        if (mode == null) {
            return "starting";
        }
        return switch (mode) {
            case DRY_RUN -> "dry_run";
            case MONITOR_ONLY -> "monitor_only";
            case DISABLED -> "disabled";
            case UNAVAILABLE -> "off";
            case EMERGENCY_STOP -> "degraded";
            case ENFORCING -> failure != null ? "failing" : "enforcing";
        };
    }

    /** The health detail: what is in force and why. */
    public String healthDetail() {
        if (mode == null) {
            return "reading the blacklist";
        }
        return switch (mode) {
            case DRY_RUN -> "dry-run until " + dryRunEnds + ": " + summary();
            case MONITOR_ONLY -> "dry-run over but enforcement.enforce_after_dry_run is false: " + summary();
            case DISABLED -> "enforcement.backend is none";
            case UNAVAILABLE -> unavailable == null ? "blacklist unavailable" : unavailable;
            case EMERGENCY_STOP -> "emergency stop: " + emergencyDetail;
            case ENFORCING -> failure != null ? failure : desired + " bans via " + backend;
        };
    }

    /** Mode, emergency flag, backend and dry-run end as JSON (control replies). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("mode", modeText()).put("emergency_stop", emergencyStop).put("backend", backend);
        if (dryRunEnds != null) {
            o.put("dry_run_ends_at", dryRunEnds.toString());
        }
        return o;
    }
}
