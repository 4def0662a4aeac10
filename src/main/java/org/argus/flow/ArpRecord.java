package org.argus.flow;

/**
 * ARP packets (RFC 826, Ethernet/IPv4) with the same opcode and sender and target fields in one window, counted. ARP is
 * not IP: these are not flows, but what LAN detectors (ARP sweeps, ARP spoofing) read. Immutable.
 *
 * @param op             1 request (who-has), 2 reply (is-at)
 * @param senderMac      sender hardware address, the low 48 bits
 * @param senderIp       sender protocol address (0.0.0.0 for an RFC 5227 probe)
 * @param targetMac      target hardware address (zero in requests)
 * @param targetIp       target protocol address
 * @param packets        packets with these fields in the window
 * @param firstSeenNanos the first one's time, ns since the epoch
 */
public record ArpRecord(int op, long senderMac, IpAddress senderIp, long targetMac, IpAddress targetIp, long packets,
                        long firstSeenNanos) {
    /** ARP request. */
    public static final int REQUEST = 1;
    /** ARP reply. */
    public static final int REPLY = 2;

    /** {@code 02:00:00:00:00:01}. */
    public static String mac(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int octet = (int) (mac >>> (8 * i)) & 0xff;
            b.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (i > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }
}
