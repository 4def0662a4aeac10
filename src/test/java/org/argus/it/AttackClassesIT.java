package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack class of issue 15 produced by the real tool in network namespaces, recorded with tcpdump on the
 * victim's interface into {@code target/attack-classes/} and replayed with the real jar: floods of every kind
 * (hping3, from one source and spoofed, a small SYN flood, a mixed one), TCP reflection and UDP amplification
 * through reflectors the test runs in a namespace of their own (spoofed requests from hping3), brute force against
 * a real SSH server (dropbear) with hydra (4 tasks and 1, and at ncrack's sneaky pace) and medusa and against a web login form with hydra's
 * http-post-form, OS fingerprinting and version probing (nmap {@code -O}, {@code -sV}), a slow scan (nmap
 * {@code --scan-delay 1s}), masscan, ACK/UDP/ARP ping sweeps, ARP spoofing (dsniff's arpspoof against a victim that
 * keeps asking for its gateway), a gratuitous ARP storm (arping), a rogue DHCP server (a second dnsmasq) and DHCP
 * starvation (yersinia) next to the LAN's own dnsmasq, and a local device scanning outward for Telnet
 * (Mirai-style). Each must be named — the attacker, or for spoofed floods, reflection, amplification and starvation
 * the victim — at the risk given (high, or medium for recon alone) within the window the issue asks, and nobody
 * else may be high. Needs root (namespaces) and the tools (see README).
 *
 * <p>Hosts: the victim 10.83.0.1 (also .101–.160 for sweeps; dropbear on 22, a silent listener on 80, a login form
 * on 8000) in {@code a}, the attacker 10.83.0.2 in {@code b}, which routes to the reflectors 10.83.1.1–.20 in
 * {@code r}, and the victim's gateway and DHCP server 10.83.0.50 (a macvlan in {@code b}, dnsmasq leasing
 * .200–.209).
 */
class AttackClassesIT {
    static final String VICTIM = "10.83.0.1", ATTACKER = "10.83.0.2";

    @TempDir
    Path dir;

    /**
     * One scenario.
     *
     * @param name     capture name
     * @param script   shell commands, run with {@code bash -c}; {@code $A}, {@code $B} are the victim's and attacker's
     *                 namespaces ({@code ip netns exec $B hping3 …})
     * @param address  who must be named
     * @param role     attacker or victim
     * @param detector the detector that must be among the decision's detectors
     * @param risk     lowest acceptable risk
     * @param alsoHigh another address that may be high too (the other side of the same attack), or null
     * @param respace  when set, the recorded SSH connections are replayed this far apart ({@link Recording#respace}):
     *                 real connections of one tool at the pace of a slower one
     */
    record Scenario(String name, String script, String address, String role, String detector, String risk, String alsoHigh,
                    Duration respace) {
        Scenario(String name, String script, String address, String role, String detector, String risk, String alsoHigh) {
            this(name, script, address, role, detector, risk, alsoHigh, null);
        }

        Scenario(String name, String script, String address, String role, String detector, String risk) {
            this(name, script, address, role, detector, risk, null);
        }

        static Scenario high(String name, String script, String address, String role, String detector) {
            return new Scenario(name, script, address, role, detector, "high");
        }
    }

    static String hping(String args) {
        return "ip netns exec $B hping3 -n -q " + args + " " + VICTIM;
    }

    /** The same command once per reflector (10.83.1.1–10), in parallel. */
    static String perReflector(String command) {
        StringBuilder b = new StringBuilder();
        IntStream.rangeClosed(1, 10).forEach(i -> b.append(command.replace("@", "10.83.1." + i)).append(" & "));
        return b.append("wait").toString();
    }

    static final String WORDS = "$DIR/words";

    /** Waits until the wall clock is 0.2–4 s into a 5-s window (windows are aligned to the epoch). */
    static final String MID_WINDOW = "while r=$(( $(date +%s%3N) % 5000 )); [ $r -lt 200 ] || [ $r -gt 4000 ]; do sleep 0.05; done; ";

