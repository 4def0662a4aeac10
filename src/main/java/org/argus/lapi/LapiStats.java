package org.argus.lapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The bouncer API's counters for {@code /status} → {@code lapi} and {@code /metrics}. Thread-safe. */
public final class LapiStats {
    /** Whether {@code lapi.enabled} is on. */
    public volatile boolean enabled;
    /** Answered pulls ({@code /v1/decisions/stream} and {@code /v1/decisions}, HEAD included). */
    public final LongAdder pulls = new LongAdder();
    /** Requests refused with 403 (no key, or an unknown one). */
    public final LongAdder forbidden = new LongAdder();

    /** Per bouncer name: its last pull (time, client address) and pulls since the start. */
    public record Pull(Instant at, String address, long pulls) {
    }

    private final Map<String, Pull> byBouncer = new ConcurrentHashMap<>();

    /** Records one pull. */
    public void pulled(String bouncer, Instant at, String address) {
        pulls.increment();
        byBouncer.merge(bouncer, new Pull(at, address, 1), (a, b) -> new Pull(b.at(), b.address(), a.pulls() + 1));
    }

    /** {@code {"enabled", "pulls", "forbidden", "bouncers": [{"name", "last_pull", "last_address", "pulls"}]}}. */
    public JsonObject toJson() {
        JsonArray bouncers = new JsonArray();
        new java.util.TreeMap<>(byBouncer).forEach((name, p) -> bouncers.add(new JsonObject().put("name", name)
                .put("last_pull", p.at().toString()).put("last_address", p.address()).put("pulls", p.pulls())));
        return new JsonObject().put("enabled", enabled).put("pulls", pulls.sum()).put("forbidden", forbidden.sum()).put("bouncers", bouncers);
    }
}
