package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every TCP scan kind of nmap, produced by the real tool in a namespace against a host with two listening ports, is
 * a high-risk port scan about the scanner: SYN as before, and the kinds the detector used to miss — FIN
 * ({@code -sF}), NULL ({@code -sN}), Xmas ({@code -sX}), Maimon ({@code -sM}), ACK ({@code -sA}), Window
 * ({@code -sW}), SCTP INIT ({@code -sY}) and IP protocol ({@code -sO}) scans, UDP ({@code -sU}), and ICMP echo
 * and timestamp host sweeps ({@code -sn -PE}, {@code -sn -PP}) whose hosts all answer. Each scan is recorded with tcpdump on the victim's side into {@code target/} and replayed with the
 * real jar, so the decision comes from the same code a sensor runs. Needs root (namespaces), nmap and tcpdump.
 */
class ScanKindsIT {
    @TempDir
    Path dir;

    /** An nmap run (its arguments before the target) and what the reason must say. */
    record Kind(String name, List<String> args, String label) {
        static Kind scan(String flag, String targets, String label) {
            return new Kind(flag, List.of("-Pn", flag, "-p", targets, "--max-retries", "0", "10.79.0.1"), label);
        }

        static Kind sweep(String flag) {
            // --send-ip: ICMP on the wire instead of nmap's ARP ping; only the victim's 100 addresses answer ARP
            return new Kind("-sn" + flag, List.of("-sn", "--send-ip", flag, "10.79.0.0/24"), "host sweep");
        }
    }

    static final List<Kind> KINDS = List.of(Kind.scan("-sS", "1-400", "SYN"), Kind.scan("-sF", "1-400", "FIN"),
            Kind.scan("-sN", "1-400", "NULL"), Kind.scan("-sX", "1-400", "Xmas"), Kind.scan("-sM", "1-400", "Maimon"),
            Kind.scan("-sA", "1-400", "ACK"), Kind.scan("-sW", "1-400", "ACK"), Kind.scan("-sU", "1-400", "ports of 10.79.0.1"),
            Kind.scan("-sY", "1-400", "ports of 10.79.0.1"), Kind.scan("-sO", "0-255", "IP protocols of 10.79.0.1"),
            Kind.sweep("-PE"), Kind.sweep("-PP"));

    @Test
    void everyNmapScanKindIsAHighRiskPortScanAboutTheScanner() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        assumeTrue(Shell.have("ip") && Shell.have("nmap") && Shell.have("tcpdump") && Shell.have("python3"),
                "needs iproute2, nmap, tcpdump, python3");
        String a = "argus-sk-a-" + ProcessHandle.current().pid(), b = "argus-sk-b-" + ProcessHandle.current().pid();
        Shell.vethPair(a, b, 79);
        // closed UDP ports and unknown protocols answer with ICMP unreachables: unthrottled, so nmap does not wait
        Shell.must("ip", "netns", "exec", a, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        for (int host = 101; host <= 199; host++) {
            Shell.must("ip", "-n", a, "addr", "add", "10.79.0." + host + "/24", "dev", "va"); // live hosts for the sweeps
        }
        Process listener = null;
        Path captures = Files.createDirectories(Path.of("target", "scan-kinds"));
        try {
            // two open ports on the victim: open ports stay silent to SYN-less probes, closed ones reset
            listener = new ProcessBuilder("ip", "netns", "exec", a, "python3", "-c",
                    "import socket, time\nss = []\nfor p in (22, 80):\n    s = socket.socket()\n    s.bind(('0.0.0.0', p))\n"
                            + "    s.listen()\n    ss.append(s)\ntime.sleep(600)\n").redirectErrorStream(true).start();
            List<String> missed = new ArrayList<>();
            for (Kind k : KINDS) {
                Path cap = captures.resolve("nmap" + k.name() + ".pcap");
                int code = Recording.record(a, "va", cap, "ip netns exec " + b + " nmap -n -T4 " + String.join(" ", k.args()));
                assertEquals(0, code, Files.readString(cap.resolveSibling(cap.getFileName() + ".log")));
                List<JsonObject> decisions = Recording.replay(cap, dir.resolve("replay" + k.name()), "scan-kinds");
                boolean found = decisions.stream().anyMatch(d -> d.getString("address").equals("10.79.0.2")
                        && d.getString("risk").equals("high") && d.getString("role").equals("attacker")
                        && d.getString("detector").equals("port_scan")
                        && d.getJsonArray("reasons").encode().contains(" " + k.label()));
                boolean others = decisions.stream().anyMatch(d -> d.getString("risk").equals("high")
                        && !d.getString("address").equals("10.79.0.2"));
                if (!found || others) {
                    missed.add(k.name() + ": " + decisions);
                }
            }
            assertEquals(List.of(), missed, "each kind named as a port scan about 10.79.0.2, nobody else high");
        } finally {
            if (listener != null) {
                listener.destroyForcibly().waitFor();
            }
            Shell.sh("ip", "netns", "del", a);
            Shell.sh("ip", "netns", "del", b);
        }
    }
}
