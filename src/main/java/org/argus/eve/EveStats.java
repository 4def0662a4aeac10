package org.argus.eve;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** The EVE output's counters for {@code /status} → {@code export.eve}. Thread-safe. */
public final class EveStats {
    public volatile boolean enabled;
    public final LongAdder flows = new LongAdder();
    public final LongAdder alerts = new LongAdder();
    public final LongAdder stats = new LongAdder();
    /** Windows not turned into flow events because the writer was behind (live only). */
    public final LongAdder windowsShed = new LongAdder();
    public final LongAdder writeErrors = new LongAdder();
    public final AtomicReference<String> lastError = new AtomicReference<>();

    /** {@code {"enabled", "flows", "alerts", "stats", "windows_shed", "write_errors", "last_error"}}. */
    public JsonObject toJson() {
        return new JsonObject().put("enabled", enabled).put("flows", flows.sum()).put("alerts", alerts.sum()).put("stats", stats.sum())
                .put("windows_shed", windowsShed.sum()).put("write_errors", writeErrors.sum()).put("last_error", lastError.get());
    }
}
