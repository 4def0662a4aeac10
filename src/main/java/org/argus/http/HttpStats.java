package org.argus.http;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The HTTP server's own counters: dashboard stream clients, refused control requests, client errors. Thread-safe. */
public final class HttpStats {
    /** {@code GET /events} clients connected now. */
    public final AtomicLong eventClients = new AtomicLong();
    /** {@code GET /events} connections refused because {@code http.max_event_clients} were connected. */
    public final LongAdder eventClientsRefused = new LongAdder();
    /** {@code GET /events} clients disconnected because they did not read for {@value EventStream#SLOW_CLIENT_SECONDS} s. */
    public final LongAdder eventClientsDropped = new LongAdder();
    /** Events not sent to a client whose queue was full (skipped, not queued). */
    public final LongAdder eventsSkipped = new LongAdder();
    /** Control requests with a missing or wrong token. */
    public final LongAdder authFailures = new LongAdder();
    /** Control requests refused with 429 while their client was throttled after repeated failures. */
    public final LongAdder authThrottled = new LongAdder();
    /** Requests answered 4xx for a bad request (malformed path or body). */
    public final LongAdder clientErrors = new LongAdder();

    /** As the {@code http} block of {@code /status}. */
    public JsonObject toJson() {
        return new JsonObject().put("event_clients", eventClients.get()).put("event_clients_refused", eventClientsRefused.sum())
                .put("event_clients_dropped", eventClientsDropped.sum()).put("events_skipped", eventsSkipped.sum())
                .put("auth_failures", authFailures.sum()).put("auth_throttled", authThrottled.sum())
                .put("client_errors", clientErrors.sum());
    }
}
