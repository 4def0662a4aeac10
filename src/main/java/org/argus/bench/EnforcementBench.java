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
 * does), per backend; (3) one more ban into the full set; (4) the emergency removal of everything. Prints one JSON line
 * of milliseconds.
 *
 * <p>Arguments: {@code [bans]} (default 100000).
 */
public final class EnforcementBench {
    private EnforcementBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String ns = "argus-bench-" + ProcessHandle.current().pid();
        Commands host = new Commands(List.of(), 60_000);
        host.must(null, "ip", "netns", "add", ns);
        Path dir = Files.createTempDirectory("argus-bench");
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
            for (Firewall fw : new Firewall[] {new IpsetBackend(inNs, "BENCH-DROP"), new NftBackend(inNs, "BENCH-DROP")}) {
                fw.install();
                t0 = System.nanoTime();
                fw.apply(targets, List.of());
                double load = ms(t0);
                t0 = System.nanoTime();
                Set<BanTarget> members = fw.members();
                double list = ms(t0);
                if (members.size() != n) {
                    throw new IllegalStateException(fw.name() + ": " + members.size() + " members, expected " + n);
                }
                t0 = System.nanoTime();
                fw.apply(List.of(BanTarget.parse("192.0.2.1")), List.of());
                double one = ms(t0);
                t0 = System.nanoTime();
                fw.removeAll();
                double remove = ms(t0);
                out.put(fw.name(), new JsonObject().put("load_all_ms", Math.round(load)).put("list_members_ms", Math.round(list))
                        .put("add_one_to_full_set_ms", Math.round(one * 10) / 10.0).put("emergency_remove_all_ms", Math.round(remove)));
            }
            store.close().await();
            System.out.println(out.encode());
        } finally {
            vertx.close().await();
            host.run(null, "ip", "netns", "del", ns);
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
