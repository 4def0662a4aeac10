package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.must;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device inventory on a real LAN: one bridge (in its own namespace) joining the sensor, three devices with
 * chosen MACs (a Raspberry Pi OUI, a locally administered one, one from an IEEE MA-S block) and a DHCP server
 * (dnsmasq); the third device gets its address and announces its host name through a real DHCP client (busybox
 * udhcpc). The sensor lists exactly the five hosts on the wire (itself included) with their vendors, the DHCP host
 * name and addresses, announces each once, and none again after a restart. Everything is created and deleted by the
 * test; the host's interfaces are never touched.
 */
class DevicesIT {
    private static final String TOKEN = "devices-it-token";
    private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
    private final String lan = "argus-dv-lan-" + tag;
    private final Map<String, String> hosts = new java.util.LinkedHashMap<>();
    private final List<Process> services = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : services) {
            p.destroyForcibly().waitFor();
        }
        for (String ns : hosts.keySet()) {
            sh("ip", "netns", "del", ns);
        }
        sh("ip", "netns", "del", lan);
    }

    /** A namespace joined to the bridge by a veth whose inner end, eth0, has {@code mac} and {@code cidr} (or none). */
    private String host(String name, String mac, String cidr) throws Exception {
        String ns = "argus-dv-" + name + "-" + tag;
        hosts.put(ns, mac);
        must("ip", "netns", "add", ns);
        must("ip", "-n", lan, "link", "add", "p-" + name, "type", "veth", "peer", "name", "eth0", "netns", ns);
        must("ip", "-n", ns, "link", "set", "eth0", "address", mac);
        if (cidr != null) {
            must("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
        }
        must("ip", "-n", lan, "link", "set", "p-" + name, "master", "br0");
        must("ip", "-n", lan, "link", "set", "p-" + name, "up");
        must("ip", "-n", ns, "link", "set", "eth0", "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    private static JsonObject get(String ns, String path) throws Exception {
        Shell.Result r = sh("ip", "netns", "exec", ns, "curl", "-s", "-m", "5", "-H", "Authorization: Bearer " + TOKEN,
                "http://127.0.0.1:18091" + path);
        try {
            return new JsonObject(r.out());
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    private static Map<String, JsonObject> devices(String ns) throws Exception {
        JsonArray a = get(ns, "/devices").getJsonArray("devices", new JsonArray());
        Map<String, JsonObject> out = new HashMap<>();
        for (int i = 0; i < a.size(); i++) {
            out.put(a.getJsonObject(i).getString("key"), a.getJsonObject(i));
        }
        return out;
    }

    private static List<JsonObject> newDeviceHooks(Path hooks) {
        try {
            return Files.exists(hooks) ? Files.readAllLines(hooks).stream().filter(l -> l.contains("\"new_device\""))
                    .map(JsonObject::new).toList() : List.of();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static long newDeviceLines(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains("event=new_device")).count();
    }

    @Test
    void theSensorListsTheLansDevicesWithVendorsAndDhcpNamesAndAnnouncesEachOnce() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        assumeTrue(have("ip") && have("curl") && have("dnsmasq") && have("busybox"), "needs iproute2, curl, dnsmasq and busybox");
        must("ip", "netns", "add", lan);
        must("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
        // the bridge and its ports are wires, not hosts: no IPv6 of their own on the LAN
        must("ip", "netns", "exec", lan, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        must("ip", "netns", "exec", lan, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        must("ip", "-n", lan, "link", "set", "br0", "up");
        String sensorNs = host("s", "00:16:3e:00:00:01", "10.78.0.1/24");
        String pi = host("pi", "b8:27:eb:00:00:01", "10.78.0.11/24");
        String phone = host("phone", "02:00:00:00:00:02", "10.78.0.12/24");
        String tv = host("tv", "00:1b:c5:00:10:03", null);
        String dhcp = host("dhcp", "00:16:3e:00:00:02", "10.78.0.2/24");

        Path conf = dir.resolve("devices.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("interface", "eth0").put("stats_interval_seconds", 1))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()).put("close_grace_ms", 200))
                .put("http", new JsonObject().put("port", 18_091).put("token", TOKEN))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("aegis.emergency").toString()))
                .put("health", new JsonObject().put("webhook_url", "http://127.0.0.1:18092/hook"))
                .put("heuristics", new JsonObject().put("port_scan_min_targets", 20))
                .put("devices", new JsonObject().put("scan", new JsonObject().put("enabled", true).put("ports", "22,23,80,443")
                        .put("timeout_seconds", 60))).encodePrettily());
        // the operator's webhook receiver, beside the sensor
        Path hooks = dir.resolve("hooks.jsonl");
        services.add(new ProcessBuilder("ip", "netns", "exec", sensorNs, "python3", "-c", String.join("\n",
                "import http.server, sys",
                "class H(http.server.BaseHTTPRequestHandler):",
                "    def do_POST(self):",
                "        b = self.rfile.read(int(self.headers.get('content-length', 0)))",
                "        with open(sys.argv[1], 'ab') as f: f.write(b + b'\\n')",
                "        self.send_response(204); self.end_headers()",
                "    def log_message(self, *a): pass",
                "http.server.HTTPServer(('127.0.0.1', 18092), H).serve_forever()"), hooks.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("hooks.log").toFile()).start());
        // the Pi exposes Telnet and a web panel
        services.add(new ProcessBuilder("ip", "netns", "exec", pi, "python3", "-c", "import socket, time\nss = []\n"
                + "for p in (23, 80):\n    s = socket.socket(); s.bind(('0.0.0.0', p)); s.listen(); ss.append(s)\ntime.sleep(3600)\n")
                .redirectErrorStream(true).start());
        Map<String, String> env = Map.of("ARGUS_IP_SALT", "devices-it");
        List<String> inSensor = List.of("ip", "netns", "exec", sensorNs);
        Path log1 = dir.resolve("run1.log");
        try (SensorProcess sensor = SensorProcess.start(inSensor, env, log1, "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> {
                try {
                    return List.of("ok", "degraded").contains(get(sensorNs, "/health").getString("status"));
                } catch (Exception e) {
                    return false;
                }
            }), "sensor healthy: " + sensor.log());

            services.add(new ProcessBuilder("ip", "netns", "exec", dhcp, "dnsmasq", "-k", "--port=0", "--interface=eth0",
                    "--bind-interfaces", "--dhcp-range=10.78.0.100,10.78.0.109,1h", "--dhcp-leasefile=" + dir.resolve("leases"),
                    "--pid-file=" + dir.resolve("dnsmasq.pid")).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dnsmasq.log").toFile()).start());
            Path script = dir.resolve("udhcpc.sh");
            Files.writeString(script, "#!/bin/sh\ncase \"$1\" in bound|renew) ip addr add \"$ip/24\" dev \"$interface\";; esac\nexit 0\n");
            script.toFile().setExecutable(true);
            Shell.Result lease = null;
            for (int attempt = 0; attempt < 3 && (lease == null || !lease.out().contains("lease of")); attempt++) {
                Thread.sleep(500); // dnsmasq binding
                lease = sh("ip", "netns", "exec", tv, "busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "5", "-T", "1",
                        "-x", "hostname:kitchen-tv", "-s", script.toString());
            }
            assertTrue(lease.out().contains("lease of 10.78.0.10"), "DHCP lease: " + lease.out() + Files.readString(dir.resolve("dnsmasq.log")));
            for (String ns : List.of(pi, phone, tv, dhcp)) {
                must("ip", "netns", "exec", ns, "busybox", "ping", "-c", "2", "-W", "2", "10.78.0.1");
            }

            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> {
                try {
                    return devices(sensorNs).size() >= 5;
                } catch (Exception e) {
                    return false;
                }
            }), "five devices listed: " + get(sensorNs, "/devices").encodePrettily() + sensor.log());
            Thread.sleep(6000); // one more window: nothing else appears
            Map<String, JsonObject> d = devices(sensorNs);
            assertEquals(Set.of("00:16:3e:00:00:01", "b8:27:eb:00:00:01", "02:00:00:00:00:02", "00:1b:c5:00:10:03", "00:16:3e:00:00:02"),
                    d.keySet(), d.toString());
            assertEquals("Raspberry Pi Foundation", d.get("b8:27:eb:00:00:01").getString("vendor"));
            assertTrue(d.get("02:00:00:00:00:02").getBoolean("randomized_mac"));
            assertNull(d.get("02:00:00:00:00:02").getString("vendor"));
            JsonObject tvDevice = d.get("00:1b:c5:00:10:03");
            assertEquals("OpenRB.com, Direct SIA", tvDevice.getString("vendor"), "the MA-S block's owner");
            assertEquals("kitchen-tv", tvDevice.getString("hostname"));
            assertTrue(tvDevice.getJsonArray("addresses").stream().map(String::valueOf).anyMatch(a -> a.startsWith("10.78.0.10")),
                    tvDevice.encode());
            assertTrue(d.get("b8:27:eb:00:00:01").getJsonArray("addresses").contains("10.78.0.11"));
            assertFalse(d.get("b8:27:eb:00:00:01").getBoolean("randomized_mac"));
            assertEquals("10.78.0.11", get(sensorNs, "/devices/10.78.0.11").getJsonArray("address_history").stream()
                    .map(o -> ((JsonObject) o).getString("address")).filter(a -> a.startsWith("10.")).findFirst().orElse(""));
            assertEquals(5, newDeviceLines(log1), "one new_device per device: " + sensor.log());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> newDeviceHooks(hooks).size() == 5),
                    "one new_device notice per device on the webhook: " + newDeviceHooks(hooks));
            JsonObject piHook = newDeviceHooks(hooks).stream().filter(h -> h.getJsonObject("device").getString("key").equals("b8:27:eb:00:00:01"))
                    .findFirst().orElseThrow();
            assertEquals("notice", piHook.getString("state"));
            assertTrue(piHook.getString("message").contains("Raspberry Pi Foundation"), piHook.encode());

            // every new device is scanned once: the Pi's Telnet (high) and web panel (medium) are found
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(60), () -> {
                try {
                    return get(sensorNs, "/devices/b8:27:eb:00:00:01").getValue("scan") != null
                            && get(sensorNs, "/status").getJsonObject("devices").getLong("scans_run") >= 5;
                } catch (Exception e) {
                    return false;
                }
            }), "scans done: " + get(sensorNs, "/status").getJsonObject("devices") + sensor.log());
            JsonObject piScan = get(sensorNs, "/devices/b8:27:eb:00:00:01").getJsonObject("scan");
            assertNull(piScan.getString("error"), piScan.encode());
            assertEquals(List.of(23, 80), piScan.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getInteger("port")).toList());
            assertEquals(List.of("high", "medium"), piScan.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getString("risk")).toList());
            assertEquals(new JsonArray().add(23).add(80), devices(sensorNs).get("b8:27:eb:00:00:01").getJsonArray("open_ports"));
            assertEquals(new JsonArray(), devices(sensorNs).get("02:00:00:00:00:02").getJsonArray("open_ports"), "the phone exposes nothing");
            // trust: Telnet (high, −30) and HTTP (medium, −10) leave the Pi's vulnerability part at 60:
            // 100 × 0.5 + 60 × 0.3 + 100 × 0.2 = 88, band normal; the phone keeps 100
            JsonObject piDevice = get(sensorNs, "/devices/b8:27:eb:00:00:01");
            assertEquals(88.0, piDevice.getDouble("trust_score"), piDevice.encode());
            assertEquals("normal", piDevice.getString("trust_band"));
            assertEquals(60.0, piDevice.getJsonObject("trust").getDouble("vulnerability"));
            assertTrue(piDevice.getJsonObject("trust").getJsonArray("reasons").encode().contains("port 23 open"), piDevice.encode());
            assertEquals(100.0, devices(sensorNs).get("02:00:00:00:00:02").getDouble("trust_score"));
            assertTrue(piDevice.getJsonArray("top_peers").stream().anyMatch(p -> ((JsonObject) p).getString("address").equals("10.78.0.1")),
                    "it talked to the sensor: " + piDevice.getJsonArray("top_peers"));
            // the TV port-scans the sensor: a port_scan decision about it costs its behaviour part
            Shell.Result hping = sh("ip", "netns", "exec", tv, "hping3", "-S", "-p", "++2000", "-c", "40", "-i", "u5000", "10.78.0.1");
            assertTrue(hping.out().contains("40 packets transmitted"), hping.out());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return get(sensorNs, "/devices/00:1b:c5:00:10:03").getJsonObject("trust").getDouble("behaviour") <= 60.0;
                } catch (Exception e) {
                    return false;
                }
            }), "the scan cost the TV trust: " + get(sensorNs, "/devices/00:1b:c5:00:10:03").encodePrettily());
            JsonObject tvTrust = get(sensorNs, "/devices/00:1b:c5:00:10:03").getJsonObject("trust");
            assertTrue(tvTrust.getJsonArray("reasons").encode().contains("port_scan high"), tvTrust.encode());
            // on demand, through the CLI
            String before = devices(sensorNs).get("02:00:00:00:00:02").getString("last_scan");
            SensorProcess.Result scan = SensorProcess.run(inSensor, env, "devices", "scan", "10.78.0.12", "-conf", conf.toString());
            assertEquals(0, scan.code(), scan.output());
            assertTrue(scan.output().contains("queued: 02:00:00:00:00:02 at 10.78.0.12"), scan.output());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> {
                try {
                    return !before.equals(devices(sensorNs).get("02:00:00:00:00:02").getString("last_scan"));
                } catch (Exception e) {
                    return false;
                }
            }), "the on-demand scan ran: " + sensor.log());
            SensorProcess.Result unknown = SensorProcess.run(inSensor, env, "devices", "scan", "10.78.0.99", "-conf", conf.toString());
            assertEquals(1, unknown.code(), unknown.output());
            assertTrue(unknown.output().contains("no device 10.78.0.99"), unknown.output());

            SensorProcess.Result cli = SensorProcess.run(inSensor, env, "devices", "list", "-conf", conf.toString());
            assertEquals(0, cli.code(), cli.output());
            assertTrue(cli.output().contains("Raspberry Pi Foundation") && cli.output().contains("kitchen-tv")
                    && cli.output().contains("(randomized MAC)") && cli.output().contains("5 devices"), cli.output());
            assertEquals(0, sensor.stop(), sensor.log());
        }

        Path log2 = dir.resolve("run2.log");
        try (SensorProcess again = SensorProcess.start(inSensor, env, log2, "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> {
                try {
                    return List.of("ok", "degraded").contains(get(sensorNs, "/health").getString("status"));
                } catch (Exception e) {
                    return false;
                }
            }), "sensor healthy again: " + again.log());
            for (String ns : List.of(pi, phone, tv, dhcp)) {
                must("ip", "netns", "exec", ns, "busybox", "ping", "-c", "2", "-W", "2", "10.78.0.1");
            }
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return get(sensorNs, "/status").getJsonObject("devices", new JsonObject()).getLong("windows_seen", 0L) >= 2;
                } catch (Exception e) {
                    return false;
                }
            }), "windows after the restart: " + again.log());
            assertEquals(0, newDeviceLines(log2), "no device is new after a restart: " + again.log());
            assertEquals(5, newDeviceHooks(hooks).size(), "and no new notice");
            assertEquals(5, devices(sensorNs).size());
            // forgotten, the phone is new again the next time it is seen
            SensorProcess.Result forget = SensorProcess.run(inSensor, env, "devices", "forget", "02:00:00:00:00:02", "-conf", conf.toString());
            assertEquals(0, forget.code(), forget.output());
            assertTrue(forget.output().contains("forgotten: 02:00:00:00:00:02"), forget.output());
            assertEquals(4, devices(sensorNs).size());
            must("ip", "netns", "exec", phone, "busybox", "ping", "-c", "2", "-W", "2", "10.78.0.1");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return newDeviceLines(log2) == 1 && devices(sensorNs).size() == 5;
                } catch (Exception e) {
                    return false;
                }
            }), "the phone is new again: " + again.log());
            assertEquals(0, again.stop(), again.log());
        }
    }
}
