package org.argus.flow;

/**
 * TCP flag counts of one flow in one window: how many segments carried each flag (both directions together), which
 * flags each side used at all, and how many segments carried a combination no TCP stack sends in a connection.
 *
 * @param syn             SYN without ACK (connection attempts)
 * @param synAck          SYN with ACK (handshake answers)
 * @param fin             FIN
 * @param rst             RST
 * @param psh             PSH
 * @param ack             ACK (any segment with ACK set, SYN-ACK included)
 * @param unusual         segments with an impossible or scan-only combination ({@link #unusual(int)}): no flag at
 *                        all (NULL scan), FIN/PSH/URG without ACK (FIN and Xmas scans), SYN with FIN or RST
 * @param originatorFlags every flag the originator set in the window, OR-ed (the low 8 bits of the TCP flags byte)
 * @param responderFlags  every flag the responder set in the window, OR-ed
 */
public record TcpFlagCounts(int syn, int synAck, int fin, int rst, int psh, int ack, int unusual, int originatorFlags,
                            int responderFlags) {
    /** All zero: non-TCP flows. */
    public static final TcpFlagCounts NONE = new TcpFlagCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

    /** Counts without the per-side detail (flows rebuilt from a CSV row, tests). */
    public TcpFlagCounts(int syn, int synAck, int fin, int rst, int psh, int ack) {
        this(syn, synAck, fin, rst, psh, ack, 0, 0, 0);
    }

    /**
     * True for a flag combination that no TCP connection carries (RFC 9293): every segment after the first SYN has
     * ACK set, and a SYN never comes with FIN or RST. So: no flag at all (nmap {@code -sN}), FIN, PSH or URG without
     * ACK (nmap {@code -sF}, {@code -sX}), SYN+FIN, SYN+RST. A bare RST (the answer to a segment without ACK) and ECN
     * bits are normal.
     */
    public static boolean unusual(int flags) {
        int f = flags & 0x3f;
        if ((f & SYN) != 0) {
            return (f & (FIN | RST)) != 0;
        }
        if ((f & RST) != 0) {
            return false;
        }
        return (f & ACK) == 0; // NULL, FIN, Xmas (FIN|PSH|URG), PSH or URG alone
    }
}
