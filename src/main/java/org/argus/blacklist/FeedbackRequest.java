package org.argus.blacklist;

import java.time.Duration;

/**
 * An operator's verdict on a decision (issue 21's feedback), sent on {@code argus.feedback} to the blacklist
 * verticle. A false positive lifts the target's ban now, allowlists the target for {@code allowlistFor} (none when
 * zero), and is recorded; a true positive is recorded. Immutable.
 *
 * @param decisionId   the decision's id ({@code d-…}), or null when given by address
 * @param target       the address or CIDR the verdict is about
 * @param falsePositive true: a false positive; false: a true positive (confirmed)
 * @param allowlistFor how long a false positive's target stays allowlisted (zero: not at all)
 * @param note         the operator's note, or empty
 */
public record FeedbackRequest(String decisionId, BanTarget target, boolean falsePositive, Duration allowlistFor, String note) {
    public FeedbackRequest {
        note = note == null ? "" : note.length() > 500 ? note.substring(0, 500) : note;
        if (allowlistFor == null || allowlistFor.isNegative()) {
            throw new IllegalArgumentException("allowlist duration must be zero or positive");
        }
    }

    /** {@code false_positive} or {@code true_positive}. */
    public String verdict() {
        return falsePositive ? "false_positive" : "true_positive";
    }
}