    /** A DHCP client on the victim's link: nmap's broadcast-dhcp-discover from the victim's namespace. */
    static final String DHCP_DISCOVER = "ip netns exec $A nmap -e va --script broadcast-dhcp-discover "
            + "--script-args broadcast-dhcp-discover.timeout=4s > /dev/null";

    static final List<Scenario> SCENARIOS = List.of(
            // 500 SYNs in half a second: started clear of a 5-s window boundary, which would halve it
            Scenario.high("syn-flood-500", MID_WINDOW + hping("-S -p 80 -i u1000 -c 500"), ATTACKER, "attacker", "syn_flood"),
            Scenario.high("syn-flood-spoofed", hping("-S -p 80 --rand-source -i u100 -c 20000"), VICTIM, "victim", "syn_flood"),
            Scenario.high("ack-flood", hping("-A -p 80 -i u100 -c 30000"), ATTACKER, "attacker", "flood"),
            Scenario.high("rst-flood", hping("-R -p 80 -i u100 -c 30000"), ATTACKER, "attacker", "flood"),
            Scenario.high("fin-flood", hping("-F -p 80 -i u100 -c 30000"), ATTACKER, "attacker", "flood"),
            Scenario.high("udp-flood", hping("--udp -p 9999 -i u100 -c 30000"), ATTACKER, "attacker", "flood"),
            Scenario.high("icmp-flood", hping("--icmp -i u100 -c 30000"), ATTACKER, "attacker", "flood"),
            Scenario.high("udp-flood-spoofed", hping("--udp -p 53 --rand-source -i u100 -c 30000"), VICTIM, "victim", "flood"),
            // three kinds at under 1000/s each: no kind reaches the floor alone, together they do
            Scenario.high("mixed-flood", hping("-A -p 80 -i u1000 -c 8000") + " & " + hping("--udp -p 7000 -i u1000 -c 8000")
                    + " & " + hping("--icmp -i u1000 -c 8000") + "; wait", ATTACKER, "attacker", "flood"),
            Scenario.high("tcp-reflection", perReflector("ip netns exec $B hping3 -n -q -S -a " + VICTIM + " -p 80 -i u2000 -c 150 @"),
                    VICTIM, "victim", "tcp_reflection"),
            Scenario.high("amplification-bacnet", perReflector("ip netns exec $B hping3 -n -q --udp -a " + VICTIM
                    + " -s 47808 -k -p 47808 -d 40 -i u1000 -c 300 @"), VICTIM, "victim", "amplification"),
            Scenario.high("amplification-isakmp", perReflector("ip netns exec $B hping3 -n -q --udp -a " + VICTIM
                    + " -p 500 -d 40 -i u1000 -c 300 @"), VICTIM, "victim", "amplification"),
            Scenario.high("hydra-ssh-4-tasks", "ip netns exec $B hydra -l root -P " + WORDS + " -t 4 -I ssh://" + VICTIM,
                    ATTACKER, "attacker", "brute_force"),
            Scenario.high("hydra-ssh-1-task", "ip netns exec $B hydra -l root -P " + WORDS + " -t 1 -I ssh://" + VICTIM,
                    ATTACKER, "attacker", "brute_force"),
            Scenario.high("hydra-http-form", "ip netns exec $B hydra -l admin -P " + WORDS + " -t 4 -I -s 8000 " + VICTIM
                    + " http-post-form '/login:user=^USER^&pass=^PASS^:F=Login failed'", ATTACKER, "attacker", "brute_force"),
            // ncrack's sneaky pace (~12 attempts in 2 min, issue 15) with real logins: hydra trying one password at a
            // time (two connections each: one asks for the methods), its 110 connections then replayed 10 s apart
            new Scenario("ssh-brute-force-sneaky", "for i in $(seq 55); do ip netns exec $B hydra -l root -p guess$i -t 1 -I "
                    + "ssh://" + VICTIM + " > /dev/null; done", ATTACKER, "attacker", "brute_force", "high", null,
                    Duration.ofSeconds(10)),
            Scenario.high("medusa-ssh", "timeout 60 ip netns exec $B medusa -h " + VICTIM + " -u root -P " + WORDS + " -M ssh -t 4",
                    ATTACKER, "attacker", "brute_force"),
            new Scenario("nmap-os-fingerprint", "ip netns exec $B nmap -n -Pn -O -p 22,80,81 " + VICTIM,
                    ATTACKER, "attacker", "recon", "medium"),
            new Scenario("nmap-version-probe", "ip netns exec $B nmap -n -Pn -sV --version-intensity 2 -p 80 " + VICTIM,
                    ATTACKER, "attacker", "recon", "medium"),
            Scenario.high("nmap-slow-scan", "ip netns exec $B nmap -n -Pn -sS --scan-delay 1s --max-retries 0 -p 1-60 " + VICTIM,
                    ATTACKER, "attacker", "port_scan"),
            Scenario.high("masscan", "timeout 15 ip netns exec $B masscan " + VICTIM + " -p1-2000 --rate 2000 -e vb "
                    + "--router-mac $MAC --wait 1 > /dev/null", ATTACKER, "attacker", "port_scan"),
            Scenario.high("nmap-ack-ping-sweep", "ip netns exec $B nmap -n -sn --send-ip -PA80 10.83.0.0/24",
                    ATTACKER, "attacker", "port_scan"),
            Scenario.high("nmap-udp-ping-sweep", "ip netns exec $B nmap -n -sn --send-ip -PU 10.83.0.0/24",
                    ATTACKER, "attacker", "port_scan"),
            Scenario.high("nmap-arp-sweep", "ip netns exec $B nmap -n -sn 10.83.0.0/24", ATTACKER, "attacker", "port_scan"),
            // the victim keeps asking for its gateway 10.83.0.50 (a second hardware address in b); arpspoof answers too
            // the poisoner joins the LAN: it resolves its target first, from its own address
            new Scenario("arpspoof", "ip -n $B neigh flush all; timeout 16 ip netns exec $A arping -q -I va 10.83.0.50 & "
                    + "timeout 16 ip netns exec $B arpspoof -i vb -t " + VICTIM + " 10.83.0.50; wait", ATTACKER, "attacker", "arp_spoofing", "high", "10.83.0.50"),
            // the LAN's DHCP server is 10.83.0.50 (dnsmasq on the gateway, named in dhcp_servers); a second one answers
            new Scenario("dhcp-rogue-server", "timeout 8 ip netns exec $B dnsmasq -k --port=0 --interface=vb "
                    + "--bind-interfaces --dhcp-range=10.83.0.210,10.83.0.240,1h --dhcp-leasefile=$DIR/rogue.leases "
                    + "--pid-file=$DIR/rogue.pid & sleep 1; " + DHCP_DISCOVER + "; wait", ATTACKER, "attacker", "rogue_dhcp", "high"),
            // a client gets its offer, then yersinia invents clients by the hundred thousand
            new Scenario("dhcp-starvation", DHCP_DISCOVER + "; sleep 10 | timeout 2 ip netns exec $B yersinia "
                    + "-l $DIR/yersinia.log dhcp -attack 1 -interface vb > /dev/null", "10.83.0.50", "victim", "dhcp_starvation", "high"),
            // the poisoner announces the gateway's address as its own, 400 times in 2 s, after both spoke for themselves
            new Scenario("arp-gratuitous-storm", "ip -n $A neigh flush all; ip -n $B neigh flush all; "
                    + "ip netns exec $A arping -q -c 1 -i va 10.83.0.50; ip netns exec $B arping -q -c 1 -i vb " + VICTIM + "; "
                    + "ip netns exec $B arping -q -U -P -i vb -S 10.83.0.50 -W 0.005 -c 400 10.83.0.50; true",
                    ATTACKER, "attacker", "arp_storm", "high", "10.83.0.50"),
            Scenario.high("local-telnet-sweep", "ip netns exec $A nmap -n -Pn -sS -T4 --max-retries 0 -p 23,2323 10.83.1.0/24",
                    VICTIM, "attacker", "port_scan"));

