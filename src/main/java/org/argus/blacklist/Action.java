package org.argus.blacklist;

import java.util.Locale;

/**
 * What an entry of the blacklist makes the firewall do to its source, from the softest to the strongest.
 * {@link #RATE_LIMIT}: packets above {@code enforcement.rate_limit_pps} per source are dropped (decisions whose risk
 * maps to it in {@code enforcement.actions}); {@link #QUARANTINE}: a local device may reach only the gateway, DNS
 * servers and the sensor (operator action, or the trust score's critical band), listed apart from bans;
 * {@link #BAN}: every packet from it is dropped.
 */
public enum Action {
    RATE_LIMIT, QUARANTINE, BAN;

    /** {@code rate_limit}, {@code quarantine}, {@code ban}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@link #text()}.
     *
     * @throws IllegalArgumentException naming the accepted words
     */
    public static Action parse(String s) {
        return switch (s) {
            case "rate_limit" -> RATE_LIMIT;
            case "quarantine" -> QUARANTINE;
            case "ban" -> BAN;
            default -> throw new IllegalArgumentException("\"" + s + "\" is not one of rate_limit, quarantine, ban");
        };
    }

    /** Whether this is a stronger action than {@code o} (an entry is upgraded, never downgraded, while active). */
    public boolean stronger(Action o) {
        return ordinal() > o.ordinal();
    }
}
