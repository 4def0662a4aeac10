package org.argus.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.detect.DetectionSettings;
import org.argus.detect.Detector;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;
import org.argus.flow.WindowAssembler;
import org.argus.flow.WindowTotals;
import org.argus.gen.CaptureGenerator;

/**
 * Per-window cost of the heuristic detectors, worst cases beside the ordinary mix (run by
 * {@code scripts/bench-detectors.sh}, never as a test): the heuristics alone (no model) over (1) the generated office
 * mix, (2) a sweep of 1 000 000 SYNs from one scanner to distinct hosts and (3) a flood of 1 000 000 SYNs from
 * 1 000 000 random (spoofed) sources — the case that fills every per-source table — and (4) a LAN flood: every window
 * full of DHCP DISCOVERs from invented clients and gratuitous ARP from invented hardware addresses (16 384 groups of
 * each, the most a window keeps), each 60 s long (12 windows).
 * Windows are built once; the detector runs over them {@code reps} times with a fresh detector each time. Prints one
 * JSON line: per case, windows, flows, mean and worst milliseconds per window (of the last repetition's best).
 *
 * <p>Arguments: {@code [reps]} (default 5).
 */
public final class DetectorBench {
    private DetectorBench() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("argus-detector-bench");
        long t0 = 1_790_000_000L;
        Path mix = dir.resolve("mix.pcap"), sweep = dir.resolve("sweep.pcap");
        CaptureGenerator.write(mix, 60_000, 7, t0, 60, true);
        CaptureGenerator.writeSweep(sweep, 1_000_000, 7, t0, 60);
        DetectionSettings settings = ArgusConfig.from(ConfigLoader.merge(new JsonObject(), Map.of("ARGUS_IP_SALT", "detector-bench"))).detection();
        JsonObject out = new JsonObject();
        out.put("office_mix", measure(settings, windows(mix), reps));
        out.put("syn_sweep_1M", measure(settings, windows(sweep), reps));
        out.put("spoofed_syn_flood_1M", measure(settings, spoofedFlood(t0, 1_000_000, 12), reps));
        out.put("lan_flood", measure(settings, lanFlood(t0, 12), reps));
        System.out.println(out.encode());
    }

    private static JsonObject measure(DetectionSettings settings, List<FlowWindow> windows, int reps) {
        long flows = windows.stream().mapToLong(w -> w.flows().size()).sum();
        double bestMean = Double.MAX_VALUE, bestWorst = Double.MAX_VALUE;
        long decisions = 0;
        for (int r = 0; r < reps; r++) {
            Detector d = new Detector(settings, null, Object::toString, false);
            double total = 0, worst = 0;
            decisions = 0;
            for (FlowWindow w : windows) {
                long s = System.nanoTime();
                decisions += d.process(w).decisions().size();
                double ms = (System.nanoTime() - s) / 1e6;
                total += ms;
                worst = Math.max(worst, ms);
            }
            bestMean = Math.min(bestMean, total / windows.size());
            bestWorst = Math.min(bestWorst, worst);
        }
        return new JsonObject().put("windows", windows.size()).put("flows", flows).put("decisions", decisions)
                .put("ms_per_window_mean", Math.round(bestMean * 10) / 10.0).put("ms_per_window_worst", Math.round(bestWorst * 10) / 10.0);
    }

    /** {@code packets} SYN flows from random sources to one host's port 80, spread over {@code windows} windows. */
    public static List<FlowWindow> spoofedFlood(long t0, int packets, int windows) {
        SplittableRandom rnd = new SplittableRandom(7);
        IpAddress victim = IpAddress.parse("192.168.1.10");
        List<FlowWindow> out = new ArrayList<>();
        int per = packets / windows;
        for (int w = 0; w < windows; w++) {
            long start = (t0 + 5L * w) * 1_000_000_000L;
            List<FlowRecord> flows = new ArrayList<>(per);
            for (int i = 0; i < per; i++) {
                long t = start + i * (5_000_000_000L / per);
                flows.add(new FlowRecord(6, IpAddress.v4(rnd.nextInt()), 1024 + rnd.nextInt(60000), victim, 80, 1, 60, 0, 0,
                        t, t, new TcpFlagCounts(1, 0, 0, 0, 0, 0, 0, TcpFlagCounts.SYN, 0), new PacketShape(60, 60, 3600, 0, -1)));
            }
            out.add(new FlowWindow(start, start + 5_000_000_000L,
                    new WindowTotals(per, per * 60L, per, per, 0, 0, per, 0, 0, 0, 0, 0), flows));
        }
        return out;
    }

    /** Windows holding the most ARP and DHCP groups a window keeps, all from invented hardware addresses. */
    private static List<FlowWindow> lanFlood(long t0, int windows) {
        SplittableRandom rnd = new SplittableRandom(7);
        IpAddress any = IpAddress.v4(0), broadcast = IpAddress.parse("255.255.255.255");
        List<FlowWindow> out = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            long start = (t0 + 5L * w) * 1_000_000_000L;
            List<org.argus.flow.ArpRecord> arp = new ArrayList<>();
            List<org.argus.flow.DhcpRecord> dhcp = new ArrayList<>();
            for (int i = 0; i < FlowWindow.MAX_ARP; i++) {
                long t = start + i * (5_000_000_000L / FlowWindow.MAX_ARP);
                IpAddress ip = IpAddress.v4(0xc0a80000 | rnd.nextInt(1 << 16));
                arp.add(new org.argus.flow.ArpRecord(2, rnd.nextLong() & 0xffff_ffff_ffffL, ip, 0, ip, 1, t));
                dhcp.add(new org.argus.flow.DhcpRecord(1, rnd.nextLong() & 0xffff_ffff_ffffL, any, broadcast, 1, t));
            }
            int n = 2 * FlowWindow.MAX_ARP;
            out.add(new FlowWindow(start, start + 5_000_000_000L,
                    new WindowTotals(n, n * 300L, FlowWindow.MAX_ARP, 0, FlowWindow.MAX_ARP, 0, 0, 0, FlowWindow.MAX_ARP, 0, 0, 0),
                    List.of(), arp, dhcp));
        }
        return out;
    }

    private static List<FlowWindow> windows(Path capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler.readFile(capture, FlowSettings.defaults(), 1024, new org.argus.flow.FlowStats(), out::add);
        return out;
    }
}
