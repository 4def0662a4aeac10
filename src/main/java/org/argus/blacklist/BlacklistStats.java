package org.argus.blacklist;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The blacklist's counters: bans added, renewed, removed, expired and refused, victim alerts, decisions that could not
 * ban, and the active bans in the database. Written by the blacklist verticle, read by {@code /status},
 * {@code /metrics} and {@code stats.json}. Thread-safe.
 */
public final class BlacklistStats {
    /** New bans stored (detector, manual, peer). */
    public final LongAdder bansAdded = new LongAdder();
    /** Decisions or requests that renewed an active ban. */
    public final LongAdder bansRenewed = new LongAdder();
    /** Bans an operator removed. */
    public final LongAdder bansRemoved = new LongAdder();
    /** Operator verdicts: false positives (ban lifted, target allowlisted for a while). */
    public final LongAdder feedbackFalsePositives = new LongAdder();
    /** Operator verdicts: true positives (confirmed). */
    public final LongAdder feedbackTruePositives = new LongAdder();
    /** Bans whose TTL ran out. */
    public final LongAdder bansExpired = new LongAdder();
    /** Bans refused because the target is allowlisted. */
    public final LongAdder bansRefused = new LongAdder();
    /** Victim decisions (spoofed floods, amplification): alerts, never bans. */
    public final LongAdder victimAlerts = new LongAdder();
    /** Decisions that could not ban: about a pseudonym (CSV polling), or blacklist failures. */
    public final LongAdder decisionsNotBanned = new LongAdder();
    /** Active bans in the database. */
    public final AtomicLong bansActive = new AtomicLong();
}
