package org.argus.flow;

/**
 * Size and timing detail of one flow in one window, both directions together: enough for the min/mean/max/std of
 * packet sizes and the mean/std of inter-arrival times (mean = total / count, std from the sum of squares).
 *
 * @param sizeMin              smallest wire length seen, bytes (0 when unknown)
 * @param sizeMax              largest wire length seen, bytes (0 when unknown)
 * @param sizeSumSquares       sum of squared wire lengths, bytes²
 * @param gapSumSquaresSeconds sum of squared gaps between consecutive packets of the flow in the window, s²
 *                             (out-of-order packets add no gap)
 * @param icmpTypeCode         {@code type << 8 | code} of the flow's first ICMP/ICMPv6 message; -1 when not ICMP or
 *                             unknown
 */
public record PacketShape(int sizeMin, int sizeMax, double sizeSumSquares, double gapSumSquaresSeconds, int icmpTypeCode) {
    /** No detail known: records rebuilt from CSV rows. */
    public static final PacketShape UNKNOWN = new PacketShape(0, 0, Double.NaN, Double.NaN, -1);

    /** Whether size and gap detail is present. */
    public boolean known() {
        return !Double.isNaN(sizeSumSquares);
    }
}
