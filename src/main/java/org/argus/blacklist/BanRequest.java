package org.argus.blacklist;

import java.time.Duration;

/**
 * An explicit ban asked for by an operator ({@code POST /blacklist}, {@code blacklist add}), sent on
 * {@code argus.blacklist.add}. Immutable; validated by the blacklist verticle, which answers 400 (bad address, risk or
 * TTL) or 409 (allowlisted).
 *
 * @param address address or CIDR, as typed
 * @param reason  free text
 * @param risk    {@code low|medium|high}
 * @param ttl     how long; null for {@code blacklist_default_ttl_hours}
 * @param source  who asks: the operator, or a peer sensor (Firebase import, cluster)
 * @param action  ban, rate limit or quarantine
 */
public record BanRequest(String address, String reason, String risk, Duration ttl, BanSource source, Action action) {
    /** A ban proper. */
    public BanRequest(String address, String reason, String risk, Duration ttl, BanSource source) {
        this(address, reason, risk, ttl, source, Action.BAN);
    }
}
