package org.argus.blacklist;

/**
 * A change to the blacklist, published on {@code argus.blacklist.changed} for the enforcement verticle. Immutable.
 *
 * @param kind what happened
 * @param ban  the entry (for {@code REMOVED}/{@code EXPIRED}: as it was)
 */
public record BanChange(Kind kind, Ban ban) {
    /** What happened to the entry. */
    public enum Kind {
        /** A new ban: the target must be blocked. */
        ADDED,
        /** An active ban was hit again (hit count, maybe a later expiry); already blocked. */
        RENEWED,
        /** An operator removed it: unblock. */
        REMOVED,
        /** Its TTL ran out and the sweep deleted it: unblock. */
        EXPIRED
    }
}
