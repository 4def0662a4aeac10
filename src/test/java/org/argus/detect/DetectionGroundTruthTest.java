package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.argus.TestData;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowWindow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection table on the shared captures (see their README for what each holds): every attack capture yields a
 * high-risk decision about the right address, role and detector; no other capture yields any high-risk decision.
 * Run twice: heuristics alone, and with a model trained on the benign captures.
 */
class DetectionGroundTruthTest {
    /** Expected high decision per attack capture. */
    record Expect(String address, Role role, String detector, Set<String> alsoHigh) {
    }

    static final Map<String, Expect> ATTACKS = Map.of(
            "tcp_0_1000_20190821.pcap", new Expect("172.31.15.102", Role.ATTACKER, Heuristics.PORT_SCAN, Set.of()),
            "udp_0_1000_20190821.pcap", new Expect("172.31.15.102", Role.ATTACKER, Heuristics.PORT_SCAN, Set.of()),
            "synscan.pcapng", new Expect("172.16.0.8", Role.ATTACKER, Heuristics.PORT_SCAN, Set.of()),
            "pkt.TCP.synflood.spoofed.pcap", new Expect("10.10.10.10", Role.VICTIM, Heuristics.SYN_FLOOD, Set.of()),
            // Besides the reflected flood, 84.27.192.106 opens ~30 short (4-packet) SSH connections in 30 s to the
            // victim: an internet SSH brute-forcer in the same capture, reported as brute force.
            "amp.dns.RRSIG.fragmented.pcap", new Expect("10.10.10.10", Role.VICTIM, Heuristics.AMPLIFICATION, Set.of("84.27.192.106")),
            "hydra-4_tasks.pcap", new Expect("240.0.1.3", Role.ATTACKER, Heuristics.BRUTE_FORCE, Set.of()));

    static final List<String> BENIGN_TRAINING = List.of("netflix.pcap", "wechat.pcap", "1kxun.pcap",
            "KakaoTalk_talk.pcap", "ocs.pcap", "http_ip4and6.pcapng");

    @TempDir
    static Path models;
    static DetectionSettings settings;
    static final Map<String, String> TABLE = new TreeMap<>();

    @BeforeAll
    static void train() throws Exception {
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization",
                new JsonObject().put("generate_salt", true)), Map.of()));
        DetectionSettings d = c.detection();
        settings = new DetectionSettings(d.features(), d.anomalyThreshold(), d.highRiskThreshold(), d.fallbackThreshold(),
                d.maxModelFlows(), d.heuristics(), new DetectionSettings.Models(models, java.time.Duration.ZERO,
                d.models().maxAge(), true, d.models().reloadInterval(), d.models().learning(),
                d.models().learningMaxRows(), d.models().train()), d.polling(), d.early());
        Reservoir rows = new Reservoir(100_000, 1);
        for (String name : BENIGN_TRAINING) {
            for (FlowWindow w : WindowsOf.read(pcap(name))) {
                new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(settings.features(), rows::add);
            }
        }
        ModelStore.train(settings.features(), rows.toArray(), settings.models().train(), BENIGN_TRAINING, models, Instant.now());
    }

    @AfterAll
    static void printTable() {
        System.out.println("capture | model | detected | by | high-risk false positives");
        TABLE.forEach((k, v) -> System.out.println(k + " | " + v));
    }

    static Path pcap(String name) {
        return TestData.shared().resolve("pcaps").resolve(name);
    }

    static List<Decision> decide(Path capture, boolean withModel) throws Exception {
        ModelManager mm = null;
        if (withModel) {
            mm = new ModelManager(settings.models(), settings.features(), Clock.systemUTC());
            mm.refresh();
            assertNotNull(mm.current(), "model loads: " + mm.problem());
        }
        Detector detector = new Detector(settings, mm, Object::toString, false);
        List<Decision> out = new ArrayList<>();
        for (FlowWindow w : WindowsOf.read(capture)) {
            out.addAll(detector.process(w).decisions()); // flows, ARP and DHCP: every detector
        }
        return out;
    }

    /** True when tshark read no frame of the capture and failed ({@code tshark_rc != 0}, {@code frames == 0}). */
    private static boolean unreadable(Path capture) throws java.io.IOException {
        JsonObject truth = new JsonObject(Files.readString(capture.resolveSibling(capture.getFileName() + ".summary.json")));
        return truth.getInteger("tshark_rc", 0) != 0 && truth.getLong("frames", 0L) == 0;
    }

    @Test
    void heuristicsAlone() throws Exception {
        table(false);
    }

    @Test
    void withModelTrainedOnBenignCaptures() throws Exception {
        table(true);
    }

    private void table(boolean withModel) throws Exception {
        for (Path capture : TestData.captures()) {
            String name = capture.getFileName().toString();
            if (unreadable(capture)) {
                // tshark could not read a single frame either (pcap-invalid-version-1): Argus must refuse it by name
                org.argus.capture.CaptureException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        org.argus.capture.CaptureException.class, () -> decide(capture, withModel), name);
                assertTrue(refused.getMessage().contains(name), refused.getMessage());
                continue;
            }
            List<Decision> decisions = decide(capture, withModel); // any other failure fails the test
            List<Decision> high = decisions.stream().filter(d -> d.risk() == Risk.HIGH).toList();
            Expect e = ATTACKS.get(name);
            List<Decision> hits = e == null ? List.of() : high.stream()
                    .filter(d -> d.addressText().equals(e.address()) && d.role() == e.role() && d.detectors().contains(e.detector()))
                    .toList();
            List<String> falsePositives = high.stream().map(Decision::addressText)
                    .filter(a -> e == null || (!a.equals(e.address()) && !e.alsoHigh().contains(a))).distinct().toList();
            TABLE.put(name + " | " + (withModel ? "yes" : "no"), (e == null ? "benign" : hits.isEmpty() ? "MISSED" : "yes")
                    + " | " + (hits.isEmpty() ? "-" : hits.get(0).detectors()) + " | " + falsePositives);
            if (e != null) {
                assertTrue(!hits.isEmpty(), name + ": a high-risk " + e.detector() + " decision about " + e.address()
                        + " as " + e.role().text() + "; got " + high);
                Decision d = hits.get(0);
                assertTrue(d.reasons().stream().anyMatch(r -> r.matches(".*\\d.*")), "reasons quote numbers: " + d.reasons());
                assertTrue(d.score() >= 0.9 && d.score() <= 1, "score in range: " + d.score());
                JsonObject json = d.toJson();
                assertEquals(e.address(), json.getString("address"));
                assertTrue(json.getString("window_start").endsWith("Z"), "ISO-8601 UTC");
                assertTrue(json.getJsonArray("community_ids", new JsonArray()).size() >= 1, "community ids attached");
            }
            assertEquals(List.of(), falsePositives, name + ": no high-risk decision about anyone else; "
                    + high.stream().filter(d -> falsePositives.contains(d.addressText())).map(Decision::toJson).toList());
        }
        assertTrue(Files.list(models).anyMatch(p -> p.toString().endsWith(".json")));
    }
}
