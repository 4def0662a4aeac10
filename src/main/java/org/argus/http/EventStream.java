package org.argus.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's server-sent events ({@code GET /events}): one {@code data:} line a second to every client, the
 * event made once for all of them. Bounded: at most {@code maxClients} clients (more get 503 with
 * {@code Retry-After}); a client whose write queue holds {@value #QUEUE_BYTES} bytes skips events instead of queueing
 * them, and one that stays full for {@value #SLOW_CLIENT_SECONDS} s is disconnected. Counted in {@link HttpStats}.
 * Event-loop only (the HTTP verticle's context).
 */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /** Seconds a client may leave its queue full before it is disconnected. */
    static final int SLOW_CLIENT_SECONDS = 10;
    /** Bytes queued per client before its events are skipped. */
    static final int QUEUE_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final int maxClients;
    private final HttpStats stats;
    private final Supplier<Future<String>> event;
    /** Each client with the seconds its queue has been full. */
    private final Map<HttpServerResponse, int[]> clients = new LinkedHashMap<>();
    private long timer = -1;

    /** @param event makes the JSON of one event (asked once a second while clients are connected) */
    EventStream(Vertx vertx, int maxClients, HttpStats stats, Supplier<Future<String>> event) {
        this.vertx = vertx;
        this.maxClients = maxClients;
        this.stats = stats;
        this.event = event;
    }

    /** Serves a client, or refuses it with 503 when {@code maxClients} are connected. */
    void add(HttpServerResponse resp) {
        if (clients.size() >= maxClients) {
            stats.eventClientsRefused.increment();
            resp.setStatusCode(503).putHeader("Retry-After", "10").putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", "too many dashboard clients (http.max_event_clients = " + maxClients + ")").encode());
            return;
        }
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-store")
                .putHeader("connection", "keep-alive");
        resp.setWriteQueueMaxSize(QUEUE_BYTES);
        resp.write("retry: 2000\n\n");
        clients.put(resp, new int[1]);
        stats.eventClients.set(clients.size());
        resp.closeHandler(v -> forget(resp));
        resp.exceptionHandler(e -> forget(resp));
        if (timer < 0) {
            timer = vertx.setPeriodic(0, 1000, id -> broadcast());
        }
    }

    private void forget(HttpServerResponse resp) {
        clients.remove(resp);
        stats.eventClients.set(clients.size());
        if (clients.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void broadcast() {
        event.get().onSuccess(json -> {
            Buffer data = Buffer.buffer("data: " + json + "\n\n");
            for (var e : List.copyOf(clients.entrySet())) {
                HttpServerResponse resp = e.getKey();
                if (resp.closed()) {
                    forget(resp);
                } else if (resp.writeQueueFull()) {
                    stats.eventsSkipped.increment();
                    if (++e.getValue()[0] >= SLOW_CLIENT_SECONDS) {
                        stats.eventClientsDropped.increment();
                        LOG.info("event=dashboard_client_dropped why=\"not reading for {} s\"", SLOW_CLIENT_SECONDS);
                        forget(resp);
                        resp.reset();
                    }
                } else {
                    e.getValue()[0] = 0;
                    resp.write(data);
                }
            }
        });
    }
}
