package org.argus.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down token guessing on the control endpoints: after {@value #FREE_FAILURES} wrong or missing tokens from one
 * client address within {@value #WINDOW_SECONDS} s, that address is refused with 429 for 1 s, then 2 s, 4 s, … up to
 * {@value #MAX_BLOCK_SECONDS} s per further failure, without its token even being checked. A success clears the
 * address. Bounded to {@code maxClients} addresses (the least recently seen forgotten first). Thread-safe; time is
 * a parameter (ns, a monotonic clock).
 */
final class AuthThrottle {
    static final int FREE_FAILURES = 5;
    static final int WINDOW_SECONDS = 60;
    static final int MAX_BLOCK_SECONDS = 60;

    private static final class State {
        long windowStart;
        int failures;
        long blockedUntil;
    }

    private final Map<String, State> clients;

    AuthThrottle(int maxClients) {
        clients = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
                return size() > maxClients;
            }
        };
    }

    /** Seconds the client must wait (0: it may try now). */
    synchronized long retryAfterSeconds(String client, long now) {
        State s = clients.get(client);
        if (s == null || now >= s.blockedUntil) {
            return 0;
        }
        return Math.max(1, (s.blockedUntil - now + 999_999_999L) / 1_000_000_000L);
    }

    /** Records a failure; returns the block it starts in seconds (0 while the client is within its free tries). */
    synchronized long failed(String client, long now) {
        State s = clients.computeIfAbsent(client, k -> new State());
        if (s.failures == 0 || now - s.windowStart > WINDOW_SECONDS * 1_000_000_000L) {
            s.windowStart = now;
            s.failures = 0;
        }
        s.failures++;
        if (s.failures <= FREE_FAILURES) {
            return 0;
        }
        long block = Math.min(MAX_BLOCK_SECONDS, 1L << Math.min(6, s.failures - FREE_FAILURES - 1));
        s.blockedUntil = now + block * 1_000_000_000L;
        s.windowStart = now; // a client that keeps failing stays in the window
        return block;
    }

    /** A good token: the client starts afresh. */
    synchronized void succeeded(String client) {
        clients.remove(client);
    }
}
