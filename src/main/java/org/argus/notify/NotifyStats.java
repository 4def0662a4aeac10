package org.argus.notify;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** Per notification channel: sent, failed (after every attempt), held back by the rate limit, dropped; the last error. Thread-safe. */
public final class NotifyStats {
    private static final int SENT = 0, FAILED = 1, HELD = 2, DROPPED = 3;
    private final Map<String, AtomicLongArray> counts = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();

    private AtomicLongArray of(String channel) {
        return counts.computeIfAbsent(channel, k -> new AtomicLongArray(4));
    }

    void sent(String channel) {
        of(channel).incrementAndGet(SENT);
    }

    void failed(String channel, String why) {
        of(channel).incrementAndGet(FAILED);
        lastError.put(channel, String.valueOf(why));
    }

    void held(String channel) {
        of(channel).incrementAndGet(HELD);
    }

    void dropped(String channel) {
        of(channel).incrementAndGet(DROPPED);
    }

    /** Messages a channel delivered so far. */
    public long delivered(String channel) {
        return of(channel).get(SENT);
    }

    /** Messages a channel gave up on so far. */
    public long failures(String channel) {
        return of(channel).get(FAILED);
    }

    /** Events a channel's rate limit held back (sent later as a summary) so far. */
    public long heldBack(String channel) {
        return of(channel).get(HELD);
    }

    /** {@code {"<channel>": {"sent", "failed", "held", "dropped", "last_error"}}}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        new TreeMap<>(counts).forEach((name, c) -> o.put(name, new JsonObject().put("sent", c.get(SENT)).put("failed", c.get(FAILED))
                .put("held", c.get(HELD)).put("dropped", c.get(DROPPED)).put("last_error", lastError.get(name))));
        return o;
    }
}
