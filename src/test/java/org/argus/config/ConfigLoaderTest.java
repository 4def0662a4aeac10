package org.argus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private ArgusConfig load(Path file, Map<String, String> env) throws Exception {
        try {
            return ConfigLoader.load(vertx, file, env).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void shippedConfigsAreValid() throws Exception {
        ArgusConfig pi = load(Path.of("conf/pi.json"), Map.of("ARGUS_IP_SALT", "s"));
        assertEquals("eth0", pi.capture().interfaceName());
        assertEquals(Path.of("/var/lib/argus/csv"), pi.csv().outputDir());
        assertEquals(7, pi.document().getJsonObject("enforcement").getInteger("dry_run_duration_days"));
        ArgusConfig demo = load(Path.of("conf/demo.json"), Map.of());
        assertTrue(demo.capture().offline());
        assertTrue(demo.anonymization().generateSalt());
    }

    @Test
    void productionConfigWithoutSaltIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Path.of("conf/pi.json"), Map.of()));
        assertTrue(e.problems().get(0).startsWith("anonymization.salt: required"), e.getMessage());
    }

    @Test
    void exportAndArchiveKeysAreCheckedTogether() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(null, Map.of("ARGUS_IP_SALT", "s",
                "ARGUS_EXPORT_INFLUX_ENABLED", "true", "ARGUS_EXPORT_INFLUX_API", "v3", "ARGUS_EXPORT_INFLUX_URL", "influx:8086",
                "ARGUS_EXPORT_INFLUX_AGGREGATION_INTERVAL", "90x", "ARGUS_AGGREGATION_ROTATION_INTERVAL", "2h",
                "ARGUS_ARCHIVE_RETENTION_DAYS", "0")));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("export.influx.api: \"v3\" is neither v1 nor v2"), all);
        assertTrue(all.contains("export.influx.url: \"influx:8086\" is not an http:// or https:// base URL"), all);
        assertTrue(all.contains("export.influx.aggregation_interval: \"90x\" is not a duration like 30s, 5m, 1h, 1d or 1w"), all);
        assertTrue(all.contains("aggregation.rotation_interval: \"2h\" is none of 1h, 6h, 12h, 1d, 1w"), all);
        assertTrue(all.contains("archive.retention_days: 0 is out of range [1, 36500]"), all);
        e = assertThrows(ConfigException.class, () -> load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_EXPORT_INFLUX_ENABLED", "true",
                "ARGUS_EXPORT_INFLUX_API", "v2", "ARGUS_EXPORT_INFLUX_FLUSH_INTERVAL", "2h")));
        all = String.join("\n", e.problems());
        for (String k : new String[] {"org", "bucket", "token"}) {
            assertTrue(all.contains("export.influx." + k + ": must not be empty with api v2"), all);
        }
        assertTrue(all.contains("export.influx.flush_interval: 2h is out of range [1s, 1h]"), all);
        ArgusConfig c = load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_AGGREGATION_OUTPUT_DIR", "/data/csv",
                "ARGUS_EXPORT_INFLUX_AGGREGATION_INTERVAL", "5m", "ARGUS_AGGREGATION_ROTATION_INTERVAL", "1d"));
        assertEquals(java.time.Duration.ofMinutes(5), c.influx().aggregationInterval());
        assertEquals(Path.of("/data/influx-queue"), c.influx().queueDir());
        assertEquals(Path.of("/data/csv/archive"), c.archive().dir());
        assertEquals(java.time.Duration.ofDays(1), c.csv().rotationInterval());
        assertTrue(c.archive().enabled());
    }

    @Test
    void everyBadKeyIsNamed() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, new JsonObject()
                .put("capture", new JsonObject().put("interfce", "eth1").put("snaplen", 10).put("promiscuous", "yes"))
                .put("http", new JsonObject().put("port", 70000))
                .put("nonsense", 1).encode());
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("capture.interfce: unknown key"), all);
        assertTrue(all.contains("capture.promiscuous: must be true or false"), all);
        assertTrue(all.contains("nonsense: unknown key"), all);
        // a key an earlier version had says what replaced it
        Files.writeString(f, "{\"heuristics\":{\"amplification_ports\":[53]}}");
        e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        assertEquals(List.of("heuristics.amplification_ports: removed; amplification is found by its pattern, from any "
                + "source port; delete the key"), e.problems());
        // type errors stop before range checks; fix them and the ranges are reported
        Files.writeString(f, "{\"capture\":{\"snaplen\":10},\"http\":{\"port\":70000},"
                + "\"heuristics\":{\"dhcp_servers\":[\"192.168.1.1\",\"router.lan\"]}}");
        e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        all = String.join("\n", e.problems());
        assertTrue(all.contains("capture.snaplen: 10 is out of range [64, 262144]"), all);
        assertTrue(all.contains("http.port: 70000 is out of range [0, 65535]"), all);
        assertTrue(all.contains("heuristics.dhcp_servers: not an IP address: router.lan"), all);
    }

    @Test
    void yamlAndEnvironmentOverrides() throws Exception {
        Path f = dir.resolve("argus.yaml");
        Files.writeString(f, "capture:\n  interface: wlan0\n  snaplen: 512\naggregation:\n  window_seconds: 10\n");
        ArgusConfig c = load(f, Map.of("ARGUS_IP_SALT", "pepper", "ARGUS_HTTP_PORT", "9090",
                "ARGUS_CAPTURE_INTERFACE", "eth9", "ARGUS_AGGREGATION_FSYNC", "false",
                "ARGUS_PREDICTION_FEATURE_COLUMNS", "bytes_in, bytes_out", "ARGUS_HEURISTICS_BRUTE_FORCE_PORTS", "22, 2222"));
        assertEquals("eth9", c.capture().interfaceName(), "environment beats the file");
        assertEquals(512, c.capture().snaplen());
        assertEquals(10, c.flow().window().toSeconds());
        assertEquals(9090, c.http().port());
        assertEquals("pepper", c.anonymization().salt());
        assertEquals(false, c.csv().fsync());
        assertEquals(2, c.document().getJsonObject("prediction").getJsonArray("feature_columns").size());
        assertEquals(java.util.Set.of(22, 2222), c.detection().heuristics().bruteForce().ports(), "number lists stay numbers");
    }

    @Test
    void enforcementKeysKeepTheAegisNamesAndAreCheckedAtStart() throws Exception {
        ArgusConfig c = load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_ENFORCEMENT_DRY_RUN_DURATION_DAYS", "0",
                "ARGUS_ENFORCEMENT_ENFORCE_AFTER_DRY_RUN", "true", "ARGUS_ENFORCEMENT_BACKEND", "nftables",
                "ARGUS_ENFORCEMENT_IPTABLES_CHAIN_NAME", "MY-DROP", "ARGUS_HTTP_TOKEN", "t0ken",
                "ARGUS_ENFORCEMENT_ALLOWLIST", "192.168.1.0/24, fd00::/8", "ARGUS_ENFORCEMENT_BAN_TTL_HOURS_MEDIUM", "6"));
        assertEquals(java.time.Duration.ZERO, c.enforcement().dryRun());
        assertTrue(c.enforcement().enforceAfterDryRun());
        assertEquals(org.argus.enforce.EnforcementSettings.Backend.NFTABLES, c.enforcement().backend());
        assertEquals("MY-DROP", c.enforcement().chain());
        assertEquals("t0ken", c.http().token());
        assertFalse(c.http().toString().contains("t0ken"), "the token never reaches a log line");
        assertEquals(List.of("192.168.1.0/24", "fd00::/8"), c.blacklist().allowlist());
        assertEquals(Map.of(org.argus.detect.Risk.MEDIUM, 6.0, org.argus.detect.Risk.HIGH, 24.0), c.blacklist().banTtlHoursByRisk());

        Path f = dir.resolve("bad-enforcement.json");
        Files.writeString(f, new JsonObject().put("enforcement", new JsonObject().put("backend", "pf")
                .put("iptables_chain_name", "bad chain!").put("allowlist", new JsonArray().add("10.0.0.0/99"))
                .put("max_ttl_hours", 1).put("ban_ttl_hours", new JsonObject().put("high", -2))).encode());
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"enforcement.backend: \"pf\"", "enforcement.iptables_chain_name:", "enforcement.allowlist:",
                "enforcement.max_ttl_hours:", "enforcement.ban_ttl_hours.high:"}) {
            assertTrue(all.contains(key), key + " in " + all);
        }
    }

    @Test
    void threatFeedsAreCheckedWholeAndEveryProblemNamedByItsIndex() throws Exception {
        ArgusConfig none = load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_ENFORCEMENT_BLACKLIST_DB_PATH", "/data/argus/blacklist.db"));
        assertFalse(none.intel().enabled());
        assertEquals(Path.of("/data/argus/intel"), none.intel().cacheDir(), "the cache beside the blacklist");
        Path good = dir.resolve("intel.json");
        Files.writeString(good, new JsonObject().put("intel", new JsonObject().put("feeds", new JsonArray()
                .add(new JsonObject().put("name", "feodo").put("url", "https://feodotracker.abuse.ch/downloads/ipblocklist.csv").put("format", "feodo"))
                .add(new JsonObject().put("name", "local").put("path", "/etc/argus/block.txt").put("format", "plain").put("category", "scanner")
                        .put("score", 60).put("refresh_minutes", 5)))).encode());
        ArgusConfig c = load(good, Map.of("ARGUS_IP_SALT", "s"));
        assertEquals(2, c.intel().feeds().size());
        assertEquals(new org.argus.intel.ThreatIntel.Feed("feodo", "https://feodotracker.abuse.ch/downloads/ipblocklist.csv",
                org.argus.intel.FeedFormat.FEODO, "malicious", 90, 60), c.intel().feeds().get(0), "defaults: malicious, 90, hourly");
        assertEquals(5, c.intel().feeds().get(1).refreshMinutes());
        Path bad = dir.resolve("bad-intel.json");
        Files.writeString(bad, new JsonObject().put("intel", new JsonObject().put("feeds", new JsonArray()
                .add(new JsonObject().put("name", "a").put("path", "x").put("url", "https://x/").put("format", "csv").put("colour", "red"))
                .add(new JsonObject().put("name", "a").put("url", "http://example.com/list").put("format", "plain").put("score", 101))
                .add("just a string")
                .add(new JsonObject().put("name", "bad name!").put("path", "y").put("format", "zeek").put("refresh_minutes", 0)))).encode());
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"intel.feeds[0]: needs exactly one of path and url", "intel.feeds[0].format: unknown feed format \"csv\"",
                "intel.feeds[0].colour: unknown key", "intel.feeds[1].name: \"a\" is used by another feed", "intel.feeds[1].url: must be an https:// URL",
                "intel.feeds[1].score: must be a whole number 0-100", "intel.feeds[2]: must be an object", "intel.feeds[3].name:",
                "intel.feeds[3].refresh_minutes:"}) {
            assertTrue(all.contains(key), key + " in " + all);
        }
    }

    @Test
    void deviceKeysAreCheckedAtStartAndTheDatabaseSitsBesideTheBlacklist() throws Exception {
        ArgusConfig c = load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_ENFORCEMENT_BLACKLIST_DB_PATH", "/data/argus/blacklist.db",
                "ARGUS_DEVICES_LOCAL_NETWORKS", "192.168.1.0/24, fd00::/64"));
        assertEquals(Path.of("/data/argus/devices.db"), c.devices().dbPath());
        assertEquals(List.of("192.168.1.0/24", "fd00::/64"), c.devices().localNetworks().stream().map(Object::toString).toList());
        assertTrue(c.devices().enabled());
        assertFalse(c.devices().scan().enabled(), "scans only when asked for");
        assertEquals("top:100", c.devices().scan().ports());
        Path f = dir.resolve("bad-devices.json");
        Files.writeString(f, new JsonObject().put("devices", new JsonObject().put("local_networks", new JsonArray().add("lan"))
                .put("max_devices", 0).put("max_addresses_per_device", 5000)
                .put("scan", new JsonObject().put("ports", "everything; rm -rf /").put("timing", 9))).encode());
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"devices.local_networks: not an IPv4/IPv6 address or CIDR: \"lan\"", "devices.max_devices:",
                "devices.max_addresses_per_device:", "devices.scan.ports: \"everything; rm -rf /\" is neither top:N nor a port list",
                "devices.scan.timing:"}) {
            assertTrue(all.contains(key), key + " in " + all);
        }
    }

    @Test
    void firebaseSyncKeysAreCheckedAtStart() throws Exception {
        ArgusConfig c = load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_FIREBASE_ENABLED", "true",
                "ARGUS_FIREBASE_STORAGE_BUCKET", "b.appspot.com", "ARGUS_FIREBASE_SENSOR_ID", "pi-kitchen",
                "ARGUS_FIREBASE_BLACKLIST_IMPORT_FROM", "pi-garage, pi-office", "ARGUS_FIREBASE_BLACKLIST_SYNC_INTERVAL", "600",
                "ARGUS_AGGREGATION_MIN_FREE_MB", "128"));
        assertEquals(List.of("pi-garage", "pi-office"), c.staging().firebase().blacklistImportFrom());
        assertEquals(java.time.Duration.ofMinutes(10), c.staging().firebase().blacklistSyncInterval());
        assertEquals(java.time.Duration.ofHours(1), c.staging().firebase().modelSyncInterval());
        assertEquals("models", c.staging().firebase().modelPath());
        assertEquals(128L << 20, c.csv().minFreeBytes());
        assertEquals(128L << 20, c.staging().minFreeBytes());

        Path f = dir.resolve("bad-firebase.json");
        Files.writeString(f, new JsonObject().put("aggregation", new JsonObject().put("min_free_mb", -1))
                .put("firebase", new JsonObject().put("enabled", true).put("storage_bucket", "b")
                .put("blacklist_import_from", new JsonArray().add("../etc")).put("blacklist_sync_interval", -5)
                .put("model_sync_interval_seconds", 86_400 * 8)).encode());
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"aggregation.min_free_mb:", "firebase.blacklist_import_from: \"../etc\"",
                "firebase.blacklist_sync_interval:", "firebase.model_sync_interval_seconds:"}) {
            assertTrue(all.contains(key), key + " in " + all);
        }
    }

    @Test
    void clusteringWithoutHostSecretOrCertificatesIsRefusedNamingEachKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(null, Map.of("ARGUS_IP_SALT", "s",
                "ARGUS_CLUSTER_ENABLED", "true", "ARGUS_CLUSTER_HOST", "0.0.0.0", "ARGUS_CLUSTER_SECRET", "short",
                "ARGUS_CLUSTER_TLS_CERT", dir.resolve("missing.pem").toString())));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"cluster.host: required", "cluster.secret: required", "cluster.tls_cert: ", "missing.pem is not a readable file",
                "cluster.tls_key: required", "cluster.tls_ca: required"}) {
            assertTrue(all.contains(key), key + " in " + all);
        }
        assertFalse(load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_CLUSTER_SECRET", "x".repeat(40))).cluster().toString().contains("xxxx"),
                "the secret never reaches a log line");
    }

    @Test
    void badEnvironmentValueIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(null, Map.of("ARGUS_IP_SALT", "s", "ARGUS_HTTP_PORT", "eighty")));
        assertEquals("http.port: ARGUS_HTTP_PORT=\"eighty\" is not a whole number", e.problems().get(0));
    }

    @Test
    void missingOrBrokenFileIsFatal() throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> load(dir.resolve("nope.json"), Map.of()));
        assertTrue(missing.getMessage().contains("nope.json: no such file"), missing.getMessage());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"capture\": ");
        Exception e = assertThrows(Exception.class, () -> load(broken, Map.of()));
        assertInstanceOf(ConfigException.class, e);
        assertTrue(e.getMessage().contains("not valid json"), e.getMessage());
    }

    @Test
    void everyKeyHasAnEnvironmentName() {
        assertTrue(ConfigLoader.keyPaths().contains("capture.bpf_filter"));
        assertEquals("ARGUS_CAPTURE_INTERFACE", ConfigLoader.envName("capture.interface"));
    }

    @Test
    void oneRunNamesTypeRangeUnknownAndHostileValuesTogether() throws Exception {
        Path f = dir.resolve("hostile.json");
        // raw JSON: numbers beyond a long, a NUL in a path
        Files.writeString(f, "{\"aggregation\": {\"window_seconds\": \"soon\", \"output_dir\": \"out/a\\u0000b\"},"
                + " \"capture\": {\"snaplen\": -5, \"buffer_size_mb\": 2048, \"bpf_filter\": \"tcp port\", \"bogus\": 1},"
                + " \"http\": {\"port\": 18446744073709569728, \"host\": \"not a host!\"},"
                + " \"firebase\": {\"enabled\": false, \"model_sync_interval_seconds\": -1}}");
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of("ARGUS_IP_SALT", "s")));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"aggregation.window_seconds: must be a whole number", "aggregation.output_dir:",
                "capture.snaplen: -5 is out of range", "capture.buffer_size_mb: 2048 is out of range", "capture.bpf_filter:",
                "capture.bogus: unknown key", "http.port: must be a whole number", "http.host:",
                "firebase.model_sync_interval_seconds: -1 is out of range"}) {
            assertTrue(all.contains(key), "missing \"" + key + "\" in:\n" + all);
        }
        assertFalse(all.contains("InvalidPath"), all);
    }
}
