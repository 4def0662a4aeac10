package org.argus.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.argus.TestData;
import org.argus.app.Replay;
import org.argus.capture.PacketRing;
import org.argus.capture.PcapFileReader;
import org.argus.csv.CsvSettings;
import org.argus.detect.Decision;
import org.argus.detect.Detector;
import org.argus.detect.HeuristicsTest;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.FlowSettings;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence captures: the packet ring against a model of what it must hold, and a replay of a real scan whose capture
 * tshark reads back as exactly the scan's packets in the decision's range (tshark on the original file is the ground
 * truth).
 */
class EvidenceTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    static EvidenceSettings settings(Path dir, int maxFiles) {
        return new EvidenceSettings(true, dir, 16L << 20, Duration.ofSeconds(10), Duration.ofSeconds(10), maxFiles, 1L << 30,
                16L << 20, Duration.ofMinutes(5));
    }

    @Test
    void theRingHoldsTheNewestFramesIntactWithinItsBudget() {
        PacketRing ring = new PacketRing(1 << 16); // 512 index slots, 38 912 frame bytes
        org.argus.capture.PacketDecoder decoder = new org.argus.capture.PacketDecoder(1).recordTo(ring);
        org.argus.capture.PacketBatch batch = new org.argus.capture.PacketBatch(1);
        Random rnd = new Random(7);
        Deque<byte[]> appended = new ArrayDeque<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] f = new byte[rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(3000) : 14 + rnd.nextInt(100)];
            rnd.nextBytes(f);
            if (f.length >= 14) { // an EtherType no decoder knows: not IP, so the addresses stay 0/0
                f[12] = (byte) 0x88;
                f[13] = (byte) 0xb5;
            }
            batch.clear();
            decoder.decode(ByteBuffer.wrap(f), 0, f.length, i * 1000L, f.length, batch);
            appended.addLast(f);
            if (appended.size() > 600) {
                appended.removeFirst();
            }
            if (i % 997 == 0 || i == 19_999) {
                // non-IP frames have the address 0/0: a copy for it returns every frame held
                PacketRing.Found all = ring.copy(0, Long.MIN_VALUE, Long.MAX_VALUE, 0, 0, Long.MAX_VALUE);
                assertEquals(ring.size(), all.frames().size());
                assertTrue(all.frames().size() <= 512, "index bound");
                assertTrue(all.frames().stream().mapToLong(x -> x.bytes().length).sum() <= (1 << 16) - 512 * 52, "byte bound");
                List<byte[]> newest = new ArrayList<>(appended).subList(appended.size() - Math.min(appended.size(), all.frames().size()),
                        appended.size());
                for (int k = 0; k < all.frames().size(); k++) {
                    assertTrue(Arrays.equals(newest.get(k), all.frames().get(k).bytes()), "frame " + k + " at " + i);
                    assertEquals(i - all.frames().size() + 1 + k, all.frames().get(k).seq());
                }
                assertEquals(i, all.frames().get(all.frames().size() - 1).seq(), "the newest frame is always held");
                assertEquals(i * 1000L, all.latestNs());
            }
        }
        assertTrue(ring.evicted() > 0);
        PacketRing.Found fromStart = ring.copy(0, 0, Long.MAX_VALUE, 0, 0, Long.MAX_VALUE);
        assertTrue(fromStart.lost(), "the range's start has left the ring");
        long next = fromStart.nextSeq();
        assertFalse(ring.copy(next - 1, 0, Long.MAX_VALUE, 0, 0, Long.MAX_VALUE).lost(), "a continuation nothing was pushed out of");
    }

    /** tshark's reading of a capture: one line per frame (epoch time, addresses, ports), or those of a display filter. */
    static List<String> tshark(Path capture, String filter) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-T", "fields", "-e", "frame.time_epoch",
                "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "frame.len"));
        if (filter != null) {
            cmd.addAll(List.of("-Y", filter));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "tshark " + cmd);
        return out.lines().toList();
    }

    @Test
    void aReplayedScansCaptureHoldsExactlyItsPacketsInTheRange() throws Exception {
        Path scan = TestData.shared().resolve("pcaps/synscan.pcapng");
        Path out = dir.resolve("out"), evidence = dir.resolve("evidence");
        Detector detector = new Detector(HeuristicsTest.defaults(), null, Object::toString, false);
        Replay.Summary s = Replay.run(List.of(scan), FlowSettings.defaults(), new CsvSettings(out, 100_000, Duration.ofHours(1), 0, false, 0),
                "evidence-test", 512, null, m -> { }, detector, null, null, settings(evidence, 100));
        assertTrue(s.decisions().get("high") >= 1, s.toJson().encode());
        List<JsonObject> high = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("decisions-")).toList()) {
                Files.readAllLines(f).stream().map(JsonObject::new).filter(o -> o.getString("risk").equals("high")).forEach(high::add);
            }
        }
        JsonObject first = high.get(0);
        assertEquals("172.16.0.8", first.getString("address"));
        String file = first.getString("evidence");
        assertEquals(first.getString("id") + ".pcap", file);
        // later windows of the same scan name the capture that already holds them
        high.forEach(o -> assertEquals(file, o.getString("evidence"), o.encode()));
        try (Stream<Path> files = Files.list(evidence)) {
            assertEquals(List.of(file), files.map(f -> f.getFileName().toString()).toList());
        }
        long start = Instant.parse(first.getString("window_start")).getEpochSecond();
        List<String> truth = tshark(scan, "ip.addr==172.16.0.8 && frame.time_epoch >= " + (start - 10) + " && frame.time_epoch <= " + (start + 15));
        List<String> ours = tshark(evidence.resolve(file), null);
        assertTrue(truth.size() > 1900, "the scan's packets: " + truth.size());
        assertEquals(truth, ours, "tshark reads the capture as exactly the scan's packets in the range, in order");
    }

    @Test
    void retentionKeepsTheNewestCapturesAndLowDecisionsGetNone() throws Exception {
        PacketRing ring = new PacketRing(16L << 20);
        PcapFileReader.Result r = new PcapFileReader(TestData.shared().resolve("pcaps/synscan.pcapng"), 256).recordTo(ring).read(b -> { });
        assertEquals(2011, r.packets());
        EvidenceStats stats = new EvidenceStats();
        EvidenceRecorder rec = new EvidenceRecorder(settings(dir, 2), ring, Duration.ofSeconds(5), stats,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        long w = Instant.parse("2010-07-04T20:24:15Z").getEpochSecond() * S;
        Decision low = decision(w, "172.16.0.8", Risk.LOW);
        assertEquals(low, rec.claim(low));
        List<String> names = new ArrayList<>();
        for (String a : List.of("172.16.0.8", "64.13.134.52", "192.0.2.1")) {
            Decision d = rec.claim(decision(w, a, Risk.HIGH));
            names.add(d.evidence());
            rec.flush();
            Thread.sleep(20); // distinct modification times
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(names.get(1), names.get(2)), files.map(f -> f.getFileName().toString()).sorted(
                    java.util.Comparator.comparing(names::indexOf)).toList(), "the oldest went first");
        }
        assertEquals(3, stats.written.sum());
        assertEquals(1, stats.deleted.sum());
        assertEquals(List.of(), tshark(dir.resolve(names.get(2)), null), "an address with no packets: an empty capture");
        assertEquals(2008, tshark(dir.resolve(names.get(1)), null).size(), "the target's side: every packet to or from it in range");
    }

    static Decision decision(long windowStart, String address, Risk risk) {
        return new Decision(windowStart, IpAddress.parse(address), address, false, Role.ATTACKER, risk, 0.9, "port_scan",
                List.of("port_scan"), List.of("test"), List.of(), null);
    }
}
