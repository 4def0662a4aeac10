package org.argus.log;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one log line per key per interval, so a client that repeats a bad request cannot fill the journal: a caller
 * asks {@link #allow} before logging and learns how many lines were held back since the last one. Bounded: keeps the
 * {@code maxKeys} most recent keys. Thread-safe.
 */
public final class LogLimiter {
    private final long intervalNanos;
    private final int maxKeys;
    private final Map<String, long[]> seen;

    /**
     * @param intervalMillis shortest time between two lines of one key
     * @param maxKeys        keys remembered (oldest forgotten first)
     */
    public LogLimiter(long intervalMillis, int maxKeys) {
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.maxKeys = maxKeys;
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > LogLimiter.this.maxKeys;
            }
        };
    }

    /**
     * @return -1 when this line must be held back; otherwise how many lines of this key were held back before it
     */
    public synchronized long allow(String key, long nowNanos) {
        long[] s = seen.get(key);
        if (s == null) {
            seen.put(key, new long[] {nowNanos, 0});
            return 0;
        }
        if (nowNanos - s[0] < intervalNanos) {
            s[1]++;
            return -1;
        }
        long held = s[1];
        s[0] = nowNanos;
        s[1] = 0;
        return held;
    }

    /** {@link #allow(String, long)} at {@link System#nanoTime()}. */
    public long allow(String key) {
        return allow(key, System.nanoTime());
    }
}
