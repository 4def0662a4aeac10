package org.argus.eve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;
import org.argus.flow.WindowTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EVE JSON: whole flows from windows (ended by close, timeout, cap, shutdown), the lines' field names and types as
 * Suricata's {@code etc/schema.json} gives them (the fields we write, transcribed below), rotation, and — on real
 * captures — flow events that match tshark's conversations in {@code ../shared/pcaps} packet for packet.
 */
class EveTest {
    static final long S = 1_000_000_000L;
    static final IpAddress A = IpAddress.parse("10.0.0.2"), B = IpAddress.parse("10.0.0.1");

    @TempDir
    Path dir;

    static FlowWindow window(long start, FlowRecord... flows) {
        return new FlowWindow(start * S, (start + 5) * S, new WindowTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), List.of(flows));
    }

    static FlowRecord tcp(int port, long first, long last, long out, long in, int origFlags, int respFlags, int rst) {
        return new FlowRecord(6, A, port, B, 80, out, out * 60, in, in * 60, first * S, last * S,
                new TcpFlagCounts(1, 1, 0, rst, 0, 1, 0, origFlags, respFlags));
    }

    @Test
    void flowsAreSummedOverWindowsAndEndWhenTheyClose() {
        EveFlows f = new EveFlows(FlowSettings.defaults(), 100_000);
        int syn = TcpFlagCounts.SYN | TcpFlagCounts.ACK, fin = syn | TcpFlagCounts.FIN;
        assertEquals(List.of(), f.window(window(0, tcp(40000, 1, 4, 3, 2, syn, syn, 0))));
        assertEquals(List.of(), f.window(window(5, tcp(40000, 5, 9, 4, 4, fin, fin, 0))), "closed, but it had packets in this window");
        List<EveFlows.Ended> ended = f.window(window(10));
        assertEquals(1, ended.size());
        EveFlows.Ended e = ended.get(0);
        assertEquals(7, e.pktsToServer());
        assertEquals(6, e.pktsToClient());
        assertEquals(7 * 60, e.bytesToServer());
        assertEquals(1 * S, e.startNanos());
        assertEquals(9 * S, e.endNanos());
        assertEquals("closed", e.state());
        assertEquals("timeout", e.reason());
        assertEquals(0, f.size());
    }

    @Test
    void idleTimeoutsTheCapAndShutdown() {
        EveFlows f = new EveFlows(FlowSettings.defaults(), 2);
        f.window(window(0, tcp(1, 1, 1, 1, 0, TcpFlagCounts.SYN, 0, 0), tcp(2, 2, 2, 1, 1, 0x12, 0x12, 0)));
        List<EveFlows.Ended> forced = f.window(window(5, tcp(3, 6, 6, 1, 1, 0x12, 0x12, 0)));
        assertEquals(1, forced.size(), "three open, two allowed");
        assertEquals("forced", forced.get(0).reason());
        assertEquals(1, forced.get(0).key().originatorPort(), "the longest idle first");
        assertEquals("new", forced.get(0).state(), "never answered");
        List<EveFlows.Ended> idle = f.window(window(300));
        assertEquals(1, idle.size(), "TCP idle past 300 s (the window ends at 305 s): " + idle);
        assertEquals(2, idle.get(0).key().originatorPort());
        assertEquals("established", idle.get(0).state());
        List<EveFlows.Ended> rest = f.flush();
        assertEquals(1, rest.size());
        assertEquals("shutdown", rest.get(0).reason());
    }

    // ---- Suricata's etc/schema.json, the parts we write: field → JSON type; objects with additionalProperties false

    static final Map<String, String> TOP = Map.ofEntries(Map.entry("timestamp", "string"), Map.entry("flow_id", "integer"),
            Map.entry("event_type", "string"), Map.entry("src_ip", "string"), Map.entry("src_port", "integer"),
            Map.entry("dest_ip", "string"), Map.entry("dest_port", "integer"), Map.entry("proto", "string"),
            Map.entry("community_id", "string"), Map.entry("flow", "object"), Map.entry("alert", "object"), Map.entry("stats", "object"));
    static final Map<String, String> FLOW = Map.ofEntries(Map.entry("pkts_toserver", "integer"), Map.entry("pkts_toclient", "integer"),
            Map.entry("bytes_toserver", "integer"), Map.entry("bytes_toclient", "integer"), Map.entry("start", "string"),
            Map.entry("end", "string"), Map.entry("age", "integer"), Map.entry("state", "string"), Map.entry("reason", "string"),
            Map.entry("alerted", "boolean"), Map.entry("action", "string"), Map.entry("bypass", "string"));
    static final Map<String, String> ALERT = Map.ofEntries(Map.entry("action", "string"), Map.entry("category", "string"),
            Map.entry("gid", "integer"), Map.entry("rev", "integer"), Map.entry("rule", "string"), Map.entry("severity", "integer"),
            Map.entry("signature", "string"), Map.entry("signature_id", "integer"), Map.entry("metadata", "object"));
    static final Set<String> METADATA = Set.of("affected_product", "attack_target", "created_at", "deployment", "signature_severity",
            "tag", "updated_at"); // each an array of strings
    static final String TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+[+\\-]\\d+$";

    static String type(Object v) {
        return v instanceof String ? "string" : v instanceof Boolean ? "boolean" : v instanceof JsonObject ? "object"
                : v instanceof JsonArray ? "array" : v instanceof Integer || v instanceof Long ? "integer" : v instanceof Number ? "number" : "null";
    }

    static void conforms(Map<String, String> schema, JsonObject o, String where, List<String> problems) {
        for (String k : o.fieldNames()) {
            String want = schema.get(k);
            if (want == null) {
                problems.add(where + "." + k + ": not in the schema (additionalProperties false)");
            } else if (!want.equals(type(o.getValue(k)))) {
                problems.add(where + "." + k + ": " + type(o.getValue(k)) + ", the schema says " + want);
            }
        }
    }

    /** The problems of one line against the schema's types (empty: it conforms). */
    static List<String> validate(String line) {
        JsonObject o = new JsonObject(line);
        List<String> p = new ArrayList<>();
        for (String k : o.fieldNames()) {
            if (TOP.containsKey(k) && !TOP.get(k).equals(type(o.getValue(k)))) {
                p.add(k + ": " + type(o.getValue(k)) + ", the schema says " + TOP.get(k));
            }
        }
        if (!o.getString("timestamp", "").matches(TIMESTAMP)) {
            p.add("timestamp " + o.getString("timestamp"));
        }
        if (o.getValue("event_type") == null) {
            p.add("event_type missing");
        }
        if (o.getValue("flow") instanceof JsonObject f) {
            conforms(FLOW, f, "flow", p);
            for (String t : List.of("start", "end")) {
                if (!f.getString(t, "").matches(TIMESTAMP)) {
                    p.add("flow." + t + " " + f.getString(t));
                }
            }
        }
        if (o.getValue("alert") instanceof JsonObject a) {
            conforms(ALERT, a, "alert", p);
            if (a.getValue("metadata") instanceof JsonObject m) {
                for (String k : m.fieldNames()) {
                    if (!METADATA.contains(k) || !(m.getValue(k) instanceof JsonArray arr) || arr.stream().anyMatch(x -> !(x instanceof String))) {
                        p.add("alert.metadata." + k + ": not an allowed key with an array of strings");
                    }
                }
            }
        }
        if (o.getValue("stats") instanceof JsonObject s) {
            if (!(s.getValue("uptime") instanceof Number)) {
                p.add("stats.uptime missing");
            }
            for (String group : List.of("capture", "decoder", "detect")) {
                s.getJsonObject(group, new JsonObject()).forEach(e -> {
                    if (!"integer".equals(type(e.getValue()))) {
                        p.add("stats." + group + "." + e.getKey() + ": " + type(e.getValue()));
                    }
                });
            }
        }
        return p;
    }

    @Test
    void linesConformToSuricatasSchema() {
        EveFlows f = new EveFlows(FlowSettings.defaults(), 10);
        f.window(window(0, tcp(40000, 1, 4, 3, 2, 0x1b, 0x1b, 0)));
        String flow = EveFormat.flow(f.flush().get(0), IpAddress::toString).encode();
        assertEquals(List.of(), validate(flow), flow);
        JsonObject fo = new JsonObject(flow);
        assertEquals("flow", fo.getString("event_type"));
        assertEquals("10.0.0.2", fo.getString("src_ip"));
        assertEquals(80, fo.getInteger("dest_port"));
        assertEquals("TCP", fo.getString("proto"));
        assertTrue(fo.getString("community_id").startsWith("1:"));
        Decision d = new Decision(1_700_000_000L * S, A, "10.0.0.2", false, Role.ATTACKER, Risk.HIGH, 0.95, "port_scan",
                List.of("port_scan"), List.of("60 ports probed", "slow scan"), List.of("1:abc="), null);
        String alert = EveFormat.alert(d, IpAddress::toString).encode();
        assertEquals(List.of(), validate(alert), alert);
        JsonObject ao = new JsonObject(alert).getJsonObject("alert");
        assertEquals(1, ao.getInteger("severity"));
        assertEquals(EveFormat.signatureId("port_scan"), ao.getLong("signature_id"));
        assertEquals("Attempted Information Leak", ao.getString("category"));
        assertEquals(List.of("60 ports probed", "slow scan"), ao.getJsonObject("metadata").getJsonArray("tag").getList());
        String stats = EveFormat.stats(new org.argus.stats.SensorStats(), java.time.Instant.now()).encode();
        assertEquals(List.of(), validate(stats), stats);
        assertEquals("2023-11-14T22:13:20.000000+0000", EveFormat.timestamp(1_700_000_000L * S));
        assertTrue(!validate("{\"timestamp\":\"2023-11-14 22:13:20\",\"event_type\":\"flow\",\"flow\":{\"pkts\":1}}").isEmpty(),
                "the check itself refuses what the schema refuses");
    }

    @Test
    void theWriterRotatesAndKeepsTheNewest() throws Exception {
        Path file = dir.resolve("eve.json");
        try (EveWriter w = new EveWriter(file, 100, 2)) {
            for (int i = 0; i < 10; i++) {
                w.write(List.of("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(30) + "\"}"));
            }
        }
        assertTrue(Files.size(file) <= 100);
        assertTrue(Files.exists(dir.resolve("eve.json.1")) && Files.exists(dir.resolve("eve.json.2")));
        assertTrue(!Files.exists(dir.resolve("eve.json.3")), "only two kept");
        assertTrue(Files.readString(file).contains("\"n\":9"), "the newest line in the live file");
    }

    @Test
    void theVerticleWritesFlowsAlertsAndStatsAndEndsOpenFlowsAtAStop() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        org.argus.stats.SensorStats stats = new org.argus.stats.SensorStats();
        Path file = dir.resolve("live").resolve("eve.json");
        try {
            org.argus.bus.LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
            org.argus.bus.LocalCodec.registerFor(vertx.eventBus(), Decision.class);
            vertx.deployVerticle(new EveVerticle(new EveSettings(true, file, true, 1 << 20, 1, java.time.Duration.ofMillis(200), 1000),
                    FlowSettings.defaults(), stats, new org.argus.anon.Anonymizer("eve-salt")::anonymize, java.time.Clock.systemUTC(), true))
                    .await(10, java.util.concurrent.TimeUnit.SECONDS);
            int fin = TcpFlagCounts.SYN | TcpFlagCounts.ACK | TcpFlagCounts.FIN;
            vertx.eventBus().publish(org.argus.bus.Addresses.WINDOW_CLOSED, window(0, tcp(40000, 1, 2, 3, 3, fin, fin, 0),
                    tcp(40001, 1, 2, 1, 0, TcpFlagCounts.SYN, 0, 0)));
            vertx.eventBus().publish(org.argus.bus.Addresses.WINDOW_CLOSED, window(5));
            vertx.eventBus().publish(org.argus.bus.Addresses.DECISION, new Decision(0, A, "10.0.0.2", false, Role.ATTACKER, Risk.HIGH, 0.9,
                    "syn_flood", List.of("syn_flood"), List.of("half-open"), List.of(), null));
            vertx.eventBus().publish(org.argus.bus.Addresses.DECISION, new Decision(0, B, "10.0.0.1", false, Role.ATTACKER, Risk.LOW, 0.5,
                    "port_scan", List.of("port_scan"), List.of("few"), List.of(), null));
            Thread.sleep(700);
        } finally {
            vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<JsonObject> lines = Files.readAllLines(file).stream().map(JsonObject::new).toList();
        lines.forEach(l -> assertEquals(List.of(), validate(l.encode()), l.encode()));
        List<JsonObject> flows = lines.stream().filter(l -> l.getString("event_type").equals("flow")).toList();
        assertEquals(2, flows.size(), lines.toString());
        assertEquals("timeout", flows.get(0).getJsonObject("flow").getString("reason"), "the closed flow ended with the quiet window");
        assertEquals("shutdown", flows.get(1).getJsonObject("flow").getString("reason"), "the open one at the stop");
        assertEquals(new org.argus.anon.Anonymizer("eve-salt").anonymize(A), flows.get(0).getString("src_ip"), "eve.anonymize");
        assertEquals(1, lines.stream().filter(l -> l.getString("event_type").equals("alert")).count(), "low decisions are not alerts");
        assertTrue(lines.stream().anyMatch(l -> l.getString("event_type").equals("stats")));
        assertEquals(2, stats.eve.flows.sum());
    }

    /** tshark's conversations of a shared capture: 5-tuple (sorted ends) → {packets, bytes}. */
    static Map<String, long[]> groundTruth(Path csv) throws Exception {
        Map<String, long[]> m = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            m.put(key(Integer.parseInt(c[0]), c[1], Integer.parseInt(c[2]), c[3], Integer.parseInt(c[4])),
                    new long[] {Long.parseLong(c[5]), Long.parseLong(c[6])});
        }
        return m;
    }

    static String key(int proto, String a, int pa, String b, int pb) {
        String x = IpAddress.parse(a) + "/" + pa, y = IpAddress.parse(b) + "/" + pb;
        return proto + " " + (x.compareTo(y) < 0 ? x + " " + y : y + " " + x);
    }

    @Test
    void flowEventsOfSharedCapturesMatchTsharksConversations() throws Exception {
        for (String capture : List.of("http_ip4and6.pcapng", "KakaoTalk_talk.pcap", "ocs.pcap", "http-fault-post.pcap")) {
            Path pcap = Path.of("..", "shared", "pcaps", capture);
            Path eve = dir.resolve(capture + ".eve.json");
            org.argus.app.Replay.run(List.of(pcap), FlowSettings.defaults(), new org.argus.csv.CsvSettings(dir.resolve("csv-" + capture),
                            100_000, java.time.Duration.ofHours(1), 0, false, 0), "eve-test", 1024, null, msg -> { }, null, null,
                    new EveSettings(true, eve, false, Long.MAX_VALUE, 0, java.time.Duration.ofMinutes(1), 100_000));
            Map<String, long[]> truth = groundTruth(Path.of("..", "shared", "pcaps", capture + ".flows.csv"));
            Map<String, long[]> ours = new HashMap<>();
            for (String line : Files.readAllLines(eve)) {
                assertEquals(List.of(), validate(line), line);
                JsonObject o = new JsonObject(line);
                JsonObject f = o.getJsonObject("flow");
                int proto = switch (o.getString("proto")) {
                    case "TCP" -> 6;
                    case "UDP" -> 17;
                    default -> -1;
                };
                if (proto < 0) {
                    continue;
                }
                ours.merge(key(proto, o.getString("src_ip"), o.getInteger("src_port"), o.getString("dest_ip"), o.getInteger("dest_port")),
                        new long[] {f.getLong("pkts_toserver") + f.getLong("pkts_toclient"), f.getLong("bytes_toserver") + f.getLong("bytes_toclient")},
                        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            }
            Map<String, long[]> truthTcpUdp = new HashMap<>();
            truth.forEach((k, v) -> {
                if (k.startsWith("6 ") || k.startsWith("17 ")) {
                    truthTcpUdp.put(k, v);
                }
            });
            assertEquals(truthTcpUdp.keySet(), ours.keySet(), capture + ": the same TCP/UDP flows");
            truthTcpUdp.forEach((k, v) -> assertEquals(List.of(v[0], v[1]), List.of(ours.get(k)[0], ours.get(k)[1]), capture + " " + k));
        }
    }
}
