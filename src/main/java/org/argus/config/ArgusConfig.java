package org.argus.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.argus.capture.CaptureSettings;
import org.argus.csv.CsvSettings;
import org.argus.flow.FlowSettings;

/**
 * The validated configuration, one slice per stage. Built once at start by {@link ConfigLoader}; each verticle gets
 * its slice through its constructor.
 *
 * @param capture       {@code capture.*}
 * @param flow          windows and flow table ({@code aggregation.*})
 * @param csv           CSV rotation and retention ({@code aggregation.*})
 * @param anonymization {@code anonymization.*}
 * @param http          {@code http.*}
 * @param healthStall   a component silent for this long is reported stalled ({@code health.stall_seconds})
 * @param document      the whole merged document, for sections later stages read (model, prediction, enforcement,
 *                      firebase, polling, health alerts)
 */
public record ArgusConfig(CaptureSettings capture, FlowSettings flow, CsvSettings csv, Anonymization anonymization,
                          Http http, Duration healthStall, JsonObject document) {

    /**
     * {@code anonymization.*}.
     *
     * @param salt         HMAC key for address pseudonyms (empty: none configured)
     * @param generateSalt when no salt is configured, make a random one for this run (demo only) instead of failing
     */
    public record Anonymization(String salt, boolean generateSalt) {
    }

    /**
     * {@code http.*}.
     *
     * @param enabled serve HTTP at all
     * @param host    address to bind (127.0.0.1 by default: local probes only)
     * @param port    TCP port (0 picks a free one, logged at start)
     */
    public record Http(boolean enabled, String host, int port) {
    }

    /**
     * Maps and checks a merged document.
     *
     * @throws ConfigException naming every key whose value is out of range or inconsistent
     */
    public static ArgusConfig from(JsonObject doc) throws ConfigException {
        Checker c = new Checker(doc);
        String file = c.str("capture.file");
        CaptureSettings capture = new CaptureSettings(
                c.str("capture.interface"),
                file.isBlank() ? null : Path.of(file),
                c.intIn("capture.snaplen", 64, 262_144),
                c.bool("capture.promiscuous"),
                c.intIn("capture.timeout_ms", 1, 60_000),
                c.intIn("capture.buffer_size_mb", 1, 4096) * 1024 * 1024,
                c.str("capture.bpf_filter"),
                c.intIn("capture.batch_packets", 1, 1 << 20),
                c.intIn("capture.max_queue_batches", 1, 1 << 20),
                Duration.ofSeconds(c.intIn("capture.stats_interval_seconds", 1, 86_400)),
                Duration.ofSeconds(c.intIn("capture.retry_initial_seconds", 1, 3600)),
                Duration.ofSeconds(c.intIn("capture.retry_max_seconds", 1, 86_400)));
        if (file.isBlank() && capture.interfaceName().isBlank()) {
            c.problem("capture.interface: empty, and no capture.file either: nothing to capture from");
        }
        if (capture.retryMax().compareTo(capture.retryInitial()) < 0) {
            c.problem("capture.retry_max_seconds: smaller than capture.retry_initial_seconds");
        }
        FlowSettings flow = new FlowSettings(
                Duration.ofSeconds(c.intIn("aggregation.window_seconds", 1, 3600)),
                Duration.ofMillis(c.intIn("aggregation.close_grace_ms", 0, 60_000)),
                c.intIn("aggregation.max_tracked_flows", 1, 1 << 28),
                c.intIn("aggregation.max_flows_per_window", 1, 1 << 28),
                Duration.ofSeconds(c.intIn("aggregation.tcp_idle_timeout_seconds", 1, 86_400)),
                Duration.ofSeconds(c.intIn("aggregation.udp_idle_timeout_seconds", 1, 86_400)),
                Duration.ofSeconds(c.intIn("aggregation.icmp_idle_timeout_seconds", 1, 86_400)),
                Duration.ofSeconds(c.intIn("aggregation.other_idle_timeout_seconds", 1, 86_400)));
        String out = c.str("aggregation.output_dir");
        if (out.isBlank()) {
            c.problem("aggregation.output_dir: must not be empty");
        }
        CsvSettings csv = new CsvSettings(
                Path.of(out.isBlank() ? "." : out),
                c.intIn("aggregation.max_rows_per_file", 1, Integer.MAX_VALUE),
                Duration.ofSeconds(c.intIn("aggregation.max_file_age_seconds", 1, 31 * 86_400)),
                c.intIn("aggregation.file_rotation_count", 0, 1_000_000),
                c.bool("aggregation.fsync"));
        Anonymization anon = new Anonymization(c.str("anonymization.salt"), c.bool("anonymization.generate_salt"));
        if (anon.salt().isEmpty() && !anon.generateSalt()) {
            c.problem("anonymization.salt: required: set " + ConfigLoader.SALT_ENV
                    + " (or anonymization.salt); CSV addresses are HMAC pseudonyms keyed with it");
        }
        Http http = new Http(c.bool("http.enabled"), c.str("http.host"), c.intIn("http.port", 0, 65_535));
        if (http.enabled() && http.host().isBlank()) {
            c.problem("http.host: must not be empty");
        }
        Duration stall = Duration.ofSeconds(c.intIn("health.stall_seconds", 1, 3600));
        c.doubleIn("health.max_drop_rate_percent", 0, 100);
        c.intIn("health.max_flow_queue_size", 1, Integer.MAX_VALUE);
        c.intIn("health.alert_cooldown_seconds", 0, 86_400 * 7);
        c.intIn("enforcement.dry_run_duration_days", 0, 3650);
        c.intIn("enforcement.blacklist_default_ttl_hours", 1, 24 * 3650);
        if (c.str("enforcement.iptables_chain_name").isBlank()) {
            c.problem("enforcement.iptables_chain_name: must not be empty");
        }
        c.doubleIn("prediction.anomaly_threshold", 0, 1);
        c.doubleIn("prediction.high_risk_threshold", 0, 1);
        c.throwIfAny();
        return new ArgusConfig(capture, flow, csv, anon, http, stall, doc.copy());
    }

    /** Reads typed values by dotted path and collects problems instead of stopping at the first. */
    private static final class Checker {
        private final JsonObject doc;
        private final List<String> problems = new ArrayList<>();

        Checker(JsonObject doc) {
            this.doc = doc;
        }

        private Object get(String path) {
            String[] parts = path.split("\\.");
            JsonObject o = doc;
            for (int i = 0; i < parts.length - 1; i++) {
                o = o.getJsonObject(parts[i]);
            }
            return o.getValue(parts[parts.length - 1]);
        }

        String str(String path) {
            Object v = get(path);
            return v == null ? "" : v.toString();
        }

        boolean bool(String path) {
            return Boolean.TRUE.equals(get(path));
        }

        int intIn(String path, int min, int max) {
            Number n = (Number) get(path);
            long v = n.longValue();
            if (v < min || v > max) {
                problem(path + ": " + v + " is out of range [" + min + ", " + max + "]");
                return min;
            }
            return (int) v;
        }

        double doubleIn(String path, double min, double max) {
            double v = ((Number) get(path)).doubleValue();
            if (v < min || v > max || Double.isNaN(v)) {
                problem(path + ": " + v + " is out of range [" + min + ", " + max + "]");
                return min;
            }
            return v;
        }

        void problem(String p) {
            problems.add(p);
        }

        void throwIfAny() throws ConfigException {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }
}
