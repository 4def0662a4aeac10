package org.argus.capture;

/**
 * A batch of decoded packets in columnar form (one array per field), so that a capture thread hands thousands of
 * packets to the flow stage in one message with no object per packet.
 *
 * <p>Ownership: the capture thread fills a batch, then hands it over and never touches it again; from then on the
 * batch is read-only. It crosses the event bus only locally, by reference. The consumer calls {@link #release()}
 * once it has read the batch, which frees a slot in the capture queue.
 *
 * <p>Per packet: {@code tsNanos} (packet time, nanoseconds since the epoch), {@code wireLen} (original length on the
 * wire in bytes, link header included: pcap {@code orig_len}), {@code kind} ({@link #KIND_FLOW} etc.),
 * {@code info} bits ({@link #INFO_V6} etc.), {@code proto} (IP protocol after IPv6 extension headers),
 * addresses as {@link org.argus.flow.IpAddress} halves, {@code ports} ({@code srcPort << 16 | dstPort}),
 * {@code tcpFlags} (the TCP flags byte, 0 when absent), {@code reason} (a {@link Malformed} ordinal for
 * {@link #KIND_MALFORMED}) and {@code dhcp} (see {@link #INFO_DHCP}).
 */
public final class PacketBatch {
    /** IP packet whose flow key is complete: counts in a flow. */
    public static final byte KIND_FLOW = 0;
    /** Non-first TCP/UDP fragment: IP, in window totals, not in any flow (no transport header). */
    public static final byte KIND_FRAGMENT = 1;
    /** Not IP (ARP, STP, LLC, ...): in window totals only. */
    public static final byte KIND_NON_IP = 2;
    /** Could not be decoded; {@code reason} says why. In window totals only. */
    public static final byte KIND_MALFORMED = 3;
    /**
     * An Ethernet/IPv4 ARP packet (not IP, counted with the non-IP frames): {@code proto} holds the opcode,
     * {@code srcHi}/{@code srcLo} the sender's MAC and IPv4 address, {@code dstHi}/{@code dstLo} the target's.
     */
    public static final byte KIND_ARP = 4;

    /** IPv6 (else IPv4, when the packet is IP). */
    public static final int INFO_V6 = 1;
    /** Carries an IP header (IPv4 or IPv6), whatever its kind. */
    public static final int INFO_IP = 2;
    /** A non-first IP fragment (offset &gt; 0). */
    public static final int INFO_FRAGMENT = 4;
    /** Captured length shorter than the wire length (snaplen). */
    public static final int INFO_SNAPLEN_TRUNCATED = 8;
    /** An IPv4 UDP packet between ports 67/68 carrying a DHCP message (RFC 2131): {@code dhcp} holds its fields. */
    public static final int INFO_DHCP = 16;
    /**
     * A UDP packet from port 5353 carrying an mDNS response (RFC 6762) that names its sender: {@code mdnsName} holds
     * the host name of its first A or AAAA answer under {@code .local}.
     */
    public static final int INFO_MDNS = 32;

