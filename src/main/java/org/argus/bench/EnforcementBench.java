package org.argus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistStore;
import org.argus.enforce.Commands;
import org.argus.enforce.Firewall;
import org.argus.enforce.IpsetBackend;
import org.argus.enforce.NftBackend;
import org.argus.flow.IpAddress;

/**
 * Enforcement cost harness (run by {@code scripts/bench-enforcement.sh} as root, never as a test), inside a network
 * namespace it creates and deletes: (1) writing N bans to the SQLite blacklist one transaction each, as detection
 * does; (2) reading them back and loading them into an empty kernel set in one batch (what a start-up reconciliation
 * does), per backend — ipset, nftables and the XDP program's maps (its pins on a bpffs the harness mounts in its
 * temporary directory, the program on a veth of the namespace); (3) one more ban into the full set; (4) the emergency
 * removal of everything; (5) under a SYN flood from a second namespace whose source is banned among the N, per
 * backend: what the attacker sent, how many packets still reached the sensor's IP layer ({@code Ip InReceives} of
 * {@code /proc/net/snmp} in its namespace: zero when XDP drops in the driver, all of them when netfilter drops), and
 * the CPU time the machine spent in softirq and system mode meanwhile ({@code /proc/stat}). Prints one JSON line.
 *
 * <p>Arguments: {@code [bans] [flood seconds]} (defaults 100000, 5).
 */
