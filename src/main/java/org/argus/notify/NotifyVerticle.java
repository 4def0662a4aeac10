package org.argus.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.argus.blacklist.BanChange;
import org.argus.bus.Addresses;
import org.argus.enforce.EnforcementStatus;
import org.argus.log.LogText;
import org.argus.stats.SensorStats;
import org.argus.status.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a person at once ({@code notify.channels}): bans and unbans ({@code argus.blacklist.changed}), new devices and
 * trust band changes ({@code argus.status.notice}), health alerts as they are raised and the emergency stop and its
 * restore (read from the shared status every second, so every path to them is covered). Each channel filters by event
 * kind and a ban's minimum risk, and is rate-limited: at most {@code max_per_interval} messages an interval, the rest
 * counted by kind and sent as one summary when the interval ends (no storm during a flood). Delivery is asynchronous —
 * the JDK {@code HttpClient} (built on a worker at start) for webhook, ntfy, Telegram and Slack-style webhooks,
 * vertx-mail-client for e-mail — with {@code attempts} tries 1, 2, 4 … s apart; a message still failing is counted
 * and dropped, at most {@value #MAX_IN_FLIGHT} per channel are in flight (more are dropped and counted). Nothing here
 * waits on a receiver: the pipeline never does.
 */
public final class NotifyVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyVerticle.class);
    static final int MAX_IN_FLIGHT = 100;

    private final NotifySettings settings;
    private final SensorStats stats;
    private final String sensorId;
    private final Clock clock;
    private final Map<String, ChannelState> state = new HashMap<>();
    private HttpClient http;
    private final Map<String, MailClient> mail = new HashMap<>();
    private boolean emergency;
    private Set<String> alertsSeen = new HashSet<>();

    /** Per channel: the rate limit's interval and what it held back, messages in flight. */
    private static final class ChannelState {
        long intervalStart;
        int sentInInterval;
        final Map<String, Integer> held = new TreeMap<>();
        int inFlight;
    }

    public NotifyVerticle(NotifySettings settings, SensorStats stats, String sensorId, Clock clock) {
        this.settings = settings;
        this.stats = stats;
        this.sensorId = sensorId;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        settings.channels().forEach(c -> state.put(c.name(), new ChannelState()));
        return vertx.executeBlocking(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()).onSuccess(c -> {
            http = c;
            for (NotifySettings.Channel ch : settings.channels()) {
                if (ch.email() != null) {
                    NotifySettings.Email e = ch.email();
                    MailConfig mc = new MailConfig().setHostname(e.host()).setPort(e.port())
                            .setStarttls(StartTLSOptions.valueOf(e.starttls().toUpperCase())).setTrustAll(false);
                    if (!e.username().isEmpty()) {
                        mc.setUsername(e.username()).setPassword(e.password());
                    }
                    mail.put(ch.name(), MailClient.create(vertx, mc));
                }
            }
            EnforcementStatus st = stats.enforcement.status.get();
            emergency = st != null && st.emergencyStop();
            alertsSeen = names(stats.health.alerts.get());
            vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> {
                BanChange bc = m.body();
                if (bc.kind() == BanChange.Kind.ADDED || bc.kind() == BanChange.Kind.REMOVED) {
                    org.argus.enrich.GeoIp geo = stats.geo.get();
                    Instant now = clock.instant();
                    publish(Notification.ban(bc.ban(), bc.kind() == BanChange.Kind.ADDED, sensorId, settings.dashboardUrl(),
                            geo == null ? null : geo.lookup(bc.ban().target().network()), now));
                }
            });
            vertx.eventBus().<JsonObject>localConsumer(Addresses.NOTICE, m -> {
                String alert = m.body().getString("alert", "");
                String kind = alert.equals("new_device") ? "new_device" : alert.equals("device_trust") ? "band_change" : null;
                if (kind != null) {
                    publish(Notification.notice(kind, m.body(), sensorId, settings.dashboardUrl(), clock.instant()));
                }
            });
            vertx.setPeriodic(1000, id -> tick());
            LOG.info("event=notify_started channels=\"{}\"", settings.channels().stream().map(ch -> ch.name() + ":" + ch.type()).toList());
        });
    }

    private static Set<String> names(List<Alert> alerts) {
        Set<String> s = new HashSet<>();
        if (alerts != null) {
            alerts.forEach(a -> s.add(a.name()));
        }
        return s;
    }

    /** Emergency stop and health alerts from the shared status; the rate limits' interval ends. */
    private void tick() {
        Instant now = clock.instant();
        EnforcementStatus st = stats.enforcement.status.get();
        boolean stopped = st != null && st.emergencyStop();
        if (stopped != emergency) {
            emergency = stopped;
            publish(Notification.notice("emergency_stop", new JsonObject().put("alert", stopped ? "emergency_stop" : "emergency_restore")
                    .put("severity", stopped ? "critical" : "info")
                    .put("message", stopped ? "emergency stop: enforcement removed every rule" + (st.emergencyDetail() == null ? "" : " (" + st.emergencyDetail() + ")")
                            : "emergency stop lifted: enforcement is back (" + (st == null ? "?" : st.modeText()) + ")"), sensorId, settings.dashboardUrl(), now));
        }
        List<Alert> alerts = stats.health.alerts.get();
        if (alerts != null) {
            for (Alert a : alerts) {
                if (!alertsSeen.contains(a.name())) {
                    publish(Notification.notice("health_alert", a.toJson(), sensorId, settings.dashboardUrl(), now));
                }
            }
            alertsSeen = names(alerts);
        }
        for (NotifySettings.Channel c : settings.channels()) {
            ChannelState s = state.get(c.name());
            if (s.intervalStart != 0 && now.toEpochMilli() - s.intervalStart >= c.interval().toMillis()) {
                if (!s.held.isEmpty()) {
                    int n = s.held.values().stream().mapToInt(Integer::intValue).sum();
                    String text = n + " more event" + (n == 1 ? "" : "s") + " in the last " + org.argus.notify.Notification.ttlText(c.interval().toSeconds())
                            + " (" + s.held.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((x, y) -> x + ", " + y).orElse("")
                            + ")" + (settings.dashboardUrl().isEmpty() ? "" : " — " + settings.dashboardUrl());
                    s.held.clear();
                    deliver(c, new Notification("summary", "Argus: " + n + " more events", text, null,
                            Map.of("sensor", sensorId, "dashboard", settings.dashboardUrl(), "at", now.toString())), 1);
                }
                s.intervalStart = 0;
                s.sentInInterval = 0;
            }
        }
    }

    private static int rank(String risk) {
        return switch (risk == null ? "" : risk) {
            case "high" -> 3;
            case "medium" -> 2;
            case "low" -> 1;
            default -> 0;
        };
    }

    /** To every channel that takes it, within its rate limit. */
    void publish(Notification n) {
        for (NotifySettings.Channel c : settings.channels()) {
            if (!c.takes(n.kind()) || (n.risk() != null && rank(n.risk()) < rank(c.minRisk()))) {
                continue;
            }
            ChannelState s = state.get(c.name());
            long now = clock.millis();
            if (s.intervalStart == 0) {
                s.intervalStart = now;
            }
            if (s.sentInInterval >= c.maxPerInterval()) {
                s.held.merge(n.kind(), 1, Integer::sum);
                stats.notify.held(c.name());
                continue;
            }
            s.sentInInterval++;
            deliver(c, n, 1);
        }
    }

    private void deliver(NotifySettings.Channel c, Notification n, int attempt) {
        ChannelState s = state.get(c.name());
        if (attempt == 1) {
            if (s.inFlight >= MAX_IN_FLIGHT) {
                stats.notify.dropped(c.name());
                return;
            }
            s.inFlight++;
        }
        send(c, n).onComplete(ar -> {
            if (ar.succeeded()) {
                s.inFlight--;
                stats.notify.sent(c.name());
            } else if (attempt < c.attempts()) {
                vertx.setTimer(1000L << (attempt - 1), id -> deliver(c, n, attempt + 1));
            } else {
                s.inFlight--;
                stats.notify.failed(c.name(), ar.cause().getMessage());
                LOG.warn("event=notify_failed channel={} kind={} attempts={} reason=\"{}\"", c.name(), n.kind(), attempt,
                        LogText.escape(String.valueOf(ar.cause().getMessage())));
            }
        });
    }

    /** One try. */
    private Future<Void> send(NotifySettings.Channel c, Notification n) {
        if (c.type().equals("email")) {
            NotifySettings.Email e = c.email();
            MailMessage msg = new MailMessage().setFrom(e.from()).setTo(e.to()).setSubject(n.title()).setText(n.text());
            return mail.get(c.name()).sendMail(msg).mapEmpty();
        }
        HttpRequest.Builder b;
        try {
            b = switch (c.type()) {
                case "ntfy" -> HttpRequest.newBuilder(URI.create(c.url())).header("Title", ascii(n.title()))
                        .header("Priority", "high".equals(n.risk()) || n.kind().equals("emergency_stop") ? "high" : "default")
                        .header("Tags", n.kind()).POST(HttpRequest.BodyPublishers.ofString(n.text()));
                case "telegram" -> HttpRequest.newBuilder(URI.create(c.url().replaceAll("/+$", "") + "/bot"
                                + URLEncoder.encode(c.botToken(), StandardCharsets.UTF_8) + "/sendMessage"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("chat_id", c.chatId())
                                .put("text", n.title() + "\n" + n.text()).put("disable_web_page_preview", true).encode()));
                case "slack", "mattermost" -> json(c.url(), new JsonObject().put("text", "*" + n.title() + "*\n" + n.text()));
                case "discord" -> json(c.url(), new JsonObject().put("content", "**" + n.title() + "**\n" + n.text()));
                default -> c.template().isEmpty() ? json(c.url(), n.toJson())
                        : templated(c.url(), c.template(), n);
            };
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        http.sendAsync(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> ctx.runOnContext(v -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause != null) {
                p.fail(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            } else if (r.statusCode() / 100 != 2) {
                p.fail("HTTP " + r.statusCode());
            } else {
                p.complete();
            }
        }));
        return p.future();
    }

    private static HttpRequest.Builder json(String url, JsonObject body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    /** A template that reads as JSON is sent as JSON (values escaped), anything else as plain text. */
    private static HttpRequest.Builder templated(String url, String template, Notification n) {
        String asJson = n.render(template, true);
        boolean json;
        try {
            new JsonObject(asJson);
            json = true;
        } catch (RuntimeException notJson) {
            json = false;
        }
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", json ? "application/json" : "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json ? asJson : n.render(template, false)));
    }

    /** HTTP header values: printable ASCII (ntfy's Title); anything else becomes {@code ?}. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return b.toString();
    }
}
