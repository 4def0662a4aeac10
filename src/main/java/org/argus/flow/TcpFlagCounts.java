package org.argus.flow;

/**
 * TCP flag counts of one flow in one window, both directions together: how many segments carried each flag.
 *
 * @param syn    SYN without ACK (connection attempts)
 * @param synAck SYN with ACK (handshake answers)
 * @param fin    FIN
 * @param rst    RST
 * @param psh    PSH
 * @param ack    ACK (any segment with ACK set, SYN-ACK included)
 */
public record TcpFlagCounts(int syn, int synAck, int fin, int rst, int psh, int ack) {
    /** All zero: non-TCP flows. */
    public static final TcpFlagCounts NONE = new TcpFlagCounts(0, 0, 0, 0, 0, 0);
}
