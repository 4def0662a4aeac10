package org.argus.status;

/**
 * The state of one pipeline component as {@code /health} reports it. Immutable.
 *
 * @param healthy   true when the component does its job
 * @param state     short word: starting, running, finished, retrying, failed, stalled
 * @param detail    why, for a person (empty when running normally)
 * @param sinceMillis when this state began, ms since the epoch
 */
public record ComponentState(boolean healthy, String state, String detail, long sinceMillis) {
    /** A healthy state. */
    public static ComponentState ok(String state, String detail, long nowMillis) {
        return new ComponentState(true, state, detail, nowMillis);
    }

    /** An unhealthy state. */
    public static ComponentState bad(String state, String detail, long nowMillis) {
        return new ComponentState(false, state, detail, nowMillis);
    }
}
