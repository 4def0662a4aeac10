package org.argus.flow;

import java.util.List;

/**
 * Early firing's request on {@code argus.window.early}: the still open window so far, holding only the settled flows
 * of its busy originators ({@link WindowAssembler#peekBusy}). Immutable.
 *
 * @param window      the open window's start and end, totals so far, and the picked flows
 * @param latestNanos latest packet time seen in the window, ns since the epoch
 */
public record EarlyLook(FlowWindow window, long latestNanos) {
    /**
     * The reply: originators decided on in this look, left out of the window's later looks.
     *
     * @param originators addresses that got an early decision
     */
    public record Fired(List<IpAddress> originators) {
        public Fired {
            originators = List.copyOf(originators);
        }
    }
}