    public final long[] tsNanos;
    public final int[] wireLen;
    public final byte[] kind;
    public final byte[] info;
    public final short[] proto;
    public final long[] srcHi;
    public final long[] srcLo;
    public final long[] dstHi;
    public final long[] dstLo;
    public final int[] ports;
    public final byte[] tcpFlags;
    /** ICMP/ICMPv6 type and code as {@code type << 8 | code}; -1 when not ICMP or not visible (non-first fragment). */
    public final short[] icmpTypeCode;
    public final byte[] reason;
    /**
     * For rows with {@link #INFO_DHCP} only (other rows leave it stale): the DHCP message type (option 53: 1
     * DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, ...) in bits 48-55 and the client hardware address ({@code chaddr}) in the
     * low 48 bits.
     */
    public final long[] dhcp;
    /**
     * The Ethernet source address (the low 48 bits, first octet highest) of frames on an Ethernet link; 0 on other
     * link types and for frames too short to say.
     */
    public final long[] srcMac;
    /** For rows with {@link #INFO_DHCP} only: the client's host name (DHCP option 12 or 81), or null. */
    public final String[] dhcpHostName;
    /** For rows with {@link #INFO_DHCP} only: the vendor class identifier (option 60), or null. */
    public final String[] dhcpVendorClass;
    /** For rows with {@link #INFO_MDNS} only: the host name (first label of {@code <name>.local}) its sender announced. */
    public final String[] mdnsName;
    /**
     * TCP/UDP application payload bytes of the row kept in {@link #payloadBytes} (0: none kept), only when the decoder
     * captures payloads ({@link PacketDecoder#capturePayloads}); at most that limit, from the payload's start.
     */
    public final int[] payloadLen;
    /** Where row {@code i}'s payload bytes start in {@link #payloadBytes} (valid when {@code payloadLen[i] > 0}). */
    public final int[] payloadAt;
    /** The batch's payload bytes, rows one after another; grows as needed, reused across fills. */
    public byte[] payloadBytes = new byte[0];
    private int payloadFill;

    private final boolean endOfInput;
    private int size;
    private Runnable onRelease;

    /** A batch that holds up to {@code capacity} packets. */
    public PacketBatch(int capacity) {
        this(capacity, false);
    }

    /** The empty marker a file source sends after its last batch: the flow stage closes its open window. */
    public static PacketBatch endOfInput() {
        return new PacketBatch(0, true);
    }

    private PacketBatch(int capacity, boolean endOfInput) {
        this.endOfInput = endOfInput;
        tsNanos = new long[capacity];
        wireLen = new int[capacity];
        kind = new byte[capacity];
        info = new byte[capacity];
        proto = new short[capacity];
        srcHi = new long[capacity];
        srcLo = new long[capacity];
        dstHi = new long[capacity];
        dstLo = new long[capacity];
        ports = new int[capacity];
        tcpFlags = new byte[capacity];
        icmpTypeCode = new short[capacity];
        reason = new byte[capacity];
        dhcp = new long[capacity];
        srcMac = new long[capacity];
        dhcpHostName = new String[capacity];
        dhcpVendorClass = new String[capacity];
        mdnsName = new String[capacity];
        payloadLen = new int[capacity];
        payloadAt = new int[capacity];
    }

    /** Keeps {@code len} payload bytes of row {@code i}, read from {@code d} at {@code from} (absolute gets). */
    void putPayload(int i, java.nio.ByteBuffer d, int from, int len) {
        if (payloadFill + len > payloadBytes.length) {
            payloadBytes = java.util.Arrays.copyOf(payloadBytes, Math.max(payloadFill + len, Math.max(4096, payloadBytes.length * 2)));
        }
        d.get(from, payloadBytes, payloadFill, len);
        payloadAt[i] = payloadFill;
        payloadLen[i] = len;
        payloadFill += len;
    }

    /** True for the end-of-input marker (no packets). */
    public boolean isEndOfInput() {
        return endOfInput;
    }

    /** Number of packets in the batch. */
    public int size() {
        return size;
    }

    /** Maximum number of packets. */
    public int capacity() {
        return tsNanos.length;
    }

    /** True when no more packets fit. */
    public boolean isFull() {
        return size == tsNanos.length;
    }

    /** Empties the batch for reuse (a recycling reader); the arrays are kept, their contents overwritten by the next fill. */
    public void clear() {
        size = 0;
        payloadFill = 0;
        onRelease = null;
    }

    /** Reserves the next slot and returns its index; the caller fills every field of it. */
    int next() {
        return size++;
    }

    /** Sets what {@link #release()} runs (the capture queue's slot release). */
    public void onRelease(Runnable action) {
        this.onRelease = action;
    }

    /** Called once by the consumer when it is done with the batch. */
    public void release() {
        Runnable r = onRelease;
        onRelease = null;
        if (r != null) {
            r.run();
        }
    }
}