    @Test
    void everyAttackClassIsNamedByTheRightDetector() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : List.of("ip", "tcpdump", "python3", "hping3", "nmap", "masscan", "hydra", "medusa", "dropbear",
                "dropbearkey", "arping", "arpspoof", "dnsmasq", "yersinia")) {
            assumeTrue(Shell.have(tool), "needs " + tool);
        }
        long pid = ProcessHandle.current().pid();
        String a = "argus-ac-a-" + pid, b = "argus-ac-b-" + pid, r = "argus-ac-r-" + pid;
        List<Process> services = new ArrayList<>();
        Path captures = Files.createDirectories(Path.of("target", "attack-classes"));
        try {
            network(a, b, r);
            Files.write(dir.resolve("words"), IntStream.rangeClosed(1, 200).mapToObj(i -> "guess" + i).toList());
            Shell.must("dropbearkey", "-t", "ed25519", "-f", dir.resolve("hostkey").toString());
            services.add(new ProcessBuilder("ip", "netns", "exec", a, "dropbear", "-F", "-E", "-p", "22", "-r",
                    dir.resolve("hostkey").toString(), "-w", "-g").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dropbear.log").toFile()).start());
            services.add(new ProcessBuilder("ip", "netns", "exec", a, "python3", "-c",
                    "import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', 80))\ns.listen()\ntime.sleep(3600)\n")
                    .redirectErrorStream(true).start());
            services.add(new ProcessBuilder("ip", "netns", "exec", b, "dnsmasq", "-k", "--port=0", "--interface=gw",
                    "--bind-interfaces", "--dhcp-range=10.83.0.200,10.83.0.209,1h",
                    "--dhcp-leasefile=" + dir.resolve("lan.leases"), "--pid-file=" + dir.resolve("lan.pid"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start());
            Path login = Path.of(AttackClassesIT.class.getResource("login.py").toURI());
            services.add(new ProcessBuilder("ip", "netns", "exec", a, "python3", login.toString(), "0.0.0.0", "8000")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("login.log").toFile()).start());
            Path reflector = Path.of(AttackClassesIT.class.getResource("reflector.py").toURI());
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", r, "python3", reflector.toString()));
            IntStream.rangeClosed(1, 20).forEach(i -> cmd.add("10.83.1." + i));
            services.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> listens(a, 22) && listens(a, 8000)),
                    "dropbear and the login form listen");
            String mac = Shell.must("ip", "netns", "exec", a, "cat", "/sys/class/net/va/address").out().strip();
            List<String> missed = new ArrayList<>();
            String only = System.getProperty("argus.scenarios", ""); // e.g. -Dargus.scenarios=arpspoof,masscan
            for (Scenario s : SCENARIOS) {
                if (!only.isBlank() && !List.of(only.split(",")).contains(s.name())) {
                    continue;
                }
                Path cap = captures.resolve(s.name() + ".pcap");
                Path live = s.respace() == null ? cap : captures.resolve(s.name() + "-live.pcap");
                Recording.record(a, "va", live, "A=" + a + " B=" + b + " DIR=" + dir + " MAC=" + mac + "; " + s.script());
                if (s.respace() != null) {
                    assertTrue(Recording.respace(live, cap, 22, s.respace()) >= 100, s.name() + ": connections recorded");
                }
                List<JsonObject> decisions = Recording.replay(cap, dir.resolve("out-" + s.name()),
                        Map.of("ARGUS_IP_SALT", "attack-classes", "ARGUS_HEURISTICS_DHCP_SERVERS", "10.83.0.50"));
                String verdict = verdict(s, decisions);
                if (verdict != null) {
                    missed.add(s.name() + ": " + verdict);
                }
            }
            assertEquals(List.of(), missed, "each attack named by its detector, nobody else high");
        } finally {
            for (Process p : services) {
                p.destroyForcibly().waitFor();
            }
            Shell.sh("ip", "netns", "del", a);
            Shell.sh("ip", "netns", "del", b);
            Shell.sh("ip", "netns", "del", r);
        }
    }

    static boolean listens(String ns, int port) {
        try {
            return Shell.sh("ip", "netns", "exec", ns, "sh", "-c", "ss -ltn | grep -q ':" + port + " '").code() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Null when the scenario's expectation holds, else what went wrong (with the decisions seen). */
    static String verdict(Scenario s, List<JsonObject> decisions) {
        List<String> order = List.of("low", "medium", "high");
        boolean found = decisions.stream().anyMatch(d -> d.getString("address").equals(s.address())
                && d.getString("role").equals(s.role()) && order.indexOf(d.getString("risk")) >= order.indexOf(s.risk())
                && d.getJsonArray("detectors").contains(s.detector()));
        List<String> others = decisions.stream().filter(d -> d.getString("risk").equals("high")
                && !(d.getString("address").equals(s.address()) && d.getString("role").equals(s.role()))
                && !d.getString("address").equals(s.alsoHigh()))
                .map(d -> d.getString("address") + " " + d.getString("role") + " " + d.getJsonArray("detectors")).distinct().toList();
        if (found && others.isEmpty()) {
            return null;
        }
        return (found ? "" : "not named; ") + (others.isEmpty() ? "" : "also high: " + others + "; ")
                + decisions.stream().map(d -> d.getString("address") + " " + d.getString("role") + " " + d.getString("risk")
                + " " + d.getJsonArray("reasons").getString(0)).distinct().limit(6).toList();
    }

    /** Victim {@code a} — attacker {@code b} (router) — reflectors {@code r}. */
    static void network(String a, String b, String r) throws IOException, InterruptedException {
        Shell.vethPair(a, b, 83);
        Shell.must("ip", "netns", "add", r);
        Shell.must("ip", "-n", b, "link", "add", "vr", "type", "veth", "peer", "name", "vx", "netns", r);
        Shell.must("ip", "-n", b, "addr", "add", "10.83.1.254/24", "dev", "vr");
        for (int i = 1; i <= 20; i++) {
            Shell.must("ip", "-n", r, "addr", "add", "10.83.1." + i + "/24", "dev", "vx");
        }
        for (int host = 101; host <= 160; host++) {
            Shell.must("ip", "-n", a, "addr", "add", "10.83.0." + host + "/24", "dev", "va"); // live hosts for the sweeps
        }
        // the victim's gateway 10.83.0.50: a second hardware address in b, which answers only for its own address
        Shell.must("ip", "-n", b, "link", "add", "link", "vb", "name", "gw", "type", "macvlan", "mode", "bridge");
        Shell.must("ip", "-n", b, "addr", "add", "10.83.0.50/24", "dev", "gw");
        Shell.must("ip", "-n", b, "link", "set", "gw", "up");
        Shell.must("ip", "netns", "exec", b, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        Shell.must("ip", "-n", b, "link", "set", "vr", "up");
        Shell.must("ip", "-n", r, "link", "set", "vx", "up");
        Shell.must("ip", "-n", r, "link", "set", "lo", "up");
        Shell.must("ip", "-n", a, "route", "add", "default", "via", ATTACKER);
        Shell.must("ip", "-n", r, "route", "add", "default", "via", "10.83.1.254");
        Shell.must("ip", "netns", "exec", b, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // closed UDP ports answer with ICMP unreachables, unthrottled, so sweeps and scans do not wait on them
        Shell.must("ip", "netns", "exec", a, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
    }

}
