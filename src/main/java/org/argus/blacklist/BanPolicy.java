package org.argus.blacklist;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;

/**
 * What a decision or an operator's request does to the blacklist, without a database or a bus: attacker decisions
 * whose risk has an action in {@code enforcement.actions} (rate_limit or ban) or a TTL in {@code enforcement.ban_ttl_hours}
 * enter it (TTL from that table, else {@code blacklist_default_ttl_hours}) (first-offence TTL from that table, escalated per repeat
 * offence by {@link BlacklistStore.Policy}: {@code ttl · factor^(n−1)} capped at {@code max_ttl_hours}, like
 * fail2ban's {@code bantime.increment}); victim decisions (spoofed floods, amplification) and compromised ones (a
 * local device that contacted a listed address) are alerts, never bans;
 * decisions about CSV pseudonyms cannot be enforced; allowlisted targets are refused. Requests are checked the same
 * way, plus their address, risk and TTL. Thread-safe (the allowlist is).
 */
public final class BanPolicy {
    /** What to do. */
    public sealed interface Outcome {
    }

    /**
     * Store this ban (or renew it).
     *
     * @param ttl      first-offence TTL; null for {@code blacklist_default_ttl_hours}
     * @param escalate multiply by the escalation factor per earlier offence (detector bans); false takes the TTL as
     *                 given (an operator's explicit TTL, a peer's remaining time)
     */
    public record Ban(BanTarget target, String reason, Risk risk, BanSource source, Duration ttl, boolean escalate, Action action)
            implements Outcome {
        /** A ban proper. */
        public Ban(BanTarget target, String reason, Risk risk, BanSource source, Duration ttl, boolean escalate) {
            this(target, reason, risk, source, ttl, escalate, Action.BAN);
        }
    }

    /** Log and count an alert about a victim or a possibly compromised local device; never a ban. */
    public record VictimAlert(String address, Role role, Risk risk, String detector, String reasons) implements Outcome {
    }

    /** The decision's risk does not ban. */
    public record Ignored() implements Outcome {
    }

    /** Cannot be enforced (a pseudonym from CSV polling). */
    public record NotBannable(String why) implements Outcome {
    }

    /**
     * Refused.
     *
     * @param code HTTP-like: 400 bad request (address, risk, TTL), 409 allowlisted
     */
    public record Refused(BanTarget target, int code, String why) implements Outcome {
    }

    /** Longest reason text kept with a ban; longer ones are cut with a trailing {@code …}. */
    public static final int MAX_REASON = 500;

    private final Map<Risk, Double> banTtlHoursByRisk;
    private final Map<Risk, Action> actionsByRisk;
    private final Allowlist allowlist;

    /** Every risk in {@code banTtlHoursByRisk} bans (no rate limits). */
    public BanPolicy(Map<Risk, Double> banTtlHoursByRisk, Allowlist allowlist) {
        this(banTtlHoursByRisk, Map.of(), allowlist);
    }

    /**
     * @param banTtlHoursByRisk first-offence TTL per risk ({@code enforcement.ban_ttl_hours}, only those above 0)
     * @param actionsByRisk     what each risk does ({@code enforcement.actions}, only those that are not
     *                          {@code none}); a risk absent here but with a TTL bans, as before the key existed
     */
    public BanPolicy(Map<Risk, Double> banTtlHoursByRisk, Map<Risk, Action> actionsByRisk, Allowlist allowlist) {
        this.banTtlHoursByRisk = Map.copyOf(banTtlHoursByRisk);
        this.actionsByRisk = Map.copyOf(actionsByRisk);
        this.allowlist = allowlist;
    }

    /** For a blacklist's settings. */
    /** The allowlist this policy checks (feedback adds expiring entries to it). */
    public Allowlist allowlist() {
        return allowlist;
    }

    public BanPolicy(BlacklistSettings s, Allowlist allowlist) {
        this(s.banTtlHoursByRisk(), s.actionsByRisk(), allowlist);
    }

    /** The outcome of a detector's decision. */
    public Outcome onDecision(Decision d) {
        if (d.role() != Role.ATTACKER) {
            return new VictimAlert(d.addressText(), d.role(), d.risk(), d.detector(), String.join("; ", d.reasons()));
        }
        Double hours = banTtlHoursByRisk.get(d.risk());
        Action action = actionsByRisk.get(d.risk());
        if (hours == null && action == null) {
            return new Ignored();
        }
        if (d.anonymized()) {
            return new NotBannable("decision about a pseudonym (" + d.addressText() + "): the address is not known here");
        }
        BanTarget target = BanTarget.of(d.address());
        Optional<String> refusal = allowlist.refusal(target);
        if (refusal.isPresent()) {
            return new Refused(target, 409, refusal.get());
        }
        String reason = d.detector() + (d.early() ? " (early)" : "") + ": " + (d.reasons().isEmpty() ? "score " + d.score() : d.reasons().get(0));
        return new Ban(target, cap(reason), d.risk(), new BanSource.Detector(d.detector()),
                hours == null ? null : Duration.ofSeconds(Math.round(hours * 3600)), true, action == null ? Action.BAN : action);
    }

    /** The outcome of an explicit request (operator or peer): 400 for a bad address, risk or TTL, 409 when allowlisted. */
    public Outcome onRequest(BanRequest r) {
        BanTarget target;
        try {
            target = BanTarget.parse(r.address());
        } catch (IllegalArgumentException e) {
            return new Refused(null, 400, e.getMessage());
        }
        Risk risk;
        try {
            risk = Risk.parse(r.risk() == null ? "high" : r.risk());
        } catch (IllegalArgumentException e) {
            return new Refused(target, 400, "risk_level must be low, medium or high, not \"" + r.risk() + "\"");
        }
        if (r.ttl() != null && (r.ttl().isNegative() || r.ttl().isZero())) {
            return new Refused(target, 400, "ttl_hours must be greater than 0");
        }
        Optional<String> refusal = allowlist.refusal(target);
        if (refusal.isPresent()) {
            return new Refused(target, 409, refusal.get());
        }
        String reason = r.reason() == null || r.reason().isBlank() ? "manual " + r.action().text().replace('_', ' ') : cap(r.reason());
        return new Ban(target, reason, risk, r.source(), r.ttl(), false, r.action());
    }

    /** Cuts a reason to {@link #MAX_REASON} characters. */
    public static String cap(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "…";
    }
}
