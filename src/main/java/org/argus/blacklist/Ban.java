package org.argus.blacklist;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One blacklist entry. Immutable.
 *
 * @param target    the address or CIDR banned
 * @param reason    why (a decision's first reason, or the operator's text)
 * @param risk      {@code low}, {@code medium} or {@code high}
 * @param source    where it came from (detector, operator, peer sensor, feed)
 * @param createdAt when this ban (this offence) started
 * @param expiresAt when it ends (TTL)
 * @param hits      how many decisions or requests renewed it while active
 * @param offences  how many times this target has been banned (escalation: 1 for a first offence)
 * @param action    what the firewall does to it ({@link Action#BAN} unless rate-limited or quarantined)
 */
public record Ban(BanTarget target, String reason, String risk, BanSource source, Instant createdAt, Instant expiresAt,
                  long hits, int offences, Action action) {
    /** A ban proper ({@link Action#BAN}). */
    public Ban(BanTarget target, String reason, String risk, BanSource source, Instant createdAt, Instant expiresAt,
               long hits, int offences) {
        this(target, reason, risk, source, createdAt, expiresAt, hits, offences, Action.BAN);
    }

    /** As JSON for {@code GET /blacklist} and {@code blacklist export}; {@code address} may be replaced by a pseudonym. */
    public JsonObject toJson(String address, Instant now) {
        return new JsonObject()
                .put("address", address)
                .put("reason", reason)
                .put("risk_level", risk)
                .put("source", source.text())
                .put("created_at", createdAt.toString())
                .put("expires_at", expiresAt.toString())
                .put("seconds_left", Math.max(0, expiresAt.getEpochSecond() - now.getEpochSecond()))
                .put("hit_count", hits)
                .put("offences", offences)
                .put("action", action.text());
    }
}
