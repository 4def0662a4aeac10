package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.argus.capture.PcapFileReader;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowStats;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.WindowAssembler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Early firing on every shared capture, replayed in small batches with an early look after each batch (packet time
 * only, as the flow verticle does live every 100 ms): the attackers of the detection table are decided inside their
 * window, before it closes; no capture gets an early decision its closed windows do not confirm as a high-risk
 * attacker; benign captures get none.
 */
class EarlyFiringTest {
    static DetectionSettings settings;
    static final Map<String, String> TABLE = new TreeMap<>();

    @BeforeAll
    static void settings() throws Exception {
        settings = ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization",
                new JsonObject().put("generate_salt", true)), Map.of())).detection();
    }

    @AfterAll
    static void print() {
        System.out.println("capture | early decisions (address detector: packet-time s from the window's first packet of the attacker)");
        TABLE.forEach((k, v) -> System.out.println(k + " | " + v));
    }

    /** An early decision and when it came (packet time). */
    record Early(Decision decision, long atNanos) {
    }

    /** What a capture gives, early and at each window's close. */
    record Run(List<Early> early, List<Decision> closed, Map<IpAddress, Long> firstSeen) {
    }

    static Run run(Path capture) throws Exception {
        WindowAssembler.Busy busy = new WindowAssembler.Busy(settings.earlyMinFlows(), settings.earlyMinPackets(),
                settings.early().settle().toNanos(), 50_000);
        Detector detector = new Detector(settings, null, Object::toString, false);
        EarlyWarning warning = new EarlyWarning(settings, Object::toString);
        List<Decision> closed = new ArrayList<>();
        List<Early> early = new ArrayList<>();
        Map<IpAddress, Long> firstSeen = new java.util.HashMap<>();
        WindowAssembler assembler = new WindowAssembler(FlowSettings.defaults(), new FlowStats(),
                w -> {
                    closed.addAll(detector.process(w).decisions());
                    for (var f : w.flows()) {
                        firstSeen.merge(f.originator(), f.firstSeenNanos(), Math::min);
                    }
                });
        Set<IpAddress> skip = new HashSet<>();
        long[] skipWindow = {Long.MIN_VALUE};
        new PcapFileReader(capture, 32).read(b -> {
            assembler.accept(b);
            long start = assembler.openWindowStart();
            if (start != skipWindow[0]) {
                skipWindow[0] = start;
                skip.clear();
            }
            FlowWindow partial = assembler.peekBusy(busy, skip, Long.MIN_VALUE);
            if (partial != null) {
                for (Decision d : warning.look(partial, assembler.latestPacketNanos())) {
                    early.add(new Early(d, assembler.latestPacketNanos()));
                    skip.add(d.address());
                }
            }
        });
        assembler.flush();
        return new Run(early, closed, firstSeen);
    }

    static List<Path> captures() throws Exception {
        try (Stream<Path> s = Files.list(DetectionGroundTruthTest.pcap("x").getParent())) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    @Test
    void attackersAreDecidedInsideTheirWindowAndNothingElseIs() throws Exception {
        for (Path capture : captures()) {
            String name = capture.getFileName().toString();
            Run r;
            try {
                r = run(capture);
            } catch (org.argus.capture.CaptureException e) {
                continue; // unreadable captures are the reader tests' business
            }
            List<String> row = new ArrayList<>();
            for (Early e : r.early()) {
                Decision d = e.decision();
                assertTrue(d.early() && d.risk() == Risk.HIGH && d.role() == Role.ATTACKER, name + ": " + d);
                assertTrue(d.reasons().get(d.reasons().size() - 1).startsWith("early: "), name + ": " + d.reasons());
                assertTrue(e.atNanos() < d.windowStartNanos() + 5_000_000_000L, name + ": fired inside the window");
                // the closed window confirms it: a high-risk attacker decision about the same address, same window
                assertTrue(r.closed().stream().anyMatch(c -> c.address().equals(d.address()) && c.role() == Role.ATTACKER
                                && c.risk() == Risk.HIGH && c.windowStartNanos() == d.windowStartNanos()),
                        name + ": early decision not confirmed at the window's close: " + d);
                long first = Math.max(r.firstSeen().getOrDefault(d.address(), d.windowStartNanos()), d.windowStartNanos());
                row.add(String.format("%s %s: %.2f s", d.addressText(), d.detector(), (e.atNanos() - first) / 1e9));
            }
            TABLE.put(name, String.join(", ", row));
            var expect = DetectionGroundTruthTest.ATTACKS.get(name);
            if (expect != null && expect.role() == Role.ATTACKER
                    && !expect.detector().equals(Heuristics.BRUTE_FORCE)) { // hydra's capture spreads its logins out
                assertTrue(r.early().stream().anyMatch(e -> e.decision().addressText().equals(expect.address())
                        && e.decision().detector().equals(expect.detector())), name + ": no early decision about "
                        + expect.address() + " in " + r.early());
            }
            if (expect == null) {
                assertEquals(List.of(), r.early(), name + ": a capture without an attacker gets no early decision");
            }
        }
    }

    @Test
    void eachAddressFiresOncePerWindow() throws Exception {
        Run r = run(DetectionGroundTruthTest.pcap("tcp_0_1000_20190821.pcap"));
        Set<String> seen = new HashSet<>();
        for (Early e : r.early()) {
            assertTrue(seen.add(e.decision().addressText() + "@" + e.decision().windowStartNanos()), "twice: " + e);
        }
        assertFalse(r.early().isEmpty());
    }
}
