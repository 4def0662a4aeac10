package org.argus.flow;

/**
 * DHCP messages (RFC 2131, IPv4, Ethernet clients) with the same type, client and addresses in one window, counted.
 * They also count in their UDP flows; these records are what the LAN detectors (starvation, rogue servers) read.
 * Immutable.
 *
 * @param type           the message type (option 53): {@link #DISCOVER}, {@link #OFFER}, {@link #REQUEST},
 *                       {@link #ACK}, ...
 * @param clientMac      the client hardware address ({@code chaddr}), the low 48 bits
 * @param source         the IP source address (0.0.0.0 for a client without a lease; the server or relay for
 *                       offers and acks)
 * @param destination    the IP destination address (often 255.255.255.255)
 * @param packets        messages with these fields in the window
 * @param firstSeenNanos the first one's time, ns since the epoch
 * @param hostName       the host name the client's messages carried this window (option 12, else 81), or null
 * @param vendorClass    their vendor class identifier (option 60, e.g. "android-dhcp-13"), or null
 */
public record DhcpRecord(int type, long clientMac, IpAddress source, IpAddress destination, long packets,
                         long firstSeenNanos, String hostName, String vendorClass) {
    /** A record without names. */
    public DhcpRecord(int type, long clientMac, IpAddress source, IpAddress destination, long packets, long firstSeenNanos) {
        this(type, clientMac, source, destination, packets, firstSeenNanos, null, null);
    }

    /** DHCPDISCOVER. */
    public static final int DISCOVER = 1;
    /** DHCPOFFER. */
    public static final int OFFER = 2;
    /** DHCPREQUEST. */
    public static final int REQUEST = 3;
    /** DHCPACK. */
    public static final int ACK = 5;
}
