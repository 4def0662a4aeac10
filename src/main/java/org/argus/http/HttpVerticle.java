package org.argus.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import org.argus.config.ArgusConfig;
import org.argus.status.ComponentState;
import org.argus.status.SensorHealth;
import org.argus.status.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor's HTTP endpoint (vertx-web), bound to {@code http.host}:{@code http.port} (127.0.0.1 by default).
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"ok",...}} when capture, windowing and CSV are alive; otherwise
 *       503 {@code {"status":"unhealthy","reasons":[...]}} naming each failing component and why.</li>
 *   <li>{@code GET /status}: 200 with the counters ({@link StatusJson}).</li>
 * </ul>
 */
public final class HttpVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

    private final ArgusConfig.Http settings;
    private final SensorStats stats;
    private final SensorHealth health;
    private final long startedMillis;
    private HttpServer server;

    public HttpVerticle(ArgusConfig.Http settings, SensorStats stats, SensorHealth health) {
        this.settings = settings;
        this.stats = stats;
        this.health = health;
        this.startedMillis = health.clock().millis();
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/status").handler(this::status);
        return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host())
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
        JsonObject body = new JsonObject().put("status", !ok ? "unhealthy" : degraded ? "degraded" : "ok")
                .put("components", components);
        if (!ok) {
            body.put("reasons", reasons);
        }
        rc.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json")
                .end(body.encodePrettily());
    }

    private void status(RoutingContext rc) {
        JsonObject body = StatusJson.of(stats, (health.clock().millis() - startedMillis) / 1000.0);
        rc.response().putHeader("content-type", "application/json").end(body.encodePrettily());
    }
}
