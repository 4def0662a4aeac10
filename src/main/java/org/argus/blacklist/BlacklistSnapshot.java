package org.argus.blacklist;

import java.time.Instant;
import java.util.List;

/**
 * The answer to {@code argus.blacklist.list}: every active ban, and the first start recorded in the database (the
 * dry-run clock). Immutable.
 *
 * @param firstStart when this database first saw a sensor start
 * @param bans       active bans, soonest expiry first
 */
public record BlacklistSnapshot(Instant firstStart, List<Ban> bans) {
    public BlacklistSnapshot {
        bans = List.copyOf(bans);
    }
}
