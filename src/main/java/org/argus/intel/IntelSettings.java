package org.argus.intel;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code intel.*}.
 *
 * @param feeds         the configured feeds ({@code feeds}: objects {@code name}, {@code path} or {@code url},
 *                      {@code format}, {@code category}, {@code score}, {@code refresh_minutes}); at most
 *                      {@value ThreatIntel#MAX_FEEDS}
 * @param cacheDir      where downloaded feeds are kept for offline starts ({@code cache_dir}; empty: {@code intel}
 *                      beside the blacklist database)
 * @param refusePrivate refuse private (RFC 1918, RFC 6598, ULA) blocks from feeds ({@code refuse_private})
 * @param maxEntries    most indicators kept per feed ({@code max_entries_per_feed}); the rest are counted as refused
 * @param blockListed   drop traffic from every listed block in the kernel's feed sets ({@code block_listed}), under the
 *                      same dry-run, allowlist and emergency stop as bans
 * @param caFile        PEM certificates trusted for {@code https} feed URLs besides the JDK's own authorities
 *                      ({@code ca_file}; a feed server with a private CA), or null
 */
public record IntelSettings(List<ThreatIntel.Feed> feeds, Path cacheDir, boolean refusePrivate, int maxEntries, boolean blockListed,
                            Path caFile) {
    /** Without pre-emptive blocking or an extra CA. */
    public IntelSettings(List<ThreatIntel.Feed> feeds, Path cacheDir, boolean refusePrivate, int maxEntries) {
        this(feeds, cacheDir, refusePrivate, maxEntries, false, null);
    }

    public IntelSettings {
        feeds = List.copyOf(feeds);
    }

    /** Whether any feed is configured. */
    public boolean enabled() {
        return !feeds.isEmpty();
    }
}
