package org.argus.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.enforce.EnforcementStatus;
import org.argus.stats.SensorStats;
import org.argus.status.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every channel against a real receiver on loopback — a Vert.x HTTP server recording requests (webhook with and
 * without a template, ntfy, Slack, Discord, Telegram's API path) and GreenMail's SMTP server — plus a receiver that is
 * down: retried, then counted, never holding the others back; and the rate limit's summary during a burst.
 */
class NotifyTest {
    record Request(String path, Map<String, String> headers, String body) {
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Vertx vertx = Vertx.vertx();
    GreenMail smtp;

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (smtp != null) {
            smtp.stop();
        }
    }

    static boolean eventually(BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return c.getAsBoolean();
    }

    List<Request> at(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Ban ban(String address, String risk) {
        Instant now = Instant.now();
        return new Ban(BanTarget.parse(address), "60 ports probed in 5 s", risk, new BanSource.Detector("port_scan"), now,
                now.plusSeconds(86_400), 1, 1);
    }

    @Test
    void everyChannelReachesItsReceiverAndADeadOneIsCountedNotWaitedFor() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            Map<String, String> h = new java.util.HashMap<>();
            req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
            requests.add(new Request(req.path(), h, b.toString()));
            req.response().setStatusCode(200).end("{\"ok\":true}");
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        int port = server.actualPort();
        int smtpPort = freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        int dead = freePort();
        String base = "http://127.0.0.1:" + port;
        JsonArray channels = new JsonArray()
                .add(new JsonObject().put("name", "hook").put("type", "webhook").put("url", base + "/hook"))
                .add(new JsonObject().put("name", "tmpl").put("type", "webhook").put("url", base + "/tmpl").put("events", new JsonArray().add("ban"))
                        .put("template", "{\"msg\": \"{address} banned: {reason} for {ttl}\", \"see\": \"{dashboard}\"}"))
                .add(new JsonObject().put("name", "ntfy").put("type", "ntfy").put("url", base + "/argus-alerts").put("min_risk", "high"))
                .add(new JsonObject().put("name", "slack").put("type", "slack").put("url", base + "/slack"))
                .add(new JsonObject().put("name", "discord").put("type", "discord").put("url", base + "/discord"))
                .add(new JsonObject().put("name", "tg").put("type", "telegram").put("url", base + "/tg").put("bot_token", "123:abc")
                        .put("chat_id", "42"))
                .add(new JsonObject().put("name", "mail").put("type", "email").put("smtp_host", "127.0.0.1").put("smtp_port", smtpPort)
                        .put("starttls", "disabled").put("from", "argus@pi.lan").put("to", new JsonArray().add("admin@home.lan")))
                .add(new JsonObject().put("name", "down").put("type", "webhook").put("url", "http://127.0.0.1:" + dead + "/x").put("attempts", 2));
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization", new JsonObject().put("generate_salt", true))
                .put("notify", new JsonObject().put("dashboard_url", "http://pi.lan:8080/").put("channels", channels)), Map.of()));
        SensorStats stats = new SensorStats();
        LocalCodec.registerFor(vertx.eventBus(), BanChange.class);
        vertx.deployVerticle(new NotifyVerticle(c.notifications(), stats, "pi-1", Clock.systemUTC())).await(10, TimeUnit.SECONDS);

        vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.ADDED, ban("203.0.113.9", "high")));
        vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.ADDED, ban("198.51.100.7", "medium")));
        vertx.eventBus().publish(Addresses.NOTICE, new JsonObject().put("alert", "new_device").put("severity", "info")
                .put("message", "new device 02:00:00:00:00:2a (Raspberry Pi) at [192.168.1.50]"));
        stats.enforcement.status.set(new EnforcementStatus(EnforcementStatus.Mode.EMERGENCY_STOP, "nftables", null, true, "operator", 0, null, null));
        stats.health.alerts.set(List.of(new Alert("disk_low", "critical", "12 MiB free under /var/lib/argus", Instant.now())));

        assertTrue(eventually(() -> at("/hook").size() == 5), "webhook: 2 bans, new device, emergency, health: " + at("/hook"));
        // deliveries are asynchronous: find each message by its content, not its place
        JsonObject first = new JsonObject(at("/hook").stream().filter(r -> r.body().contains("\"address\":\"203.0.113.9\"")).findFirst().orElseThrow().body());
        assertEquals("ban", first.getString("event"));
        assertEquals("203.0.113.9", first.getString("address"));
        assertEquals("24 h", first.getString("ttl"));
        assertEquals("http://pi.lan:8080/", first.getString("dashboard"));
        assertTrue(at("/hook").stream().anyMatch(r -> r.body().contains("\"event\":\"emergency_stop\"")));
        assertTrue(at("/hook").stream().anyMatch(r -> r.body().contains("\"event\":\"health_alert\"") && r.body().contains("disk_low")));

        assertTrue(eventually(() -> at("/tmpl").size() == 2));
        Request tr = at("/tmpl").stream().filter(r -> r.body().contains("203.0.113.9")).findFirst().orElseThrow();
        assertEquals("203.0.113.9 banned: 60 ports probed in 5 s for 24 h", new JsonObject(tr.body()).getString("msg"), "the template, filled");
        assertEquals("application/json", tr.headers().get("content-type"));

        assertTrue(eventually(() -> at("/argus-alerts").size() == 4), "ntfy: the high ban (not the medium), new device, emergency, health: "
                + at("/argus-alerts"));
        Request nt = at("/argus-alerts").stream().filter(r -> "ban".equals(r.headers().get("tags"))).findFirst().orElseThrow();
        assertEquals("Argus banned 203.0.113.9", nt.headers().get("title"));
        assertEquals("high", nt.headers().get("priority"));
        assertTrue(nt.body().startsWith("203.0.113.9 banned for 24 h (high risk) by detector:port_scan"), nt.body());

        assertTrue(eventually(() -> at("/slack").size() == 5 && at("/discord").size() == 5));
        assertTrue(at("/slack").stream().anyMatch(r -> new JsonObject(r.body()).getString("text").startsWith("*Argus banned 203.0.113.9*")));
        assertTrue(at("/discord").stream().anyMatch(r -> new JsonObject(r.body()).getString("content").startsWith("**Argus banned 203.0.113.9**")));

        assertTrue(eventually(() -> at("/tg/bot123%3Aabc/sendMessage").size() == 5), requests.stream().map(Request::path).toList().toString());
        assertEquals("42", new JsonObject(at("/tg/bot123%3Aabc/sendMessage").get(0).body()).getString("chat_id"));

        assertTrue(eventually(() -> smtp.getReceivedMessages().length == 5), "e-mails: " + smtp.getReceivedMessages().length);
        boolean subject = false;
        for (var m : smtp.getReceivedMessages()) {
            subject |= "Argus banned 203.0.113.9".equals(m.getSubject());
        }
        assertTrue(subject, "an e-mail per ban, the title as its subject");

        assertTrue(eventually(() -> stats.notify.failures("down") == 5), "the dead receiver: retried, then counted: " + stats.notify.toJson());
        assertEquals(0, stats.notify.delivered("down"));
        assertEquals(5, stats.notify.delivered("hook"));
        assertTrue(stats.notify.toJson().getJsonObject("down").getString("last_error").startsWith("ConnectException"),
                stats.notify.toJson().encode());
    }

    @Test
    void aBurstIsRateLimitedIntoOneSummary() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            requests.add(new Request(req.path(), Map.of(), b.toString()));
            req.response().end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        JsonArray channels = new JsonArray().add(new JsonObject().put("name", "hook").put("type", "webhook")
                .put("url", "http://127.0.0.1:" + server.actualPort() + "/hook").put("max_per_interval", 3).put("interval", "2s"));
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization", new JsonObject().put("generate_salt", true))
                .put("notify", new JsonObject().put("channels", channels)), Map.of()));
        SensorStats stats = new SensorStats();
        LocalCodec.registerFor(vertx.eventBus(), BanChange.class);
        vertx.deployVerticle(new NotifyVerticle(c.notifications(), stats, "pi-1", Clock.systemUTC())).await(10, TimeUnit.SECONDS);
        for (int i = 1; i <= 50; i++) {
            vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.ADDED, ban("203.0.113." + i, "high")));
        }
        assertTrue(eventually(() -> requests.size() == 4), "3 messages, then one summary: " + requests);
        JsonObject summary = new JsonObject(requests.get(3).body());
        assertEquals("summary", summary.getString("event"));
        assertTrue(summary.getString("text").startsWith("47 more events in the last 2 s (47 ban)"), summary.encode());
        assertEquals(47, stats.notify.heldBack("hook"));
        Thread.sleep(500);
        assertEquals(4, requests.size(), "nothing more");
    }

    @Test
    void badChannelsAreNamedAtStart() {
        JsonArray channels = new JsonArray().add(new JsonObject().put("name", "x").put("type", "pager"))
                .add(new JsonObject().put("name", "y").put("type", "telegram"))
                .add(new JsonObject().put("name", "z").put("type", "webhook").put("url", "http://h/").put("events", new JsonArray().add("everything"))
                        .put("colour", "red"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.argus.config.ConfigException.class, () -> ArgusConfig.from(
                ConfigLoader.merge(new JsonObject().put("anonymization", new JsonObject().put("generate_salt", true))
                        .put("notify", new JsonObject().put("channels", channels)), Map.of())));
        for (String s : List.of("notify.channels[0].type", "notify.channels[1]: telegram needs bot_token and chat_id",
                "notify.channels[2].events", "notify.channels[2].colour: unknown key")) {
            assertTrue(e.getMessage().contains(s), s + " in " + e.getMessage());
        }
    }
}
