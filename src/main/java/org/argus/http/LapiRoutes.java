package org.argus.http;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.lapi.BouncerStore;
import org.argus.lapi.LapiDecisions;
import org.argus.lapi.LapiStats;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CrowdSec's bouncer API on the sensor's HTTP server ({@code lapi.enabled}): {@code GET|HEAD /v1/decisions/stream}
 * and {@code GET|HEAD /v1/decisions}, answered by {@link LapiDecisions} from the blacklist, keys checked against
 * {@link BouncerStore} on the {@code argus-lapi} worker (SQLite). A missing or unknown {@code X-Api-Key} is 403
 * {@code {"message": "access forbidden"}} as CrowdSec answers, and repeated failures from one address are throttled
 * (429) like the control endpoints'. HEAD answers 200 with no body and does not count as a pull (CrowdSec's
 * behaviour: a bouncer's health check must not move its stream). Each pull is recorded (in memory for
 * {@code /status}, and in the bouncer database at most once a minute per bouncer).
 */
final class LapiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(LapiRoutes.class);

    private final Vertx vertx;
    private final BouncerStore store;
    private final LapiDecisions decisions;
    private final LapiStats stats;
    private final Supplier<String> withheld;
    private final Predicate<BanTarget> refused;
    private final AuthThrottle throttle = new AuthThrottle(4096);
    private final Map<String, Instant> persisted = new HashMap<>();
    private WorkerExecutor worker;

    /**
     * @param withheld why nothing is served now (dry-run, emergency stop), or null when bans are served
     * @param refused  targets the allowlist refuses
     */
    LapiRoutes(Vertx vertx, BouncerStore store, LapiDecisions decisions, LapiStats stats, Supplier<String> withheld,
               Predicate<BanTarget> refused) {
        this.vertx = vertx;
        this.store = store;
        this.decisions = decisions;
        this.stats = stats;
        this.withheld = withheld;
        this.refused = refused;
    }

    /** Adds the routes (before any body handler); the worker closes with the verticle. */
    void mount(Router router) {
        worker = vertx.createSharedWorkerExecutor("argus-lapi", 1);
        for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
            router.route(m, "/v1/decisions/stream").handler(rc -> handle(rc, true));
            router.route(m, "/v1/decisions").handler(rc -> handle(rc, false));
        }
    }

    private void handle(RoutingContext rc, boolean stream) {
        String client = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        long t = System.nanoTime();
        long wait = throttle.retryAfterSeconds(client, t);
        if (wait > 0) {
            rc.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(wait)).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("message", "too many failed attempts: try again in " + wait + " s").encode());
            return;
        }
        String key = rc.request().getHeader("X-Api-Key");
        worker.<String>executeBlocking(() -> store.owner(key), false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("event=lapi_key_check_failed reason=\"{}\"", LogText.escape(String.valueOf(ar.cause().getMessage())));
                message(rc, 500, "bouncer database unavailable");
                return;
            }
            String bouncer = ar.result();
            if (bouncer == null) {
                stats.forbidden.increment();
                throttle.failed(client, System.nanoTime());
                message(rc, 403, "access forbidden");
                return;
            }
            throttle.succeeded(client);
            if (rc.request().method() == HttpMethod.HEAD) {
                rc.response().setStatusCode(200).end();
                return;
            }
            vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).onSuccess(m -> {
                Instant now = Instant.now();
                Map<String, String> query = new HashMap<>();
                rc.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
                List<Ban> bans = m.body().bans();
                Object body;
                try {
                    body = stream
                            ? decisions.stream(bouncer, "true".equalsIgnoreCase(query.get("startup")), bans, now, withheld.get(), refused, query)
                            : decisions.query(bans, now, withheld.get(), refused, query);
                } catch (LapiDecisions.BadFilter e) {
                    message(rc, 400, e.getMessage());
                    return;
                }
                stats.pulled(bouncer, now, client);
                persist(bouncer, now, client);
                rc.response().setStatusCode(200).putHeader("content-type", "application/json; charset=utf-8")
                        .end(body == null ? "null" : body.toString());
            }).onFailure(e -> message(rc, 503, "blacklist unavailable: " + e.getMessage()));
        });
    }

    /** The last pull into the bouncer database, at most once a minute per bouncer. */
    private void persist(String bouncer, Instant now, String client) {
        Instant last = persisted.get(bouncer);
        if (last != null && last.plusSeconds(60).isAfter(now)) {
            return;
        }
        persisted.put(bouncer, now);
        worker.executeBlocking(() -> {
            store.pulled(bouncer, now, client);
            return null;
        }, false).onFailure(e -> LOG.warn("event=lapi_pull_not_recorded bouncer={} reason=\"{}\"", bouncer,
                LogText.escape(String.valueOf(e.getMessage()))));
    }

    private static void message(RoutingContext rc, int code, String message) {
        rc.response().setStatusCode(code).putHeader("content-type", "application/json")
                .end(new JsonObject().put("message", message).encode());
    }
}
