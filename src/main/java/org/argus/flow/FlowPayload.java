package org.argus.flow;

/**
 * The first application payload bytes one flow carried in one window, for payload inspection: at most
 * {@code payload.capture_bytes} per direction over the flow's life, so a later window of a long flow usually has
 * none. Bytes are the TCP/UDP payloads of its packets in arrival order (TCP segments are not reassembled:
 * retransmitted or out-of-order segments appear as they came). Kept in memory only, with the window; never written
 * to CSVs, uploads or exports.
 *
 * @param flow            index of the flow in {@link FlowWindow#flows()}
 * @param fromOriginator  bytes the originator sent (may be empty)
 * @param fromResponder   bytes the responder sent (may be empty)
 */
public record FlowPayload(int flow, byte[] fromOriginator, byte[] fromResponder) {
    private static final byte[] NONE = new byte[0];

    public FlowPayload {
        fromOriginator = fromOriginator == null ? NONE : fromOriginator;
        fromResponder = fromResponder == null ? NONE : fromResponder;
    }

    /** Bytes held, both directions. */
    public int size() {
        return fromOriginator.length + fromResponder.length;
    }
}
