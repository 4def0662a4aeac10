package org.argus.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.argus.blacklist.BlacklistSettings;
import org.argus.capture.CaptureSettings;
import org.argus.csv.CsvSettings;
import org.argus.detect.DetectionSettings;
import org.argus.detect.FeatureSet;
import org.argus.detect.HeuristicSettings;
import org.argus.detect.ModelStore;
import org.argus.enforce.EnforcementSettings;
import org.argus.flow.FlowSettings;
import org.argus.staging.StagingSettings;

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
 * @param detection     features, model, heuristics and polling ({@code prediction.*}, {@code model.*},
 *                      {@code heuristics.*}, {@code polling.*})
 * @param blacklist     the blacklist database, TTLs, escalation, allowlist ({@code enforcement.*}, Aegis names)
 * @param enforcement   backend, dry-run, chain, emergency stop ({@code enforcement.*})
 * @param staging       staging, upload and retention of closed CSVs ({@code staging.*}, {@code firebase.*})
 * @param cluster       clustering with other sensors ({@code cluster.*})
 * @param alerts        health alerts and their webhook ({@code health.*})
 * @param devices       the device inventory ({@code devices.*})
 * @param intel         threat-intelligence feeds ({@code intel.*})
 * @param enrichment    GeoIP/ASN databases ({@code enrichment.*}) and {@code heuristics.alert_countries}
 * @param influx        the InfluxDB export ({@code export.influx.*})
 * @param archive       the compressed CSV archive ({@code archive.*})
 * @param mirror        the blocklist mirror ({@code lapi.mirror_clients}, {@code lapi.serve_dry_run})
 * @param payload       payload capture and inspection ({@code payload.*})
 * @param fastPath      flows neither scored nor inspected ({@code routing.*})
 * @param eve           the Suricata EVE JSON output ({@code eve.*})
 * @param notifications notification channels ({@code notify.*})
 * @param evidence      packet captures of high decisions ({@code evidence.*})
 * @param document      the whole merged document, for sections later stages read (model, prediction, enforcement,
 *                      firebase, polling, health alerts)
 */
