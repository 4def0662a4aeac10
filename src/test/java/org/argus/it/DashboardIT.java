package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in a real browser (Debian's headless Chromium): the sensor replays a generated capture with a
 * port scan; the page fills itself from server-sent events (health, dry-run days, plots, top talkers, the scan's
 * decision and ban) without a reload, shows pseudonyms instead of addresses, opens the scanner's device view (its
 * decision as evidence, its peers, its trust history plotted), and a screenshot is written to
 * {@code target/dashboard.png}.
 */
class DashboardIT {
    @TempDir
    Path dir;

    @Test
    void theDashboardUpdatesLiveInChromiumAndShowsNoRealAddress() throws Exception {
        assumeTrue(Chromium.available(), "chromium is not installed (apt-get install chromium)");
        Path pcap = dir.resolve("office.pcap");
        assertEquals(0, SensorProcess.run(Map.of(), "generate", "--out", pcap.toString(), "--sessions", "500",
                "--start", "2026-11-22T12:00:00Z").code());
        int port = SensorProcess.freePort();
        Path conf = dir.resolve("sensor.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", pcap.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()))
                .put("http", new JsonObject().put("port", port))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("b.db").toString())
                        .put("emergency_stop_file", dir.resolve("stop").toString()))
                .encodePrettily());
        try (SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "dash-salt", "ARGUS_HTTP_TOKEN", "dash-token"), dir.resolve("sensor.log"),
                "-conf", conf.toString());
             Chromium browser = Chromium.start(dir.resolve("profile"), dir.resolve("chromium.log"))) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> p.log().contains("event=capture_file_done")), p.log());
            browser.navigate("http://127.0.0.1:" + port + "/");
            assertTrue(browser.waitFor("document.getElementById('conn').textContent.startsWith('live')", Duration.ofSeconds(20)),
                    "the page receives events: " + browser.eval("document.body.innerText"));
            assertTrue(browser.waitFor("document.querySelectorAll('#bans .bar').length === 1", Duration.ofSeconds(10)),
                    "the scanner's ban is listed: " + browser.eval("document.body.innerText"));
            assertTrue(browser.waitFor("document.querySelectorAll('#devices tr.device').length > 0", Duration.ofSeconds(10)),
                    "the device table fills: " + browser.eval("document.body.innerText"));
            // the health monitor's first check runs a second after it starts, the last verticle to: wait for its alert
            assertTrue(browser.waitFor("document.getElementById('alerts').textContent.includes('model_missing')", Duration.ofSeconds(10)),
                    "the alert is shown: " + browser.eval("document.body.innerText") + p.log());
            String text = (String) browser.eval("document.body.innerText");
            assertEquals(new JsonObject(SensorProcess.get(port, "/health").body()).getString("status"), browser.eval("document.getElementById('health').textContent"));
            assertTrue(text.contains("dry-run left 7 days") || text.contains("dry-run left 6.9 days"), text);
            assertTrue((Boolean) browser.eval("document.querySelectorAll('#talkers .bar').length > 0"), text);
            assertTrue((Boolean) browser.eval("[...document.querySelectorAll('#decisions li')].some(li => li.textContent.includes('HIGH') "
                    + "&& li.textContent.includes('port_scan'))"), text);
            assertTrue(text.contains("model_missing"), "the alert is shown: " + text);
            // the operator's verdict shows next to the decision it names
            String decision = (String) browser.eval("[...document.querySelectorAll('#decisions li')].find(li => li.textContent.includes('HIGH')"
                    + " && li.textContent.includes('port_scan')).dataset.id");
            assertTrue(decision.matches("d-[0-9a-f]{16}"), decision);
            SensorProcess.HttpAnswer fp = SensorProcess.http("POST", port, "/decisions/" + decision + "/feedback", "dash-token",
                    "{\"verdict\":\"false_positive\",\"allowlist_for\":\"0\"}");
            assertEquals(200, fp.status(), fp.body());
            assertTrue(browser.waitFor("[...document.querySelectorAll('#decisions li')].some(li => li.dataset.id === '" + decision
                    + "' && li.querySelector('.verdict') && li.querySelector('.verdict').textContent === 'false positive')", Duration.ofSeconds(10)),
                    "the verdict is shown: " + browser.eval("document.getElementById('decisions').innerText"));
            assertTrue((Boolean) browser.eval("[...document.querySelectorAll('#devices tr.device')].every(tr => tr.textContent.includes('normal')"
                    + " || tr.textContent.includes('warning') || tr.textContent.includes('alert') || tr.textContent.includes('critical'))"),
                    "each device has its trust band: " + browser.eval("document.getElementById('devices').innerText"));
            assertFalse(text.contains("192.168.1."), "pseudonyms only on the open page: " + text);
            assertTrue(text.contains("ip_"), text);
            Number inked = (Number) browser.eval("(() => { const c = document.getElementById('chart-rate');"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()");
            assertTrue(inked.intValue() > 1000, "the rate plot is drawn: " + inked + " pixels");
            String before = (String) browser.eval("document.getElementById('conn').textContent");
            assertTrue(browser.waitFor("document.getElementById('conn').textContent !== " + JsonObject.of("v", before).encode()
                    .replaceAll("^\\{\"v\":|\\}$", ""), Duration.ofSeconds(5)), "updates without a reload");
            // the per-device view of the scanner (found by its pseudonym in the decision list)
            Object clicked = browser.eval("(() => { const li = [...document.querySelectorAll('#decisions li')].find(l => l.textContent.includes('port_scan'));"
                    + " const ip = li.textContent.match(/ip_[0-9a-f]{12}/)[0];"
                    + " const tr = [...document.querySelectorAll('#devices tr.device')].find(r => r.cells[3].textContent.includes(ip));"
                    + " if (!tr) return 'no row for ' + ip; tr.click(); return ip; })()");
            assertTrue(String.valueOf(clicked).startsWith("ip_"), "the scanner is in the device table: " + clicked + " "
                    + browser.eval("document.getElementById('devices').innerText"));
            assertTrue(browser.waitFor("!document.getElementById('device-view').hidden"
                    + " && document.getElementById('dv-evidence').textContent.includes('port_scan')", Duration.ofSeconds(10)),
                    "the device view shows the scanner's decision: " + browser.eval("document.getElementById('device-view').innerText"));
            assertTrue(browser.waitFor("[...document.querySelectorAll('#devices tr.device')].some(r => r.cells[3].textContent.includes('"
                    + clicked + "') && r.cells[0].textContent.startsWith('80'))", Duration.ofSeconds(10)),
                    "the table shows the scanner's lowered trust (100 − 40 × 0.5): " + browser.eval("document.getElementById('devices').innerText"));
            String view = (String) browser.eval("document.getElementById('device-view').innerText");
            assertTrue(view.contains("behaviour −40"), "the decision's cost in the evidence: " + view);
            assertTrue(view.contains("not scanned"), view);
            assertTrue(view.contains(String.valueOf(clicked)), "its address as a pseudonym: " + view);
            assertTrue((Boolean) browser.eval("document.querySelectorAll('#dv-peers .bar').length > 0"), "its top peers: " + view);
            assertFalse(view.contains("192.168.1."), "pseudonyms only in the device view: " + view);
            Number trustInk = (Number) browser.eval("(() => { const c = document.getElementById('chart-trust');"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()");
            assertTrue(trustInk.intValue() > 1000, "the trust history is drawn: " + trustInk + " pixels");
            String id = (String) browser.eval("document.querySelector('#devices tr.device').dataset.id");
            assertTrue(id.matches("dev_[0-9a-f]{12}"), "an opaque device id on the open page: " + id);
            assertEquals(404, SensorProcess.get(port, "/dashboard/devices/dev_000000000000").status(), "only ids the table showed");
            Path shot = Path.of("target", "dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, browser.screenshot());
            assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot.toAbsolutePath());
            System.out.println("dashboard screenshot: " + shot.toAbsolutePath());
            browser.eval("document.getElementById('device-view').scrollIntoView()");
            Files.write(Path.of("target", "dashboard-device.png"), browser.screenshot());
        }
    }
}
