package org.argus.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.enforce.EmergencyCommand;
import org.argus.flow.IpAddress;
import org.argus.log.LogLimiter;
import org.argus.log.LogText;
import org.argus.stats.SensorStats;
import org.argus.status.ComponentState;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor's HTTP endpoint (vertx-web), bound to {@code http.host}:{@code http.port} (127.0.0.1 by default).
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"ok",...}} when capture, windowing and CSV are alive; otherwise
 *       503 {@code {"status":"unhealthy","reasons":[...]}} naming each failing component and why.</li>
 *   <li>{@code GET /status}: 200 with the counters ({@link StatusJson}).</li>
 *   <li>{@code GET /}, {@code GET /events}: the dashboard page and its server-sent events ({@link Dashboard});
 *       {@code GET /dashboard/devices/<id>}: one device of the page's table as its device view shows it
 *       ({@link Dashboard#deviceView}; pseudonymized like the page), 404 for an id the table never showed.</li>
 * </ul>
 *
 * <p>Control endpoints, each requiring {@code Authorization: Bearer <http.token>} (compared in constant time; missing
 * or wrong: 401; no token configured: 401 for everyone). A client that passes is allowlisted for as long as the sensor
 * runs, so an operator cannot ban themselves by accident.
 * <ul>
 *   <li>{@code GET /blacklist}: 200, JSON array of active bans and rate limits ({@link Ban#toJson}, plus
 *       {@code enforced}, and {@code dropped_packets} where the backend counts per entry: xdp).</li>
 *   <li>{@code POST /blacklist} {@code {"address", "reason", "risk_level", "ttl_hours", "action"}} (action ban or
 *       rate_limit): 201 with the entry; 400 bad input, 409 allowlisted, 503 database unavailable.</li>
 *   <li>{@code DELETE /blacklist/<address or CIDR, '/' as %2F or literal>}: 200 {@code {"removed": true}}, 404 when
 *       not banned.</li>
 *   <li>{@code GET /blocklist.txt}, {@code GET /blocklist.json}: the blocklist mirror ({@link BlocklistMirror}), also
 *       without the token for clients inside {@code lapi.mirror_clients}; {@code ETag}, 304 to {@code If-None-Match}.</li>
 *   <li>{@code GET /quarantine}, {@code POST /quarantine} {@code {"address", "reason", "ttl_hours"}},
 *       {@code DELETE /quarantine/<address>}: the same for quarantined local devices, listed apart from bans.</li>
 *   <li>{@code GET /devices}: 200 {@code {"devices": [...]}} ({@link org.argus.device.Device#toJson}); 503 when the
 *       device inventory is off or its database fails. {@code GET /devices/<MAC, key or address>}: 200 with the
 *       device's address history, latest scan, top peers, evidence and trust-score history, 404 when unknown. {@code POST /devices/<id>/scan}: 202
 *       {@code {"queued", "key", "address", "position"}}; 404 unknown, 409 no local address, 503 no nmap.
 *       {@code DELETE /devices/<id>}: 200 {@code {"forgotten": true, "key"}} (the device is new again when next
 *       seen), 404 when unknown.</li>
 *   <li>{@code GET /intel/lookup/<address>}: 200 {@code {"address", "listed", "block", "feeds", "note", "reason"}}, 400
 *       not an address; {@code POST /intel/reload}: 200, the {@code /status} {@code intel} section after every feed
 *       was loaded again; both 503 without feeds.</li>
 *   <li>{@code POST /control/emergency-stop} and {@code /control/emergency-restore} {@code {"reason"}}: 200 with
 *       the enforcement state.</li>
 * </ul>
 * Errors are {@code {"error": "..."}}.
 */
public final class HttpVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

    private final ArgusConfig.Http settings;
    private final SensorStats stats;
    private final SensorHealth health;
    private final long startedMillis;
    private HttpServer server;

    private final Allowlist allowlist;
    private final byte[] tokenDigest;
    private final org.argus.metrics.ArgusMetrics metrics;
    private final String sensorId;
    private final Dashboard dashboard;
    private final HttpStats httpStats = new HttpStats();
    private final AuthThrottle throttle = new AuthThrottle(4096);
    private final LogLimiter logLimiter = new LogLimiter(10_000, 1024);
    private EventStream events;
    private String dashboardPage;


    /**
     * @param allowlist where authenticated control clients are added
     * @param metrics   what {@code GET /metrics} serves
     * @param sensorId  this sensor's id (in {@code GET /stats})
     * @param dashboard what {@code GET /} and {@code GET /events} show
     */
    public HttpVerticle(ArgusConfig.Http settings, SensorStats stats, SensorHealth health, Allowlist allowlist,
                        org.argus.metrics.ArgusMetrics metrics, String sensorId, Dashboard dashboard) {
        this.dashboard = dashboard;
        this.metrics = metrics;
        this.sensorId = sensorId;
        this.settings = settings;
        this.stats = stats;
        this.health = health;
        this.allowlist = allowlist;
        this.startedMillis = health.clock().millis();
        this.tokenDigest = settings.token().isEmpty() ? null : sha256(settings.token());
    }

    private volatile List<org.argus.blacklist.BanTarget> mirrorClients = List.of();
    private volatile boolean mirrorServesDryRun;

    /**
     * The blocklist mirror's settings ({@code lapi.mirror_clients}: networks that may pull it without the token;
     * {@code lapi.serve_dry_run}). Call before deploying.
     */
    public void blocklistMirror(List<org.argus.blacklist.BanTarget> clients, boolean serveDryRun) {
        this.mirrorClients = List.copyOf(clients);
        this.mirrorServesDryRun = serveDryRun;
    }

    private volatile org.argus.lapi.BouncerStore bouncers;

    /**
     * Serves CrowdSec's bouncer API ({@code /v1/decisions*}, {@link LapiRoutes}) with keys from {@code store}
     * ({@code lapi.enabled}). Call before deploying.
     */
    public void lapi(org.argus.lapi.BouncerStore store) {
        this.bouncers = store;
    }

    @Override
    public Future<?> stop() {
        org.argus.lapi.BouncerStore b = bouncers;
        return b == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            b.close();
            return null;
        });
    }

    @Override
    public Future<?> start() {
        // the types it sends, registered here too: it deploys beside the pipeline, maybe before their consumers
        for (Class<?> c : new Class<?>[] {BanRequest.class, EmergencyCommand.class, org.argus.blacklist.FeedbackRequest.class}) {
            org.argus.bus.LocalCodec.registerFor(vertx.eventBus(), c);
        }
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/status").handler(this::status);
        try (java.io.InputStream in = HttpVerticle.class.getResourceAsStream("/dashboard.html")) {
            dashboardPage = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            return Future.failedFuture("dashboard.html missing from the jar: " + e);
        }
        router.get("/").handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8")
                .putHeader("cache-control", "no-store").end(dashboardPage));
        events = new EventStream(vertx, settings.maxEventClients(), httpStats,
                () -> vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).map(m -> m.body().bans())
                        .otherwise(List.of())
                        .map(bans -> dashboard.snapshot(stats, health, bans, health.clock().instant()).encode()));
        router.get("/events").handler(rc -> events.add(rc.response()));
        router.get("/stats").handler(rc -> rc.response().putHeader("content-type", "application/json").end(
                org.argus.stats.StatsDocument.of(stats, sensorId, stats.startedAt, health.clock().instant(), health.overall(),
                        stats.health.healthChecksPassed.sum()).encodePrettily()));
        router.get("/metrics").handler(rc -> rc.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
        router.get("/dashboard/devices/:id").handler(rc -> {
            String key = dashboard.deviceKey(rc.pathParam("id"));
            if (key == null) {
                httpStats.clientErrors.increment();
                error(rc, 404, "no device with that id in the dashboard's device table");
                return;
            }
            vertx.eventBus().<JsonObject>request(Addresses.DEVICE_GET, key)
                    .onSuccess(m -> json(rc, 200, dashboard.deviceView(m.body()))).onFailure(e -> deviceFailure(rc, e));
        });
        router.route().failureHandler(this::failure);
        if (bouncers != null) {
            LapiRoutes lapiRoutes = new LapiRoutes(vertx, bouncers, new org.argus.lapi.LapiDecisions(), stats.lapi,
                    () -> BlocklistMirror.withheld(stats.enforcement.status.get(), Instant.now(), mirrorServesDryRun),
                    t -> allowlist.refusal(t).isPresent());
            lapiRoutes.mount(router);
            stats.lapi.enabled = true;
        }
        router.get("/blocklist.txt").handler(rc -> blocklist(rc, false));
        router.get("/blocklist.json").handler(rc -> blocklist(rc, true));
        router.route("/blacklist*").handler(this::authorize);
        router.route("/control/*").handler(this::authorize);
        router.route("/devices*").handler(this::authorize);
        router.route("/intel*").handler(this::authorize);
        router.route("/decisions/*").handler(this::authorize);
        router.route("/feedback").handler(this::authorize);
        router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.route("/quarantine*").handler(this::authorize);
        router.get("/blacklist").handler(rc -> listBans(rc, false));
        router.post("/blacklist").handler(rc -> addBan(rc, null));
        router.delete("/blacklist/*").handler(rc -> removeBan(rc, "/blacklist/", Addresses.BLACKLIST_REMOVE, "is not banned"));
        router.post("/decisions/:id/feedback").handler(rc -> feedback(rc, rc.pathParam("id")));
        router.post("/feedback").handler(rc -> feedback(rc, null));
        router.get("/feedback").handler(rc -> vertx.eventBus().<JsonArray>request(Addresses.FEEDBACK_LIST, null)
                .onSuccess(m -> json(rc, 200, m.body())).onFailure(e -> replyFailure(rc, e)));
        router.get("/quarantine").handler(rc -> listBans(rc, true));
        router.post("/quarantine").handler(rc -> addBan(rc, org.argus.blacklist.Action.QUARANTINE));
        router.delete("/quarantine/*").handler(rc -> removeBan(rc, "/quarantine/", Addresses.QUARANTINE_LIFT, "is not quarantined"));
        router.get("/devices").handler(rc -> vertx.eventBus().<JsonObject>request(Addresses.DEVICE_LIST, null)
                .onSuccess(m -> json(rc, 200, m.body())).onFailure(e -> deviceFailure(rc, e)));
        router.get("/devices/*").handler(rc -> deviceRequest(rc, Addresses.DEVICE_GET, rc.request().path(), 200));
        router.delete("/devices/*").handler(rc -> deviceRequest(rc, Addresses.DEVICE_FORGET, rc.request().path(), 200));
        router.post("/devices/*").handler(rc -> {
            String path = rc.request().path();
            if (!path.endsWith("/scan") || path.length() <= "/devices//scan".length()) {
                httpStats.clientErrors.increment();
                error(rc, 404, "POST /devices/<MAC or address>/scan");
                return;
            }
            deviceRequest(rc, Addresses.DEVICE_SCAN, path.substring(0, path.length() - "/scan".length()), 202);
        });
        router.get("/intel/lookup/*").handler(rc -> {
            String address = pathTail(rc, rc.request().path(), "/intel/lookup/", "address");
            if (address != null) {
                vertx.eventBus().<JsonObject>request(Addresses.INTEL_LOOKUP, address).onSuccess(m -> json(rc, 200, m.body()))
                        .onFailure(e -> intelFailure(rc, e));
            }
        });
        router.post("/intel/reload").handler(rc -> vertx.eventBus().<JsonObject>request(Addresses.INTEL_RELOAD, null,
                new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(120_000)).onSuccess(m -> json(rc, 200, m.body()))
                .onFailure(e -> intelFailure(rc, e)));
        router.post("/control/emergency-stop").handler(rc -> emergency(rc, true));
        router.post("/control/emergency-restore").handler(rc -> emergency(rc, false));
        return vertx.createHttpServer().invalidRequestHandler(this::invalidRequest)
                .requestHandler(req -> {
                    if (ControlRequests.badPercentEncoding(req.uri())) {
                        invalidRequest(req); // the router's path normalisation would throw and log a stack trace
                    } else {
                        router.handle(req);
                    }
                })
                .listen(settings.port(), settings.host())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("event=http_listening host={} port={}", settings.host(), s.actualPort());
                });
    }

    /** The bound port (useful with {@code http.port = 0}). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    private void health(RoutingContext rc) {
        Map<String, ComponentState> snap = health.snapshot();
        JsonObject components = new JsonObject();
        JsonArray reasons = new JsonArray();
        snap.forEach((name, s) -> {
            components.put(name, new JsonObject().put("healthy", s.healthy()).put("state", s.state())
                    .put("detail", s.detail()).put("since", Instant.ofEpochMilli(s.sinceMillis()).toString()));
            if (!s.healthy()) {
                reasons.add(name + ": " + s.state() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
            }
        });
        boolean ok = reasons.isEmpty();
        boolean degraded = snap.values().stream().anyMatch(s -> s.state().equals("degraded"));
        JsonArray alerts = new JsonArray();
        stats.health.alerts.get().forEach(a -> alerts.add(a.toJson()));
        JsonObject body = new JsonObject().put("status", !ok ? "unhealthy" : degraded ? "degraded" : "ok")
                .put("components", components).put("alerts", alerts);
        if (!ok) {
            body.put("reasons", reasons);
        }
        rc.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json")
                .end(body.encodePrettily());
    }

    private static byte[] sha256(String s) {
        return org.argus.detect.ModelStore.sha256(s);
    }

    /**
     * Bearer token check in constant time (digests of equal length, {@link MessageDigest#isEqual}); repeated failures
     * from one address are throttled ({@link AuthThrottle}: 429 with {@code Retry-After}).
     */
    private void authorize(RoutingContext rc) {
        String client = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        long now = System.nanoTime();
        long wait = throttle.retryAfterSeconds(client, now);
        if (wait > 0) {
            httpStats.authThrottled.increment();
            rc.response().putHeader("Retry-After", String.valueOf(wait));
            error(rc, 429, "too many failed attempts from " + client + ": try again in " + wait + " s");
            return;
        }
        String given = bearer(rc);
        if (!tokenValid(given)) {
            httpStats.authFailures.increment();
            long block = throttle.failed(client, now);
            long held = logLimiter.allow("auth " + client, now);
            if (held >= 0) {
                LOG.warn("event=control_unauthorized client={} path=\"{}\" why={} blocked_s={} similar_lines_held_back={}", client,
                        LogText.escape(rc.request().path()),
                        tokenDigest == null ? "no_token_configured" : given == null ? "no_bearer_token" : "wrong_token", block, held);
            }
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"argus\"");
            error(rc, 401, tokenDigest == null
                    ? "control endpoints are disabled: set http.token (or ARGUS_HTTP_TOKEN)"
                    : "missing or wrong bearer token (Authorization: Bearer <http.token>)");
            return;
        }
        throttle.succeeded(client);
        try {
            allowlist.allow(IpAddress.parse(rc.request().remoteAddress().hostAddress()), "control endpoint client");
        } catch (RuntimeException e) {
            // a unix socket or odd address: nothing to allowlist
        }
        rc.next();
    }

    /** A request the HTTP codec could not parse (bad URI, header too long): one rate-limited log line, a 400. */
    private void invalidRequest(io.vertx.core.http.HttpServerRequest req) {
        httpStats.clientErrors.increment();
        String client = req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress();
        long held = logLimiter.allow("invalid " + client);
        if (held >= 0) {
            Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
            LOG.warn("event=http_bad_request client={} why=\"{}\" similar_lines_held_back={}", client,
                    LogText.escape(cause == null ? "malformed request target" : cause.getMessage()), held);
        }
        req.response().setStatusCode(400).putHeader("content-type", "application/json").putHeader("connection", "close")
                .end(new JsonObject().put("error", "malformed HTTP request").encode());
    }

    /**
     * Everything a route failed with: client errors (a path that does not decode, a body that is not JSON) are 4xx with
     * one rate-limited log line; anything else is a 500 whose body names no internals, logged once per kind.
     */
    private void failure(RoutingContext rc) {
        int code = rc.statusCode();
        Throwable e = rc.failure();
        if (code < 400 && e instanceof IllegalArgumentException) {
            code = 400; // e.g. a path with a bad percent-encoding
        }
        if (code < 400) {
            code = 500;
        }
        String client = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        if (code < 500) {
            httpStats.clientErrors.increment();
            long held = logLimiter.allow("client " + client);
            if (held >= 0) {
                LOG.warn("event=http_client_error client={} status={} path=\"{}\" why=\"{}\" similar_lines_held_back={}", client, code,
                        LogText.escape(rc.request().path()), LogText.escape(e == null ? "" : e.getMessage()), held);
            }
        } else if (logLimiter.allow("server " + (e == null ? "" : e.getClass().getName())) >= 0) {
            LOG.error("event=http_server_error status={} path=\"{}\"", code, LogText.escape(rc.request().path()), e);
        }
        if (!rc.response().ended() && !rc.response().headWritten()) {
            error(rc, code, code < 500 ? (e == null || e.getMessage() == null ? "bad request" : e.getMessage()) : "internal error");
        }
    }

    private static void error(RoutingContext rc, int code, String message) {
        rc.response().setStatusCode(code).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }

    private static void json(RoutingContext rc, int code, Object body) {
        rc.response().setStatusCode(code).putHeader("content-type", "application/json")
                .end(body instanceof JsonObject o ? o.encodePrettily() : ((JsonArray) body).encodePrettily());
    }

    private static void replyFailure(RoutingContext rc, Throwable e) {
        int code = e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE ? re.failureCode() : 503;
        error(rc, code >= 400 && code < 600 ? code : 500, e.getMessage());
    }

    /** {@code GET /blacklist} (bans and rate limits) or {@code GET /quarantine} (quarantines only). */
    /** The bearer token of a request, or null. */
    private static String bearer(RoutingContext rc) {
        String h = rc.request().getHeader("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
    }

    /** Whether a given token is the configured one (constant time; false when none is configured). */
    private boolean tokenValid(String given) {
        return tokenDigest != null && given != null && MessageDigest.isEqual(tokenDigest, sha256(given));
    }

    /**
     * {@code GET /blocklist.txt|json}: clients inside {@code lapi.mirror_clients} without a token, others with the
     * bearer token; 304 when {@code If-None-Match} names the current tag.
     */
    private void blocklist(RoutingContext rc, boolean json) {
        String client = rc.request().remoteAddress() == null ? "" : rc.request().remoteAddress().hostAddress();
        if (!BlocklistMirror.client(mirrorClients, client) && !tokenValid(bearer(rc))) {
            authorize(rc); // the same 401/429 and throttling as the control endpoints
            return;
        }
        vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).onSuccess(m -> {
            Instant now = Instant.now();
            BlocklistMirror.Body body = BlocklistMirror.render(m.body().bans(), now,
                    BlocklistMirror.withheld(stats.enforcement.status.get(), now, mirrorServesDryRun), json);
            rc.response().putHeader("ETag", body.etag()).putHeader("Cache-Control", "no-cache");
            if (BlocklistMirror.matches(rc.request().getHeader("If-None-Match"), body.etag())) {
                rc.response().setStatusCode(304).end();
                return;
            }
            rc.response().putHeader("content-type", body.contentType()).end(body.text());
        }).onFailure(e -> replyFailure(rc, e));
    }

    private void listBans(RoutingContext rc, boolean quarantines) {
        vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).onSuccess(m -> {
            Instant now = Instant.now();
            boolean enforced = "enforcing".equals(stats.enforcement.status.get().modeText());
            JsonArray out = new JsonArray();
            java.util.Map<String, Long> dropped = stats.enforcement.droppedByBan.get();
            m.body().bans().stream().filter(b -> (b.action() == org.argus.blacklist.Action.QUARANTINE) == quarantines).forEach(b -> {
                JsonObject o = b.toJson(b.target().toString(), now).put("enforced", enforced);
                Long n = dropped.get(b.target().toString());
                if (n != null) {
                    o.put("dropped_packets", n);
                }
                out.add(o);
            });
            json(rc, 200, out);
        }).onFailure(e -> replyFailure(rc, e));
    }

    /** {@code POST /blacklist} ({@code forced} null: ban or rate limit from the body) or {@code POST /quarantine}. */
    private void addBan(RoutingContext rc, org.argus.blacklist.Action forced) {
        BanRequest req;
        try {
            req = ControlRequests.banRequest(rc.body().buffer(), forced);
        } catch (IllegalArgumentException e) {
            httpStats.clientErrors.increment();
            error(rc, 400, e.getMessage());
            return;
        }
        vertx.eventBus().<Ban>request(Addresses.BLACKLIST_ADD, req)
                .onSuccess(m -> json(rc, m.body().hits() == 1 ? 201 : 200, m.body().toJson(m.body().target().toString(), Instant.now())))
                .onFailure(e -> replyFailure(rc, e));
    }

    /**
     * {@code POST /decisions/<id>/feedback} (the decision's address from the recent decisions, unless the body names
     * one) or {@code POST /feedback} (the body's address): the verdict to the blacklist verticle.
     */
    private void feedback(RoutingContext rc, String decisionId) {
        ControlRequests.Feedback f;
        try {
            f = ControlRequests.feedback(rc.body().buffer());
            if (decisionId == null && f.address() == null) {
                throw new IllegalArgumentException("address is required (or POST /decisions/<id>/feedback)");
            }
        } catch (IllegalArgumentException e) {
            httpStats.clientErrors.increment();
            error(rc, 400, e.getMessage());
            return;
        }
        Future<String> address = f.address() != null ? Future.succeededFuture(f.address())
                : vertx.eventBus().<String>request(Addresses.DECISION_FIND, decisionId).map(m -> m.body());
        address.compose(a -> {
            org.argus.blacklist.BanTarget target;
            try {
                target = org.argus.blacklist.BanTarget.parseCidr(a);
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, a + ": " + e.getMessage()
                        + " (a decision about a pseudonym cannot be corrected here)"));
            }
            return vertx.eventBus().<JsonObject>request(Addresses.FEEDBACK, new org.argus.blacklist.FeedbackRequest(decisionId, target,
                    f.falsePositive(), f.allowlistFor(), f.note()));
        }).onSuccess(m -> json(rc, 200, m.body())).onFailure(e -> replyFailure(rc, e));
    }

    /** Sends the device named by {@code path} ({@code /devices/<percent-encoded id>}) to {@code address}; answers its reply. */
    private void deviceRequest(RoutingContext rc, String address, String path, int okCode) {
        String id = pathTail(rc, path, "/devices/", "device");
        if (id != null) {
            vertx.eventBus().<JsonObject>request(address, id).onSuccess(m -> json(rc, okCode, m.body())).onFailure(e -> deviceFailure(rc, e));
        }
    }

    /**
     * The percent-decoded rest of {@code path} after {@code prefix}; null after answering 400 (and counting a client
     * error) when it is not valid percent-encoding.
     *
     * @param what the thing the path names, for the error ({@code address}, {@code device})
     */
    private String pathTail(RoutingContext rc, String path, String prefix, String what) {
        try {
            return java.net.URLDecoder.decode(path.substring(prefix.length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            httpStats.clientErrors.increment();
            error(rc, 400, "the " + what + " in the path is not valid percent-encoding");
            return null;
        }
    }

    private static void deviceFailure(RoutingContext rc, Throwable e) {
        if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            error(rc, 503, "the device inventory is not running (devices.enabled is false, or polling mode)");
        } else {
            replyFailure(rc, e);
        }
    }

    private static void intelFailure(RoutingContext rc, Throwable e) {
        if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            error(rc, 503, "no threat feeds are configured (intel.feeds)");
        } else {
            replyFailure(rc, e);
        }
    }

    /** {@code DELETE /blacklist/<address>} or {@code DELETE /quarantine/<address>}: sends the address to {@code busAddress}. */
    private void removeBan(RoutingContext rc, String prefix, String busAddress, String notFound) {
        String path = rc.request().path();
        if (path.length() <= prefix.length()) {
            httpStats.clientErrors.increment();
            error(rc, 400, "DELETE needs the address: " + prefix + "<address> (a CIDR's / as %2F)");
            return;
        }
        String target = pathTail(rc, path, prefix, "address");
        if (target == null) {
            return;
        }
        vertx.eventBus().<Boolean>request(busAddress, target).onSuccess(m -> {
            if (m.body()) {
                json(rc, 200, new JsonObject().put("removed", true).put("address", target));
            } else {
                error(rc, 404, target + " " + notFound);
            }
        }).onFailure(e -> replyFailure(rc, e));
    }

    private void emergency(RoutingContext rc, boolean stop) {
        String reason = ControlRequests.reasonOf(rc.body().buffer());
        if (reason == null && !stop) {
            httpStats.clientErrors.increment();
            error(rc, 400, "body must be a JSON object {\"reason\": \"...\"} (or empty)");
            return;
        }
        if (reason == null) {
            reason = "(unreadable body: stopped anyway)"; // an emergency stop never waits for a well-formed body
        }
        EmergencyCommand cmd = new EmergencyCommand(stop, reason, "http " + rc.request().remoteAddress().hostAddress());
        String scope = rc.request().getParam("scope", "local");
        if (!scope.equals("local") && !scope.equals("cluster")) {
            error(rc, 400, "scope must be local or cluster, not \"" + scope + "\"");
            return;
        }
        vertx.eventBus().<JsonObject>request(Addresses.EMERGENCY, cmd, new DeliveryOptions().setSendTimeout(30_000))
                .compose(m -> !scope.equals("cluster") ? Future.succeededFuture(m.body())
                        : vertx.eventBus().<JsonObject>request(Addresses.CLUSTER_EMERGENCY, cmd)
                                .map(c -> m.body().copy().put("cluster", c.body()))
                                .recover(e -> Future.succeededFuture(m.body().copy().put("cluster", new JsonObject()
                                        .put("published", false).put("error", e instanceof io.vertx.core.eventbus.ReplyException re
                                                && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
                                                ? "this sensor is not clustered (cluster.enabled is false): stopped here only"
                                                : e.getMessage())))))
                .onSuccess(body -> json(rc, 200, body))
                .onFailure(e -> replyFailure(rc, e));
    }

    private void status(RoutingContext rc) {
        JsonObject body = StatusJson.of(stats, (health.clock().millis() - startedMillis) / 1000.0).put("http", httpStats.toJson());
        rc.response().putHeader("content-type", "application/json").end(body.encodePrettily());
    }
}