public record ArgusConfig(CaptureSettings capture, FlowSettings flow, CsvSettings csv, Anonymization anonymization,
                          Http http, Duration healthStall, DetectionSettings detection, BlacklistSettings blacklist,
                          EnforcementSettings enforcement,
                          StagingSettings staging, org.argus.cluster.ClusterSettings cluster,
                          org.argus.status.HealthMonitor.Settings alerts, org.argus.device.DeviceSettings devices,
                          org.argus.intel.IntelSettings intel, org.argus.enrich.EnrichmentSettings enrichment,
                          org.argus.export.InfluxSettings influx, org.argus.staging.Archive.Settings archive,
                          Mirror mirror, org.argus.detect.PayloadInspector.Settings payload,
                          org.argus.detect.FastPath fastPath, org.argus.eve.EveSettings eve,
                          org.argus.notify.NotifySettings notifications, org.argus.evidence.EvidenceSettings evidence,
                          JsonObject document) {

    /**
     * The blocklist mirror ({@code GET /blocklist.txt|json}) and the CrowdSec bouncer API ({@code /v1/decisions*}).
     *
     * @param clients     networks that may pull the mirror without the bearer token ({@code lapi.mirror_clients}, CIDRs)
     * @param serveDryRun serve bans while the mandatory dry-run lasts ({@code lapi.serve_dry_run})
     * @param enabled     serve the bouncer API ({@code lapi.enabled})
     * @param bouncersDb  the bouncer keys' database ({@code lapi.bouncers_db}; default {@code bouncers.db} beside the
     *                    blacklist database)
     */
    public record Mirror(List<org.argus.blacklist.BanTarget> clients, boolean serveDryRun, boolean enabled, Path bouncersDb) {
        public Mirror {
            clients = List.copyOf(clients);
        }
    }

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
     * @param token   bearer token the control endpoints ({@code /blacklist}, {@code /control/*}) require; empty:
     *                they answer 401 to everyone
     * @param dashboardShowsAddresses the open dashboard ({@code GET /}) shows real addresses; false: the CSVs'
     *                pseudonyms ({@code dashboard_show_addresses})
     * @param maxEventClients dashboard stream ({@code GET /events}) clients served at once; more get 503
     *                ({@code max_event_clients})
     */
    public record Http(boolean enabled, String host, int port, String token, boolean dashboardShowsAddresses, int maxEventClients) {
        @Override
        public String toString() {
            return "Http[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token=" + (token.isEmpty() ? "none" : "set") + "]";
        }
    }

    /**
     * Maps and checks a merged document.
     *
     * @throws ConfigException naming every key whose value is out of range or inconsistent
     */
    public static ArgusConfig from(JsonObject doc) throws ConfigException {
        return from(doc, List.of());
    }

    /**
     * As {@link #from(JsonObject)}, reporting {@code earlier} problems (unknown keys, wrong types found while merging)
     * together with this check's own, in one {@link ConfigException}.
     */
    public static ArgusConfig from(JsonObject doc, List<String> earlier) throws ConfigException {
        List<String> control = new ArrayList<>();
        doc = withoutControlCharacters(doc, "", control);
        Checker c = new Checker(doc);
        earlier.forEach(c::problem);
        control.forEach(c::problem);
        String file = c.str("capture.file");
        CaptureSettings capture = new CaptureSettings(
                c.str("capture.interface"),
                file.isBlank() ? null : Path.of(file),
                c.intIn("capture.snaplen", 64, 262_144),
                c.bool("capture.promiscuous"),
                c.intIn("capture.timeout_ms", 1, 60_000),
                c.intIn("capture.buffer_size_mb", 1, 1024) * 1024 * 1024,
                c.str("capture.bpf_filter"),
                c.intIn("capture.batch_packets", 1, 1 << 20),
                c.intIn("capture.max_queue_batches", 1, 1 << 20),
                Duration.ofSeconds(c.intIn("capture.stats_interval_seconds", 1, 86_400)),
                Duration.ofSeconds(c.intIn("capture.retry_initial_seconds", 1, 3600)),
                Duration.ofSeconds(c.intIn("capture.retry_max_seconds", 1, 86_400)));
        String bpfProblem = org.argus.capture.Pcap4j.filterProblem(capture.bpfFilter(), capture.snaplen());
        if (bpfProblem != null) {
            c.problem("capture.bpf_filter: \"" + org.argus.log.LogText.escape(capture.bpfFilter()) + "\" does not compile: " + bpfProblem);
        }
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
                c.bool("aggregation.fsync"),
                c.intIn("aggregation.min_free_mb", 0, 1 << 24) * 1024L * 1024L, rotation(c));
        Anonymization anon = new Anonymization(c.str("anonymization.salt"), c.bool("anonymization.generate_salt"));
        if (anon.salt().isEmpty() && !anon.generateSalt()) {
            c.problem("anonymization.salt: required: set " + ConfigLoader.SALT_ENV
                    + " (or anonymization.salt); CSV addresses are HMAC pseudonyms keyed with it");
        }
        Http http = new Http(c.bool("http.enabled"), c.str("http.host"), c.intIn("http.port", 0, 65_535),
                c.str("http.token"), c.bool("http.dashboard_show_addresses"), c.intIn("http.max_event_clients", 1, 1024));
        if (http.enabled() && http.host().isBlank()) {
            c.problem("http.host: must not be empty");
        } else if (!http.host().isBlank() && !isHost(http.host())) {
            c.problem("http.host: \"" + org.argus.log.LogText.escape(http.host()) + "\" is neither an IP address nor a host name");
        }
        Duration stall = Duration.ofSeconds(c.intIn("health.stall_seconds", 1, 3600));
        String webhook = c.str("health.webhook_url");
        if (!webhook.isEmpty() && !webhook.matches("https?://\\S+")) {
            c.problem("health.webhook_url: \"" + webhook + "\" is not an http:// or https:// URL");
        }
        org.argus.status.HealthMonitor.Settings alerts = new org.argus.status.HealthMonitor.Settings(
                c.doubleIn("health.max_drop_rate_percent", 0, 100), c.intIn("health.max_flow_queue_size", 1, Integer.MAX_VALUE),
                Duration.ofSeconds(c.intIn("health.alert_cooldown_seconds", 0, 86_400 * 7)), c.bool("health.enable_drop_monitoring"),
                c.bool("health.enable_queue_monitoring"), webhook, c.intIn("health.webhook_attempts", 1, 20),
                c.str("health.stats_file").isBlank() ? csv.outputDir().toAbsolutePath().resolveSibling("stats.json")
                        : Path.of(c.str("health.stats_file")),
                Duration.ofSeconds(c.intIn("health.stats_interval_seconds", 1, 86_400)));
        DetectionSettings detection = detection(c);
        BlacklistSettings blacklist = blacklist(c);
        EnforcementSettings enforcement = enforcement(c);
        StagingSettings staging = staging(c, csv.outputDir(), csv.minFreeBytes());
        org.argus.cluster.ClusterSettings cluster = cluster(c);
        org.argus.device.DeviceSettings devices = devices(c, blacklist.database());
        org.argus.intel.IntelSettings intel = intel(c, blacklist.database());
        org.argus.enrich.EnrichmentSettings enrichment = enrichment(c);
        org.argus.export.InfluxSettings influx = influx(c, csv.outputDir());
        String archiveDir = c.str("archive.dir");
        org.argus.staging.Archive.Settings archive = new org.argus.staging.Archive.Settings(c.bool("archive.enabled"),
                archiveDir.isBlank() ? csv.outputDir().resolve("archive") : Path.of(archiveDir),
                Duration.ofDays(c.intIn("archive.retention_days", 1, 36_500)), (long) c.intIn("archive.max_mb", 0, 16_777_216) << 20,
                Duration.ofSeconds(c.intIn("archive.min_staged_seconds", 0, 86_400 * 30)));
        List<org.argus.blacklist.BanTarget> mirrorClients = new ArrayList<>();
        for (String n : c.strings("lapi.mirror_clients")) {
            try {
                mirrorClients.add(org.argus.blacklist.BanTarget.parseCidr(n));
            } catch (IllegalArgumentException e) {
                c.problem("lapi.mirror_clients: " + e.getMessage());
            }
        }
        org.argus.detect.PayloadInspector.Settings payload = new org.argus.detect.PayloadInspector.Settings(
                c.bool("payload.enabled"), c.intIn("payload.capture_bytes", 16, 4096),
                (long) c.intIn("payload.window_mb", 1, 1024) << 20, c.doubleIn("payload.sample", 0, 1),
                c.intIn("payload.max_per_window", 1, 1 << 24), c.doubleIn("payload.threshold", 0.5, 1));
        org.argus.detect.FastPath fastPath = fastPath(c, blacklist);
        String eveFile = c.str("eve.file");
        org.argus.eve.EveSettings eve = new org.argus.eve.EveSettings(c.bool("eve.enabled"),
                eveFile.isBlank() ? csv.outputDir().resolve("eve.json") : Path.of(eveFile), c.bool("eve.anonymize"),
                (long) c.intIn("eve.max_mb", 1, 1 << 20) << 20, c.intIn("eve.keep_files", 0, 1000),
                Duration.ofSeconds(c.intIn("eve.stats_interval_seconds", 1, 86_400)), c.intIn("eve.max_flows", 1000, 10_000_000));
        org.argus.notify.NotifySettings notifications = notifications(c);
        String evidenceDir = c.str("evidence.dir");
        org.argus.evidence.EvidenceSettings evidence = new org.argus.evidence.EvidenceSettings(c.bool("evidence.enabled"),
                evidenceDir.isBlank() ? csv.outputDir().toAbsolutePath().resolveSibling("evidence") : Path.of(evidenceDir),
                (long) c.intIn("evidence.ring_mb", 1, 1024) << 20, Duration.ofSeconds(c.intIn("evidence.before_seconds", 0, 3600)),
                Duration.ofSeconds(c.intIn("evidence.after_seconds", 0, 3600)), c.intIn("evidence.max_files", 1, 1_000_000),
                (long) c.intIn("evidence.max_mb", 1, 1 << 20) << 20, (long) c.intIn("evidence.max_file_mb", 1, 4096) << 20,
                Duration.ofSeconds(c.intIn("evidence.max_span_seconds", 1, 86_400)));
        c.throwIfAny();
        return new ArgusConfig(capture, flow, csv, anon, http, stall, detection, blacklist, enforcement, staging, cluster, alerts,
                devices, intel, enrichment, influx, archive, new Mirror(mirrorClients, c.bool("lapi.serve_dry_run"), c.bool("lapi.enabled"),
                c.str("lapi.bouncers_db").isBlank() ? blacklist.database().toAbsolutePath().resolveSibling("bouncers.db")
                        : Path.of(c.str("lapi.bouncers_db"))), payload,
                fastPath, eve, notifications, evidence, doc.copy());
    }

    /** {@code prediction.algorithm}: auto, isolation_forest or autoencoder. */
    private static String algorithm(Checker c) {
        String a = c.str("prediction.algorithm");
        if (!ModelStore.TrainOptions.ALGORITHMS.contains(a)) {
            c.problem("prediction.algorithm: \"" + org.argus.log.LogText.escape(a) + "\" is not one of auto, isolation_forest, autoencoder");
            return "auto";
        }
        return a;
    }

    private static final java.util.Set<String> CHANNEL_KEYS = java.util.Set.of("name", "type", "url", "template", "events", "min_risk",
            "max_per_interval", "interval", "attempts", "bot_token", "chat_id", "smtp_host", "smtp_port", "starttls", "username",
            "password", "from", "to");

    /**
     * {@code notify.*}: each channel object checked whole, every problem named by its index ({@code
     * notify.channels[1].url: …}).
     */
    private static org.argus.notify.NotifySettings notifications(Checker c) {
        List<org.argus.notify.NotifySettings.Channel> channels = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        Object raw = c.doc.getJsonObject("notify").getValue("channels");
        io.vertx.core.json.JsonArray list = raw instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray();
        for (int i = 0; i < list.size(); i++) {
            String at = "notify.channels[" + i + "]";
            if (!(list.getValue(i) instanceof JsonObject ch)) {
                c.problem(at + ": must be an object {name, type, url, …}");
                continue;
            }
            int before = c.problems.size();
            for (String k : ch.fieldNames()) {
                if (!CHANNEL_KEYS.contains(k)) {
                    c.problem(at + "." + org.argus.log.LogText.escape(k) + ": unknown key (" + String.join(", ", new java.util.TreeSet<>(CHANNEL_KEYS)) + ")");
                }
            }
            String name = ch.getValue("name") instanceof String s ? s : "";
            if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                c.problem(at + ".name: required, 1-64 characters of letters, digits, '_', '.', '-'");
            } else if (!names.add(name)) {
                c.problem(at + ".name: \"" + name + "\" is used by another channel");
            }
            String type = ch.getValue("type") instanceof String s ? s : "";
            if (!org.argus.notify.NotifySettings.TYPES.contains(type)) {
                c.problem(at + ".type: one of " + new java.util.TreeSet<>(org.argus.notify.NotifySettings.TYPES));
            }
            String url = ch.getValue("url") instanceof String s ? s : type.equals("telegram") ? "https://api.telegram.org" : "";
            if (!type.equals("email") && !url.matches("https?://\\S+")) {
                c.problem(at + ".url: an http:// or https:// URL is required for " + type);
            }
            List<String> events = new ArrayList<>();
            if (ch.getValue("events") instanceof io.vertx.core.json.JsonArray ev) {
                for (Object e : ev) {
                    if (!(e instanceof String s) || !org.argus.notify.NotifySettings.EVENTS.contains(s)) {
                        c.problem(at + ".events: \"" + e + "\" is not one of " + new java.util.TreeSet<>(org.argus.notify.NotifySettings.EVENTS));
                    } else {
                        events.add(s);
                    }
                }
            } else if (ch.containsKey("events")) {
                c.problem(at + ".events: a list of event kinds");
            }
            String minRisk = ch.getValue("min_risk", "low") instanceof String s ? s : "";
            if (!List.of("low", "medium", "high").contains(minRisk)) {
                c.problem(at + ".min_risk: low, medium or high");
            }
            int perInterval = wholeIn(c, ch.getValue("max_per_interval", 10), 1, 10_000, at + ".max_per_interval");
            Duration interval = Duration.ofMinutes(1);
            try {
                interval = Durations.parse(ch.getValue("interval", "1m") instanceof String s ? s : "?");
            } catch (IllegalArgumentException e) {
                c.problem(at + ".interval: " + e.getMessage());
            }
            int attempts = wholeIn(c, ch.getValue("attempts", 3), 1, 10, at + ".attempts");
            String token = ch.getValue("bot_token", "") instanceof String s ? s : "";
            String chat = ch.getValue("chat_id", "") instanceof String s ? s : String.valueOf(ch.getValue("chat_id"));
            if (type.equals("telegram") && (token.isBlank() || chat.isBlank())) {
                c.problem(at + ": telegram needs bot_token and chat_id");
            }
            org.argus.notify.NotifySettings.Email email = null;
            if (type.equals("email")) {
                String host = ch.getValue("smtp_host", "") instanceof String s ? s : "";
                String starttls = ch.getValue("starttls", "required") instanceof String s ? s : "";
                String from = ch.getValue("from", "") instanceof String s ? s : "";
                List<String> to = new ArrayList<>();
                if (ch.getValue("to") instanceof io.vertx.core.json.JsonArray t) {
                    t.forEach(x -> to.add(String.valueOf(x)));
                }
                if (host.isBlank() || from.isBlank() || to.isEmpty()) {
                    c.problem(at + ": email needs smtp_host, from and to");
                }
                if (!List.of("required", "optional", "disabled").contains(starttls)) {
                    c.problem(at + ".starttls: required, optional or disabled");
                    starttls = "required";
                }
                email = new org.argus.notify.NotifySettings.Email(host, wholeIn(c, ch.getValue("smtp_port", 587), 1, 65_535, at + ".smtp_port"),
                        starttls, ch.getValue("username", "") instanceof String s ? s : "", ch.getValue("password", "") instanceof String s ? s : "",
                        from, to);
            }
            if (c.problems.size() == before) {
                channels.add(new org.argus.notify.NotifySettings.Channel(name, type, url,
                        ch.getValue("template", "") instanceof String s ? s : "", new java.util.HashSet<>(events), minRisk, perInterval, interval,
                        attempts, token, chat, email));
            }
        }
        return new org.argus.notify.NotifySettings(channels, c.str("notify.dashboard_url"));
    }

    private static org.argus.detect.FastPath fastPath(Checker c, BlacklistSettings blacklist) {
        List<org.argus.detect.FastPath.Service> services = new ArrayList<>();
        for (String s : c.strings("routing.known_good_services")) {
            try {
                services.add(org.argus.detect.FastPath.Service.parse(s));
            } catch (IllegalArgumentException e) {
                c.problem("routing.known_good_services: " + e.getMessage());
            }
        }
        List<org.argus.blacklist.BanTarget> originators = new ArrayList<>();
        if (c.bool("routing.allowlist_fast_path") && blacklist != null) {
            for (String a : blacklist.allowlist()) {
                try {
                    originators.add(org.argus.blacklist.BanTarget.parseCidr(a));
                } catch (IllegalArgumentException e) {
                    // enforcement.allowlist reports its own problems
                }
            }
        }
        java.util.Set<Long> macs = new java.util.HashSet<>();
        for (String d : c.strings("routing.trusted_devices")) {
            try {
                macs.add(org.argus.device.Mac.parse(d));
                continue;
            } catch (IllegalArgumentException notAMac) {
                // an address or CIDR, then
            }
            try {
                originators.add(org.argus.blacklist.BanTarget.parseCidr(d));
            } catch (IllegalArgumentException e) {
                c.problem("routing.trusted_devices: \"" + org.argus.log.LogText.escape(d) + "\" is neither a MAC address nor an address or CIDR");
            }
        }
        return new org.argus.detect.FastPath(originators, services, macs);
    }

    private static org.argus.cluster.ClusterSettings cluster(Checker c) {
        boolean enabled = c.bool("cluster.enabled");
        String id = c.str("cluster.sensor_id"), host = c.str("cluster.host"), secret = c.str("cluster.secret");
        int port = c.intIn("cluster.port", 1, 65_535), busPort = c.intIn("cluster.event_bus_port", 0, 65_535);
        List<String> members = c.strings("cluster.members");
        String cert = c.str("cluster.tls_cert"), key = c.str("cluster.tls_key"), ca = c.str("cluster.tls_ca");
        Duration heartbeat = Duration.ofSeconds(c.intIn("cluster.heartbeat_seconds", 1, 3600));
        Duration skew = Duration.ofSeconds(c.intIn("cluster.max_clock_skew_seconds", 1, 3600));
        Duration timeout = Duration.ofSeconds(c.intIn("cluster.member_timeout_seconds", 1, 86_400));
        if (enabled) {
            if (!id.isBlank() && !id.matches("[A-Za-z0-9._-]{1,64}")) {
                c.problem("cluster.sensor_id: \"" + id + "\" must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
                c.problem("cluster.host: required when clustering, the address of this sensor's own interface that the other "
                        + "sensors reach (e.g. its WireGuard address), never a wildcard (or -cluster-host)");
            }
            for (String m : members) {
                if (!m.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
                    c.problem("cluster.members: \"" + m + "\" is not host or host:port");
                }
            }
            if (secret.length() < 32) {
                c.problem("cluster.secret: required when clustering, at least 32 characters shared by every member "
                        + "(set ARGUS_CLUSTER_SECRET; e.g. openssl rand -hex 32)");
            }
            for (String[] f : new String[][] {{"cluster.tls_cert", cert}, {"cluster.tls_key", key}, {"cluster.tls_ca", ca}}) {
                if (f[1].isBlank() || !java.nio.file.Files.isReadable(Path.of(f[1]))) {
                    c.problem(f[0] + ": " + (f[1].isBlank() ? "required when clustering (PEM; scripts/cluster-certs.sh makes them)"
                            : f[1] + " is not a readable file"));
                }
            }
        }
        return new org.argus.cluster.ClusterSettings(enabled, id.isBlank() ? org.argus.staging.StorageFactory.hostname() : id,
                host, port, members, busPort, cert.isBlank() ? null : Path.of(cert), key.isBlank() ? null : Path.of(key),
                ca.isBlank() ? null : Path.of(ca), secret, heartbeat, skew, timeout);
    }

    private static StagingSettings staging(Checker c, Path outputDir, long minFreeBytes) {
        String dir = c.str("staging.dir"), uploaded = c.str("staging.uploaded_dir");
        StagingSettings.Firebase fb = null;
        // checked whether Firebase is on or not: a bad value must not wait for the day it is switched on
        Duration modelSync = Duration.ofSeconds(c.intIn("firebase.model_sync_interval_seconds", 0, 86_400 * 7));
        Duration blacklistSync = Duration.ofSeconds(c.intIn("firebase.blacklist_sync_interval", 0, 86_400 * 7));
        if (c.bool("firebase.enabled")) {
            String bucket = c.str("firebase.storage_bucket"), account = c.str("firebase.service_account_path");
            if (bucket.isBlank()) {
                c.problem("firebase.storage_bucket: required when firebase.enabled is true (e.g. your-project.appspot.com)");
            }
            if (!account.isBlank() && !java.nio.file.Files.isReadable(Path.of(account))) {
                c.problem("firebase.service_account_path: " + account + " is not a readable file");
            }
            String id = c.str("firebase.sensor_id");
            if (!id.isBlank() && !id.matches("[A-Za-z0-9._-]{1,64}")) {
                c.problem("firebase.sensor_id: \"" + id + "\" must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            List<String> peers = c.strings("firebase.blacklist_import_from");
            for (String peer : peers) {
                if (!peer.matches("[A-Za-z0-9._-]{1,64}")) {
                    c.problem("firebase.blacklist_import_from: \"" + peer + "\" is not a sensor id (1 to 64 letters, digits, '.', '_' or '-')");
                }
            }
            fb = new StagingSettings.Firebase(c.str("firebase.project_id"), bucket, account, c.str("firebase.storage_host"),
                    c.str("firebase.data_prefix"), id.isBlank() ? org.argus.staging.StorageFactory.hostname() : id,
                    c.str("firebase.model_output_path"), modelSync, c.str("firebase.blacklist_prefix"), blacklistSync,
                    peers);
        }
        int retryInitial = c.intIn("staging.retry_initial_seconds", 1, 86_400);
        int retryMax = c.intIn("staging.retry_max_seconds", 1, 86_400);
        if (retryMax < retryInitial) {
            c.problem("staging.retry_max_seconds: smaller than staging.retry_initial_seconds");
        }
        return new StagingSettings(outputDir,
                dir.isBlank() ? outputDir.resolve("staging") : Path.of(dir),
                uploaded.isBlank() ? outputDir.resolve("uploaded") : Path.of(uploaded),
                Duration.ofSeconds(c.intIn("staging.min_age_seconds", 0, 86_400)),
                Duration.ofSeconds(c.intIn("staging.scan_interval_seconds", 1, 3600)),
                Duration.ofDays(c.intIn("staging.uploaded_retention_days", 0, 3650)),
                c.intIn("staging.uploaded_retention_mb", 0, 1 << 24) * 1024L * 1024L, minFreeBytes,
                Duration.ofSeconds(retryInitial), Duration.ofSeconds(retryMax),
                Duration.ofSeconds(c.intIn("staging.max_backlog_age_seconds", 1, 86_400 * 30)), fb);
    }

    private static EnforcementSettings enforcement(Checker c) {
        EnforcementSettings.Backend backend = EnforcementSettings.Backend.NONE;
        try {
            backend = EnforcementSettings.Backend.parse(c.str("enforcement.backend"));
        } catch (IllegalArgumentException e) {
            c.problem("enforcement.backend: " + e.getMessage());
        }
        String chain = c.str("enforcement.iptables_chain_name");
        // iptables chain names are at most 28 characters, ipset names 31 (we add "-v4"/"-v6").
        if (!chain.matches("[A-Za-z0-9_-]{1,24}")) {
            c.problem("enforcement.iptables_chain_name: \"" + chain + "\" must be 1 to 24 letters, digits, '-' or '_'");
        }
        String stopFile = c.str("enforcement.emergency_stop_file");
        if (stopFile.isBlank()) {
            c.problem("enforcement.emergency_stop_file: must not be empty (it is how an operator stops enforcement without the HTTP endpoint)");
        }
        return new EnforcementSettings(backend,
                Duration.ofDays(c.intIn("enforcement.dry_run_duration_days", 0, 3650)),
                c.bool("enforcement.enforce_after_dry_run"), chain,
                Path.of(stopFile.isBlank() ? "aegis.emergency" : stopFile), c.bool("enforcement.remove_rules_on_stop"),
                Duration.ofSeconds(c.intIn("enforcement.command_timeout_seconds", 1, 600)), xdp(c),
                new EnforcementSettings.RateLimit(c.intIn("enforcement.rate_limit_pps", 1, 10_000_000),
                        c.intIn("enforcement.rate_limit_burst", 1, 10_000_000)));
    }

    private static EnforcementSettings.Xdp xdp(Checker c) {
        String iface = c.str("enforcement.xdp_interface");
        if (iface.isBlank()) {
            iface = c.str("capture.interface");
        }
        if (!iface.matches("[A-Za-z0-9_.@:-]{0,15}")) {
            c.problem("enforcement.xdp_interface: \"" + iface + "\" is not an interface name");
        }
        org.argus.enforce.XdpBackend.Mode mode = org.argus.enforce.XdpBackend.Mode.AUTO;
        try {
            mode = org.argus.enforce.XdpBackend.Mode.parse(c.str("enforcement.xdp_mode"));
        } catch (IllegalArgumentException e) {
            c.problem("enforcement.xdp_mode: " + e.getMessage());
        }
        String pins = c.str("enforcement.xdp_pin_dir");
        if (!pins.startsWith("/") || pins.length() < 2) {
            c.problem("enforcement.xdp_pin_dir: \"" + pins + "\" must be an absolute directory on a BPF file system");
        }
        boolean xdp = "xdp".equals(c.str("enforcement.backend"));
        if (xdp && iface.isBlank()) {
            c.problem("enforcement.xdp_interface: empty, and capture.interface is too (the backend xdp needs an interface)");
        }
        return new EnforcementSettings.Xdp(iface, mode, Path.of(pins.startsWith("/") ? pins : "/sys/fs/bpf/argus"));
    }

    private static BlacklistSettings blacklist(Checker c) {
        String db = c.str("enforcement.blacklist_db_path");
        if (db.isBlank()) {
            c.problem("enforcement.blacklist_db_path: must not be empty");
        }
        int defaultTtl = c.intIn("enforcement.blacklist_default_ttl_hours", 1, 24 * 3650);
        int maxTtl = c.intIn("enforcement.max_ttl_hours", 1, 24 * 3650);
        if (maxTtl < defaultTtl) {
            c.problem("enforcement.max_ttl_hours: " + maxTtl + " is below enforcement.blacklist_default_ttl_hours " + defaultTtl);
        }
        java.util.Map<org.argus.detect.Risk, Double> byRisk = new java.util.EnumMap<>(org.argus.detect.Risk.class);
        for (org.argus.detect.Risk r : org.argus.detect.Risk.values()) {
            double h = c.doubleIn("enforcement.ban_ttl_hours." + r.text(), 0, 24 * 3650);
            if (h > 0) {
                byRisk.put(r, h);
            }
        }
        java.util.Map<org.argus.detect.Risk, org.argus.blacklist.Action> actions = new java.util.EnumMap<>(org.argus.detect.Risk.class);
        for (org.argus.detect.Risk r : org.argus.detect.Risk.values()) {
            String a = c.str("enforcement.actions." + r.text());
            switch (a) {
                case "none" -> { }
                case "rate_limit" -> actions.put(r, org.argus.blacklist.Action.RATE_LIMIT);
                case "ban" -> actions.put(r, org.argus.blacklist.Action.BAN);
                default -> c.problem("enforcement.actions." + r.text() + ": \"" + a + "\" is not one of none, rate_limit, ban"
                        + (a.equals("quarantine") ? " (quarantine is for local devices: POST /quarantine, devices.quarantine_on_critical)" : ""));
            }
        }
        if (actions.containsValue(org.argus.blacklist.Action.RATE_LIMIT) && "xdp".equals(c.str("enforcement.backend"))) {
            c.problem("enforcement.actions: rate_limit needs backend nftables or ipset (the xdp backend only drops)");
        }
        List<String> allow = c.strings("enforcement.allowlist");
        for (String a : allow) {
            try {
                org.argus.blacklist.BanTarget.parseCidr(a);
            } catch (IllegalArgumentException e) {
                c.problem("enforcement.allowlist: " + e.getMessage());
            }
        }
        return new BlacklistSettings(Path.of(db.isBlank() ? "blacklist.db" : db),
                new org.argus.blacklist.BlacklistStore.Policy(Duration.ofHours(defaultTtl),
                        c.doubleIn("enforcement.ttl_escalation_factor", 1, 100), Duration.ofHours(maxTtl)),
                byRisk, actions, allow, Duration.ofSeconds(c.intIn("enforcement.blacklist_cleanup_interval", 1, 86_400)),
                c.bool("enforcement.export_anonymized"));
    }

    /** {@code devices.*}; an empty {@code db_path} means {@code devices.db} beside the blacklist database. */
    private static org.argus.device.DeviceSettings devices(Checker c, Path blacklistDb) {
        List<org.argus.blacklist.BanTarget> local = new ArrayList<>();
        for (String n : c.strings("devices.local_networks")) {
            try {
                local.add(org.argus.blacklist.BanTarget.parseCidr(n));
            } catch (IllegalArgumentException e) {
                c.problem("devices.local_networks: " + e.getMessage());
            }
        }
        String db = c.str("devices.db_path");
        Path dbPath = db.isBlank() ? blacklistDb.toAbsolutePath().resolveSibling("devices.db") : Path.of(db);
        String ports = c.str("devices.scan.ports");
        if (!ports.matches("top:[1-9][0-9]{0,4}|[0-9]{1,5}(-[0-9]{1,5})?(,[0-9]{1,5}(-[0-9]{1,5})?)*")) {
            c.problem("devices.scan.ports: \"" + org.argus.log.LogText.escape(ports) + "\" is neither top:N nor a port list like 21-23,80,443");
        }
        String nmap = c.str("devices.scan.nmap_path");
        if (nmap.isBlank()) {
            c.problem("devices.scan.nmap_path: must not be empty");
        }
        org.argus.device.DeviceScanner.Settings scan = new org.argus.device.DeviceScanner.Settings(c.bool("devices.scan.enabled"),
                Duration.ofHours(c.intIn("devices.scan.interval_hours", 1, 24 * 365)), ports, c.intIn("devices.scan.timing", 0, 5),
                Duration.ofSeconds(c.intIn("devices.scan.timeout_seconds", 10, 86_400)), c.intIn("devices.scan.max_scans_per_hour", 1, 3600),
                nmap);
        double wb = c.doubleIn("devices.trust.behaviour_weight", 0, 1), wv = c.doubleIn("devices.trust.vulnerability_weight", 0, 1),
                wr = c.doubleIn("devices.trust.reputation_weight", 0, 1);
        if (wb + wv + wr <= 0) {
            c.problem("devices.trust.behaviour_weight, vulnerability_weight, reputation_weight: must not all be 0");
            wb = 1;
        }
        return new org.argus.device.DeviceSettings(c.bool("devices.enabled"), dbPath, local, Path.of(c.str("devices.manuf_path")),
                c.intIn("devices.max_devices", 1, 1_000_000), c.intIn("devices.max_addresses_per_device", 1, 1024), scan,
                new org.argus.device.TrustScore.Weights(wb, wv, wr), Duration.ofHours(c.intIn("devices.trust.recovery_hours", 1, 24 * 365)),
                c.bool("devices.quarantine_on_critical"));
    }

    private static final java.util.Set<String> FEED_KEYS = java.util.Set.of("name", "path", "url", "format", "category", "score",
            "refresh_minutes");

    /**
     * {@code intel.*}: each feed object checked whole, every problem named by its index ({@code intel.feeds[2].format:
     * …}); names unique, {@code path} xor {@code url} (https, or http to a loopback address for tests).
     */
    private static org.argus.intel.IntelSettings intel(Checker c, Path blacklistDb) {
        List<org.argus.intel.ThreatIntel.Feed> feeds = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        Object raw = c.doc.getJsonObject("intel").getValue("feeds");
        io.vertx.core.json.JsonArray list = raw instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray();
        if (list.size() > org.argus.intel.ThreatIntel.MAX_FEEDS) {
            c.problem("intel.feeds: at most " + org.argus.intel.ThreatIntel.MAX_FEEDS + " feeds, not " + list.size());
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "intel.feeds[" + i + "]";
            if (!(list.getValue(i) instanceof JsonObject f)) {
                c.problem(at + ": must be an object {name, path or url, format, category, score, refresh_minutes}");
                continue;
            }
            int before = c.problems.size();
            for (String k : f.fieldNames()) {
                if (!FEED_KEYS.contains(k)) {
                    c.problem(at + "." + org.argus.log.LogText.escape(k) + ": unknown key (name, path, url, format, category, score, refresh_minutes)");
                }
            }
            String name = f.getValue("name") instanceof String s ? s : "";
            if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                c.problem(at + ".name: required, 1-64 characters of letters, digits, '_', '.', '-'");
            } else if (!names.add(name)) {
                c.problem(at + ".name: \"" + name + "\" is used by another feed");
            }
            Object path = f.getValue("path"), url = f.getValue("url");
            if ((path == null) == (url == null)) {
                c.problem(at + ": needs exactly one of path and url");
            } else if (path != null && !(path instanceof String p && !p.isBlank())) {
                c.problem(at + ".path: must be a file path");
            } else if (url != null && !(url instanceof String u && isFeedUrl(u))) {
                c.problem(at + ".url: must be an https:// URL (http:// only to a loopback address)");
            }
            org.argus.intel.FeedFormat format = null;
            try {
                format = org.argus.intel.FeedFormat.parse(f.getValue("format") instanceof String s ? s : String.valueOf(f.getValue("format")));
            } catch (IllegalArgumentException e) {
                c.problem(at + ".format: " + e.getMessage());
            }
            Object category = f.getValue("category", "malicious");
            if (!(category instanceof String cat) || !cat.matches("[A-Za-z0-9_.-]{1,64}")) {
                c.problem(at + ".category: 1-64 characters of letters, digits, '_', '.', '-'");
                category = "malicious";
            }
            int score = wholeIn(c, f.getValue("score", 90), 0, 100, at + ".score");
            int refresh = wholeIn(c, f.getValue("refresh_minutes", 60), 1, 10_080, at + ".refresh_minutes");
            if (c.problems.size() == before) {
                feeds.add(new org.argus.intel.ThreatIntel.Feed(name, path != null ? (String) path : (String) url, format, (String) category,
                        score, refresh));
            }
        }
        String cache = c.str("intel.cache_dir"), ca = c.str("intel.ca_file");
        if (!ca.isBlank() && !java.nio.file.Files.isReadable(Path.of(ca))) {
            c.problem("intel.ca_file: \"" + org.argus.log.LogText.escape(ca) + "\" is not a readable file");
        }
        return new org.argus.intel.IntelSettings(feeds, cache.isBlank() ? blacklistDb.toAbsolutePath().resolveSibling("intel") : Path.of(cache),
                c.bool("intel.refuse_private"), c.intIn("intel.max_entries_per_feed", 1, 10_000_000), c.bool("intel.block_listed"),
                ca.isBlank() ? null : Path.of(ca));
    }

    /**
     * {@code export.influx.*}: the URL must be http(s); v1 needs a database, v2 an org, a bucket and a token;
     * intervals are durations like {@code 30s}, {@code 1m}, {@code 5m}; an empty {@code queue_dir} means
     * {@code influx-queue} beside the CSV output folder.
     */
    private static org.argus.export.InfluxSettings influx(Checker c, Path csvDir) {
        String url = c.str("export.influx.url"), api = c.str("export.influx.api").toLowerCase(java.util.Locale.ROOT);
        boolean on = c.bool("export.influx.enabled");
        if (!url.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            c.problem("export.influx.url: \"" + org.argus.log.LogText.escape(url) + "\" is not an http:// or https:// base URL");
        }
        if (!api.equals("v1") && !api.equals("v2")) {
            c.problem("export.influx.api: \"" + org.argus.log.LogText.escape(api) + "\" is neither v1 nor v2");
        }
        if (on && api.equals("v1") && c.str("export.influx.database").isBlank()) {
            c.problem("export.influx.database: must not be empty with api v1");
        }
        if (on && api.equals("v2")) {
            for (String k : new String[] {"org", "bucket", "token"}) {
                if (c.str("export.influx." + k).isBlank()) {
                    c.problem("export.influx." + k + ": must not be empty with api v2");
                }
            }
        }
        Duration aggregation = durationText(c, "export.influx.aggregation_interval", Duration.ofSeconds(5), Duration.ofDays(1));
        Duration flush = durationText(c, "export.influx.flush_interval", Duration.ofSeconds(1), Duration.ofHours(1));
        String queue = c.str("export.influx.queue_dir");
        return new org.argus.export.InfluxSettings(on, url, api.equals("v2") ? org.argus.export.InfluxSettings.Api.V2
                : org.argus.export.InfluxSettings.Api.V1, c.str("export.influx.database"), c.str("export.influx.retention_policy"),
                c.str("export.influx.username"), c.str("export.influx.password"), c.str("export.influx.org"),
                c.str("export.influx.bucket"), c.str("export.influx.token"), aggregation, c.bool("export.influx.anonymize"),
                c.intIn("export.influx.batch_size", 1, 100_000), flush, (long) c.intIn("export.influx.max_buffer_mb", 1, 1_048_576) << 20,
                queue.isBlank() ? csvDir.toAbsolutePath().resolveSibling("influx-queue") : Path.of(queue),
                Duration.ofSeconds(c.intIn("export.influx.timeout_seconds", 1, 300)), c.intIn("export.influx.max_flow_keys", 1, 1_000_000));
    }

    /** {@code aggregation.rotation_interval}: empty (off), 1h, 6h, 12h, 1d or 1w. */
    private static Duration rotation(Checker c) {
        String v = c.str("aggregation.rotation_interval").strip();
        return switch (v) {
            case "" -> Duration.ZERO;
            case "1h" -> Duration.ofHours(1);
            case "6h" -> Duration.ofHours(6);
            case "12h" -> Duration.ofHours(12);
            case "1d" -> Duration.ofDays(1);
            case "1w" -> Duration.ofDays(7);
            default -> {
                c.problem("aggregation.rotation_interval: \"" + org.argus.log.LogText.escape(v) + "\" is none of 1h, 6h, 12h, 1d, 1w (or empty: off)");
                yield Duration.ZERO;
            }
        };
    }

    /**
     * A duration written as a whole number and a unit: {@code s}, {@code m}, {@code h}, {@code d} or {@code w}
     * ({@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 1w}); out of [min, max] or unreadable is a problem.
     */
    static Duration durationText(Checker c, String key, Duration min, Duration max) {
        String v = c.str(key).strip();
        Duration d;
        try {
            d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
            c.problem(key + ": " + e.getMessage());
            return min;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            c.problem(key + ": " + v + " is out of range [" + text(min) + ", " + text(max) + "]");
            return min;
        }
        return d;
    }

    private static String text(Duration d) {
        return d.toDays() >= 1 && d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() >= 1 && d.toMinutes() % 60 == 0 ? d.toHours() + "h"
                : d.toMinutes() >= 1 && d.getSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.getSeconds() + "s";
    }

    /** {@code enrichment.*}: each database file must be readable; country codes are two upper-case letters. */
    private static org.argus.enrich.EnrichmentSettings enrichment(Checker c) {
        Path[] dbs = new Path[3];
        String[] keys = {"enrichment.geoip_country_db", "enrichment.geoip_city_db", "enrichment.geoip_asn_db"};
        for (int i = 0; i < keys.length; i++) {
            String f = c.str(keys[i]);
            if (!f.isBlank()) {
                dbs[i] = Path.of(f);
                if (!java.nio.file.Files.isReadable(dbs[i])) {
                    c.problem(keys[i] + ": \"" + org.argus.log.LogText.escape(f) + "\" is not a readable file");
                }
            }
        }
        java.util.Set<String> countries = new java.util.TreeSet<>();
        for (String code : c.strings("heuristics.alert_countries")) {
            if (code.matches("[A-Z]{2}")) {
                countries.add(code);
            } else {
                c.problem("heuristics.alert_countries: \"" + org.argus.log.LogText.escape(code) + "\" is not an ISO 3166-1 alpha-2 code like DE");
            }
        }
        if (!countries.isEmpty() && dbs[0] == null && dbs[1] == null) {
            c.problem("heuristics.alert_countries: needs enrichment.geoip_country_db or enrichment.geoip_city_db");
        }
        boolean extra = c.bool("aggregation.extra_columns");
        if (extra && dbs[0] == null && dbs[1] == null && dbs[2] == null) {
            c.problem("aggregation.extra_columns: needs a GeoIP database (enrichment.geoip_country_db, _city_db or _asn_db)");
        }
        return new org.argus.enrich.EnrichmentSettings(dbs[0], dbs[1], dbs[2], countries, extra);
    }

    private static int wholeIn(Checker c, Object v, int min, int max, String key) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.intValue();
        }
        c.problem(key + ": must be a whole number " + min + "-" + max + ", not " + org.argus.log.LogText.escape(String.valueOf(v)));
        return min;
    }

    /** https, or plain http to a loopback host (a test's server). */
    static boolean isFeedUrl(String u) {
        try {
            java.net.URI uri = new java.net.URI(u);
            if (uri.getHost() == null) {
                return false;
            }
            if ("https".equals(uri.getScheme())) {
                return true;
            }
            String h = uri.getHost();
            return "http".equals(uri.getScheme()) && (h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("localhost"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** A list of single IP addresses; each bad one is a problem naming the key. */
    private static java.util.Set<org.argus.flow.IpAddress> addresses(Checker c, String key) {
        java.util.Set<org.argus.flow.IpAddress> out = new java.util.LinkedHashSet<>();
        for (String a : c.strings(key)) {
            try {
                out.add(org.argus.flow.IpAddress.parse(a));
            } catch (IllegalArgumentException e) {
                c.problem(key + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static DetectionSettings detection(Checker c) {
        FeatureSet features = null;
        try {
            features = FeatureSet.of(c.strings("prediction.feature_columns"));
        } catch (IllegalArgumentException e) {
            c.problem("prediction.feature_columns: " + e.getMessage());
        }
        double anomaly = c.doubleIn("prediction.anomaly_threshold", 0, 1);
        double high = c.doubleIn("prediction.high_risk_threshold", 0, 1);
        if (high < anomaly) {
            c.problem("prediction.high_risk_threshold: " + high + " is below prediction.anomaly_threshold " + anomaly);
        }
        HeuristicSettings h = new HeuristicSettings(
                c.bool("heuristics.enabled"),
                new HeuristicSettings.PortScan(
                        c.intIn("heuristics.port_scan_min_targets", 1, 1 << 24),
                        c.doubleIn("heuristics.port_scan_min_probe_ratio", 0, 1),
                        Duration.ofSeconds(c.intIn("heuristics.slow_scan_horizon_seconds", 0, 86_400))),
                new HeuristicSettings.Flood(
                        c.intIn("heuristics.syn_flood_min_half_open", 1, 1 << 30),
                        c.intIn("heuristics.flood_min_packets", 1, 1 << 30),
                        c.doubleIn("heuristics.flood_baseline_factor", 1, 1_000_000),
                        c.intIn("heuristics.syn_flood_spoofed_min_sources", 2, 1 << 20),
                        c.intIn("heuristics.reflection_min_packets", 1, 1 << 30)),
                new HeuristicSettings.BruteForce(
                        c.ports("heuristics.brute_force_ports"),
                        c.intIn("heuristics.brute_force_min_attempts", 1, 1 << 30),
                        Duration.ofSeconds(c.intIn("heuristics.brute_force_horizon_seconds", 1, 86_400)),
                        c.intIn("heuristics.brute_force_slow_min_attempts", 1, 1 << 30),
                        Duration.ofSeconds(c.intIn("heuristics.brute_force_slow_horizon_seconds", 1, 86_400)),
                        c.intIn("heuristics.brute_force_distributed_min_sources", 2, 1 << 20),
                        c.ports("heuristics.brute_force_web_ports"),
                        c.intIn("heuristics.brute_force_web_min_attempts", 1, 1 << 30)),
                new HeuristicSettings.Amplification(
                        c.intIn("heuristics.amplification_min_bytes", 1, Integer.MAX_VALUE),
                        c.intIn("heuristics.amplification_min_reflectors", 1, 1 << 20)),
                new HeuristicSettings.Recon(c.intIn("heuristics.recon_min_evidence", 1, 1 << 20)),
                new HeuristicSettings.Evidence(Duration.ofSeconds(c.intIn("heuristics.evidence_half_life_seconds", 0, 86_400 * 7))),
                new HeuristicSettings.Lan(
                        c.intIn("heuristics.arp_spoof_min_changes", 1, 1 << 20),
                        c.intIn("heuristics.arp_gratuitous_min_packets", 1, 1 << 30),
                        c.intIn("heuristics.dhcp_starvation_min_clients", 1, 1 << 24),
                        addresses(c, "heuristics.dhcp_servers")),
                c.intIn("heuristics.max_tracked", 16, 1 << 22));
        String modelDir = c.str("model.model_local_path");
        if (modelDir.isBlank()) {
            c.problem("model.model_local_path: must not be empty");
        }
        DetectionSettings.Models models = new DetectionSettings.Models(
                Path.of(modelDir.isBlank() ? "." : modelDir),
                Duration.ofHours(c.intIn("model.min_model_age_hours", 0, 24 * 365)),
                Duration.ofDays(c.intIn("model.max_model_age_days", 1, 3650)),
                c.bool("model.use_fallback_model"),
                Duration.ofSeconds(c.intIn("model.reload_interval_seconds", 1, 86_400)),
                Duration.ofMinutes(Math.round(c.doubleIn("model.learning_hours", 0, 24 * 365) * 60)),
                c.intIn("model.learning_max_rows", 16, 10_000_000),
                new ModelStore.TrainOptions(c.intIn("model.trees", 1, 10_000), c.intIn("model.subsample", 2, 1 << 20),
                        c.doubleIn("model.threshold_percentile", 50, 100), 1, algorithm(c)));
        String csvDir = c.str("polling.csv_directory");
        String state = c.str("polling.state_file");
        boolean polling = c.bool("polling.enabled");
        if (polling && (csvDir.isBlank() || state.isBlank())) {
            c.problem("polling.csv_directory and polling.state_file: must be set when polling.enabled is true");
        }
        if (polling && features != null && !features.notFromCsv().isEmpty()) {
            c.problem("prediction.feature_columns: " + features.notFromCsv()
                    + " cannot be computed from Retina CSV rows, so polling mode cannot use them");
        }
        DetectionSettings.Polling poll = new DetectionSettings.Polling(polling, Path.of(csvDir.isBlank() ? "." : csvDir),
                Duration.ofMillis(Math.round(c.doubleIn("polling.poll_interval_seconds", 0.1, 86_400) * 1000)),
                c.intIn("polling.batch_size", 1, 1_000_000), c.intIn("polling.max_poll_errors", 1, 1_000_000),
                Path.of(state.isBlank() ? "." : state));
        return new DetectionSettings(features, anomaly, high,
                c.doubleIn("model.fallback_prediction_threshold", 0, 1),
                c.intIn("prediction.max_flows_per_batch", 1, 10_000_000), h, models, poll,
                new DetectionSettings.Early(c.bool("prediction.early_firing"),
                        Duration.ofMillis(c.intIn("prediction.early_settle_ms", 0, 5_000))));
    }

    /** Reads typed values by dotted path and collects problems instead of stopping at the first. */
    /**
     * A copy of the document where every string holding a NUL or another control character (none belongs in a path,
     * host, name or token) is reported by key and replaced by "" so the other checks can still run.
     */
    private static JsonObject withoutControlCharacters(JsonObject o, String prefix, List<String> problems) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> e : o) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof JsonObject j) {
                v = withoutControlCharacters(j, key + ".", problems);
            } else if (v instanceof String str && str.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                problems.add(key + ": holds a control character (NUL, newline, …) at position " + firstControl(str)
                        + " (the value is not repeated: it may be a secret)");
                v = "";
            } else if (v instanceof io.vertx.core.json.JsonArray a) {
                io.vertx.core.json.JsonArray copy = new io.vertx.core.json.JsonArray();
                for (Object x : a) {
                    if (x instanceof String str && str.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                        problems.add(key + ": an entry holds a control character at position " + firstControl(str));
                    } else {
                        copy.add(x);
                    }
                }
                v = copy;
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** An IP literal, or a host name by RFC 1123 (letters, digits, hyphens, dots; labels of 1-63; at most 253). */
    static boolean isHost(String h) {
        try {
            org.argus.flow.IpAddress.parse(h);
            return true;
        } catch (IllegalArgumentException notAnAddress) {
            return h.length() <= 253 && h.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                    && !h.matches("[0-9.]+");
        }
    }

    private static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
                return i;
            }
        }
        return -1;
    }

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

        List<String> strings(String path) {
            List<String> out = new ArrayList<>();
            Object v = get(path);
            if (v instanceof io.vertx.core.json.JsonArray a) {
                for (Object o : a) {
                    if (o instanceof String s) {
                        out.add(s);
                    } else {
                        problem(path + ": " + o + " is not a string");
                    }
                }
            }
            return out;
        }

        java.util.Set<Integer> ports(String path) {
            java.util.Set<Integer> out = new java.util.TreeSet<>();
            Object v = get(path);
            if (v instanceof io.vertx.core.json.JsonArray a) {
                for (Object o : a) {
                    if (o instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0 && n.intValue() <= 65_535) {
                        out.add(n.intValue());
                    } else {
                        problem(path + ": " + o + " is not a port number (0..65535)");
                    }
                }
            }
            return out;
        }

        boolean bool(String path) {
            return Boolean.TRUE.equals(get(path));
        }

        int intIn(String path, int min, int max) {
            Number n = (Number) get(path);
            if (n instanceof java.math.BigInteger || n instanceof java.math.BigDecimal || n.doubleValue() != Math.rint(n.doubleValue())) {
                problem(path + ": " + n + " is not a whole number in [" + min + ", " + max + "]");
                return min;
            }
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
