package org.argus.intel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threat-intelligence snapshot in use and its counters, for detection, {@code /status} and {@code /metrics}.
 * Thread-safe: the loader swaps {@link #current} whole; the detection thread reads it once per window.
 */
public final class IntelStats {
    /** The snapshot every lookup uses (empty until the first load). */
    public final AtomicReference<ThreatIntel> current = new AtomicReference<>(ThreatIntel.empty());
    /** Each feed's latest load (also failed ones). */
    public final AtomicReference<List<ThreatIntel.FeedStatus>> feeds = new AtomicReference<>(List.of());
    /** Snapshots built (loads that changed something). */
    public final LongAdder loads = new LongAdder();
    /** The configured feeds' names (set at start, before the metrics are bound). */
    public final List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Findings per feed name (an address in a window counts once per feed listing it). */
    public final Map<String, LongAdder> matches = new ConcurrentHashMap<>();

    /** The snapshot in use. */
    public ThreatIntel current() {
        return current.get();
    }

    /** A feed's entries in its latest load (0 before one). */
    public int entries(String feed) {
        for (ThreatIntel.FeedStatus s : feeds.get()) {
            if (s.name().equals(feed)) {
                return s.entries();
            }
        }
        return 0;
    }

    /** Matches counted for a feed. */
    public long matches(String feed) {
        LongAdder m = matches.get(feed);
        return m == null ? 0 : m.sum();
    }

    /** Counts a match for each feed that listed it. */
    public void matched(ThreatIntel.Match m) {
        m.feeds().forEach(f -> matches.computeIfAbsent(f.name(), k -> new LongAdder()).increment());
    }

    /** As JSON for {@code /status} {@code intel}. */
    public JsonObject toJson() {
        ThreatIntel ti = current.get();
        JsonArray list = new JsonArray();
        for (ThreatIntel.FeedStatus s : feeds.get()) {
            LongAdder m = matches.get(s.name());
            list.add(new JsonObject().put("name", s.name()).put("entries", s.entries()).put("bad_lines", s.badLines())
                    .put("bad_samples", new JsonArray(s.badSamples())).put("other_types", s.otherTypes())
                    .put("refused", s.refused().values().stream().mapToInt(Integer::intValue).sum())
                    .put("refused_by_reason", new JsonObject(new java.util.TreeMap<>(s.refused())))
                    .put("refused_samples", new JsonArray(s.refusedSamples()))
                    .put("loaded_at", s.loadedAt() == null ? null : s.loadedAt().toString()).put("origin", s.origin())
                    .put("error", s.error()).put("matches", m == null ? 0 : m.sum()));
        }
        int[] ranges = ti.prefixSet().ranges();
        return new JsonObject().put("entries", ti.size()).put("built_at", ti.builtAt() == null ? null : ti.builtAt().toString())
                .put("loads", loads.sum()).put("ranges_v4", ranges[0]).put("ranges_v6", ranges[1])
                .put("memory_bytes_estimate", ti.prefixSet().bytes() + 25L * ti.size()).put("feeds", list);
    }
}