public final class EnforcementBench {
    private EnforcementBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int floodSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String ns = "argus-bench-" + ProcessHandle.current().pid(), attacker = "argus-bench-a-" + ProcessHandle.current().pid();
        Commands host = new Commands(List.of(), 60_000);
        host.must(null, "ip", "netns", "add", ns);
        host.must(null, "ip", "netns", "add", attacker);
        host.must(null, "ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", attacker);
        host.must(null, "ip", "-n", ns, "addr", "add", "10.82.0.1/24", "dev", "va");
        host.must(null, "ip", "-n", attacker, "addr", "add", "10.82.0.2/24", "dev", "vb");
        for (String[] c : new String[][] {{ns, "va"}, {ns, "lo"}, {attacker, "vb"}, {attacker, "lo"}}) {
            host.must(null, "ip", "-n", c[0], "link", "set", c[1], "up");
        }
        Path dir = Files.createTempDirectory("argus-bench");
        Path bpffs = Files.createDirectories(dir.resolve("bpf"));
        host.must(null, "mount", "-t", "bpf", "bpf", bpffs.toString());
        Vertx vertx = Vertx.vertx();
        try {
            Commands inNs = new Commands(List.of("ip", "netns", "exec", ns), 600_000);
            BlacklistStore store = BlacklistStore.open(vertx, dir.resolve("b.db"),
                    new BlacklistStore.Policy(Duration.ofHours(24), 2, Duration.ofDays(30)), Clock.systemUTC()).await();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                // 10.0.0.0/8 and 2001:db8::/32 alternately: both families.
                IpAddress a = i % 2 == 0 ? IpAddress.v4(0x0A000000 | i) : IpAddress.v6(0x20010db800000000L, i);
                store.ban(BanTarget.of(a), "bench", "high", new org.argus.blacklist.BanSource.Detector("bench"), null, true).await();
            }
            double dbWrite = ms(t0);
            t0 = System.nanoTime();
            List<Ban> active = store.active().await();
            double dbRead = ms(t0);
            List<BanTarget> targets = new ArrayList<>();
            active.forEach(b -> targets.add(b.target()));
            JsonObject out = new JsonObject().put("bans", n).put("db_write_one_by_one_ms", Math.round(dbWrite))
                    .put("db_writes_per_s", Math.round(n / (dbWrite / 1000))).put("db_read_all_ms", Math.round(dbRead));
            targets.add(BanTarget.parse("10.82.0.2")); // the flooding attacker, among the N
            Commands inAttacker = new Commands(List.of("ip", "netns", "exec", attacker), 600_000);
            for (Firewall fw : new Firewall[] {new IpsetBackend(inNs, "BENCH-DROP"), new NftBackend(inNs, "BENCH-DROP"),
                    new org.argus.enforce.XdpBackend(inNs, "va", bpffs.resolve("argus"), org.argus.enforce.XdpBackend.Mode.NATIVE),
                    new org.argus.enforce.XdpBackend(inNs, "va", bpffs.resolve("argus"), org.argus.enforce.XdpBackend.Mode.GENERIC)}) {
                fw.install();
                t0 = System.nanoTime();
                fw.apply(targets, List.of());
                double load = ms(t0);
                t0 = System.nanoTime();
                Set<BanTarget> members = fw.members();
                double list = ms(t0);
                if (members.size() != n + 1) {
                    throw new IllegalStateException(fw.name() + ": " + members.size() + " members, expected " + (n + 1));
                }
                t0 = System.nanoTime();
                fw.apply(List.of(BanTarget.parse("192.0.2.1")), List.of());
                double one = ms(t0);
                JsonObject flood = flood(inNs, inAttacker, floodSeconds);
                String hook = fw.hook();
                t0 = System.nanoTime();
                fw.removeAll();
                double remove = ms(t0);
                // xdp twice: native (a veth runs it in its NAPI poll) and generic (after the skb is built)
                String key = fw.name().equals("xdp") ? hook.split(" ")[0] + "_" + hook.split(" ")[1] : fw.name();
                out.put(key, new JsonObject().put("hook", hook).put("load_all_ms", Math.round(load)).put("list_members_ms", Math.round(list))
                        .put("add_one_to_full_set_ms", Math.round(one * 10) / 10.0).put("emergency_remove_all_ms", Math.round(remove))
                        .put("flood", flood));
            }
            store.close().await();
            System.out.println(out.encode());
        } finally {
            vertx.close().await();
            host.run(null, "ip", "netns", "del", ns);
            host.run(null, "ip", "netns", "del", attacker);
            host.run(null, "umount", bpffs.toString());
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * hping3 {@code --flood} SYNs from the banned attacker for {@code seconds}: packets sent (the attacker's veth
     * counter), packets that reached the sensor's IP layer, and the machine's softirq and system CPU seconds.
     */
    private static JsonObject flood(Commands sensor, Commands attacker, int seconds) throws Exception {
        long sent0 = txPackets(attacker), in0 = ipInReceives(sensor);
        long[] cpu0 = cpu();
        Commands.Result r = attacker.run(null, "timeout", "-s", "INT", Integer.toString(seconds), "hping3", "-S", "-p", "80", "--flood", "10.82.0.1");
        long sent = txPackets(attacker) - sent0, in = ipInReceives(sensor) - in0;
        long[] cpu1 = cpu();
        if (sent <= 0) {
            throw new IllegalStateException("hping3 sent nothing: " + r.err());
        }
        return new JsonObject().put("seconds", seconds).put("sent_pps", sent / seconds).put("reached_ip_layer_pps", in / seconds)
                .put("cpu_softirq_s", (cpu1[0] - cpu0[0]) / 100.0).put("cpu_system_s", (cpu1[1] - cpu0[1]) / 100.0);
    }

    private static long txPackets(Commands attacker) throws Exception {
        return Long.parseLong(attacker.must(null, "cat", "/sys/class/net/vb/statistics/tx_packets").out().strip());
    }

    /** {@code Ip: … InReceives} of the namespace's {@code /proc/net/snmp}. */
    private static long ipInReceives(Commands sensor) throws Exception {
        List<String> ip = sensor.must(null, "cat", "/proc/net/snmp").out().lines().filter(l -> l.startsWith("Ip:")).toList();
        List<String> names = List.of(ip.get(0).split("\\s+")), values = List.of(ip.get(1).split("\\s+"));
        return Long.parseLong(values.get(names.indexOf("InReceives")));
    }

    /** Softirq and system jiffies of all CPUs ({@code /proc/stat}, USER_HZ 100). */
    private static long[] cpu() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).split("\\s+");
        return new long[] {Long.parseLong(f[7]), Long.parseLong(f[3])};
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
