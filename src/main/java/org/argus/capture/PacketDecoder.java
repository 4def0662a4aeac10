package org.argus.capture;

import java.nio.ByteBuffer;

/**
 * Decodes raw frames into {@link PacketBatch} rows: link layer, outer IPv4/IPv6 header, IPv6 extension headers, and
 * the TCP/UDP/SCTP ports and TCP flags, and the few LAN messages the LAN detectors read (ARP; DHCP's message type and
 * client hardware address). Nothing is allocated per packet and nothing throws on bad input: a frame that
 * cannot be read is stored as {@link PacketBatch#KIND_MALFORMED} with a {@link Malformed} reason.
 *
 * <p>Link types (LINKTYPE_/DLT_ values as libpcap reports them): NULL (0), EN10MB (1, with any number of 802.1Q /
 * 802.1ad / QinQ tags), raw IP (12 and 14 as DLT_RAW on Linux and OpenBSD, 101 LINKTYPE_RAW), LOOP (108),
 * LINUX_SLL (113), IPV4 (228), IPV6 (229), LINUX_SLL2 (276), PPP (9, RFC 1661, with or without the RFC 1662
 * {@code ff 03} address/control bytes, protocol field compressed or not) and PPP in HDLC framing (50), Cisco HDLC
 * (104: address, control, an EtherType), IEEE 802.11 data frames (105; LLC/SNAP, encrypted frames are non-IP), and
 * 802.11 behind a radiotap (127) or PPI (192, its DLT field naming the frame inside) header. Only the outermost IP
 * header is read (tunnels are not followed), as in the ground truth in {@code shared/pcaps/README.md}.
 *
 * <p>Fragments: a non-first fragment (IPv4 offset &gt; 0, or an IPv6 Fragment header with offset &gt; 0) has no
 * transport header. For TCP and UDP it is {@link PacketBatch#KIND_FRAGMENT} (window totals only); for ICMP, ICMPv6 and
 * other protocols, whose flow key has no ports, it still belongs to its flow. Both are flagged
 * {@link PacketBatch#INFO_FRAGMENT}.
 */
public final class PacketDecoder {
    public static final int DLT_NULL = 0;
    public static final int DLT_EN10MB = 1;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int DLT_PPP = 9;
    public static final int DLT_PPP_HDLC = 50;
    public static final int DLT_C_HDLC = 104;
    public static final int DLT_IEEE802_11 = 105;
    public static final int DLT_IEEE802_11_RADIO = 127;
    public static final int DLT_PPI = 192;
    public static final int LINKTYPE_RAW = 101;
    public static final int DLT_LOOP = 108;
    public static final int DLT_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int DLT_LINUX_SLL2 = 276;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_SCTP = 132;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_RAW_GUESS = -1;
    private static final int MAX_IPV6_EXTENSIONS = 12;

    private final int linkType;
    /** Payload bytes kept per TCP/UDP packet ({@link #capturePayloads}); 0: none. */
    private int payloadLimit;
    private PacketRing ring;

    /** A decoder for frames of one link type (libpcap's {@code pcap_datalink} value). */
    public PacketDecoder(int linkType) {
        this.linkType = linkType;
    }

    /** True when {@link #decode} reads frames of this link type (others are counted as unsupported). */
    public static boolean supports(int linkType) {
        return switch (linkType) {
            case DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, DLT_LOOP, DLT_LINUX_SLL,
                 LINKTYPE_IPV4, LINKTYPE_IPV6, DLT_LINUX_SLL2, DLT_PPP, DLT_PPP_HDLC, DLT_C_HDLC, DLT_IEEE802_11,
                 DLT_IEEE802_11_RADIO, DLT_PPI -> true;
            default -> false;
        };
    }

    /**
     * What an operator is told about a link type Argus does not decode: which one, and that its frames count in the
     * window totals only ({@code malformed.unsupported_linktype}), never in flows, CSV rows or decisions.
     */
    public static String unsupportedText(int linkType) {
        return "link type " + linkType + " is not decoded (see https://www.tcpdump.org/linktypes.html): its frames count in "
                + "window totals only (malformed.unsupported_linktype), never in flows, CSV rows or decisions";
    }

    /**
     * Keeps the first {@code maxBytes} application payload bytes of every TCP and UDP packet (first fragments only;
     * TCP only with a sane header) in the batch ({@link PacketBatch#payloadLen}); 0 keeps none (the default).
     *
     * @return this decoder
     * @throws IllegalArgumentException when {@code maxBytes} is negative or above 65 535
     */
    public PacketDecoder capturePayloads(int maxBytes) {
        if (maxBytes < 0 || maxBytes > 65_535) {
            throw new IllegalArgumentException("payload bytes must be in 0..65535, got " + maxBytes);
        }
        this.payloadLimit = maxBytes;
        return this;
    }

    /**
     * Also appends every frame decoded to {@code ring} (evidence captures); null appends nowhere (the default).
     *
     * @return this decoder
     */
    public PacketDecoder recordTo(PacketRing ring) {
        this.ring = ring;
        if (ring != null) {
            ring.linkType(linkType);
        }
        return this;
    }

    /** The link type this decoder reads. */
    public int linkType() {
        return linkType;
    }

    /**
     * Appends one frame to {@code out} (which must not be full).
     *
     * @param d       frame bytes, starting at the link header
     * @param caplen  captured length (bytes of {@code d} that are valid)
     * @param tsNanos packet time, ns since the epoch
     * @param wireLen original length on the wire, link header included
     */
    public void decode(byte[] d, int caplen, long tsNanos, int wireLen, PacketBatch out) {
        decode(ByteBuffer.wrap(d), 0, caplen, tsNanos, wireLen, out);
    }

    /**
     * Appends one frame to {@code out} (which must not be full), read in place: the file reader hands its buffer
     * over without copying the frame. Only absolute gets are used; the buffer's position and limit are untouched.
     *
     * @param d       a big-endian buffer holding the frame
     * @param base    index of the frame's first byte (the link header) in {@code d}
     * @param caplen  captured length: bytes valid from {@code base} (clipped to the buffer's limit)
     * @param tsNanos packet time, ns since the epoch
     * @param wireLen original length on the wire, link header included
     */
    public void decode(ByteBuffer d, int base, int caplen, long tsNanos, int wireLen, PacketBatch out) {
        int i = out.size();
        decodeRow(d, base, caplen, tsNanos, wireLen, out);
        if (ring != null) {
            ring.append(d, base, caplen, tsNanos, wireLen, out.srcHi[i], out.srcLo[i], out.dstHi[i], out.dstLo[i]);
        }
    }

    private void decodeRow(ByteBuffer d, int base, int caplen, long tsNanos, int wireLen, PacketBatch out) {
        int i = out.next();
        out.tsNanos[i] = tsNanos;
        out.wireLen[i] = wireLen;
        out.tcpFlags[i] = 0;
        out.icmpTypeCode[i] = -1;
        out.ports[i] = 0;
        out.proto[i] = 0;
        out.reason[i] = 0;
        out.srcHi[i] = out.srcLo[i] = out.dstHi[i] = out.dstLo[i] = 0;
        out.srcMac[i] = 0;
        out.payloadLen[i] = 0;
        int info = caplen < wireLen ? PacketBatch.INFO_SNAPLEN_TRUNCATED : 0;
        caplen = Math.min(caplen, d.limit() - base);
        int limit = base + caplen;

        int off;
        int etherType;
        switch (linkType) {
            case DLT_EN10MB -> {
                if (caplen < 14) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                etherType = u16(d, base + 12);
                out.srcMac[i] = mac(d, base + 6);
                off = base + 14;
                while (etherType == 0x8100 || etherType == 0x88a8 || etherType == 0x9100) {
                    if (limit < off + 4) {
                        malformed(out, i, info, Malformed.TRUNCATED_LINK);
                        return;
                    }
                    etherType = u16(d, off + 2);
                    off += 4;
                }
            }
            case DLT_LINUX_SLL -> {
                if (caplen < 16) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                etherType = u16(d, base + 14);
                off = base + 16;
            }
            case DLT_LINUX_SLL2 -> {
                if (caplen < 20) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                etherType = u16(d, base);
                off = base + 20;
            }
            case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW -> {
                etherType = ETH_RAW_GUESS;
                off = base;
            }
            case LINKTYPE_IPV4 -> {
                etherType = ETH_IPV4;
                off = base;
            }
            case LINKTYPE_IPV6 -> {
                etherType = ETH_IPV6;
                off = base;
            }
            case DLT_NULL, DLT_LOOP -> {
                if (caplen < 4) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                int be = (int) u32(d, base);
                // DLT_NULL is in the capturing host's byte order; a family number is tiny, so the order whose
                // value is small is the right one. DLT_LOOP is always network order.
                int family = linkType == DLT_LOOP || Integer.compareUnsigned(be, 0xffff) <= 0 ? be : Integer.reverseBytes(be);
                etherType = switch (family) {
                    case 2 -> ETH_IPV4;
                    case 10, 24, 28, 30 -> ETH_IPV6;
                    default -> 0;
                };
                off = base + 4;
            }
            case DLT_PPP, DLT_PPP_HDLC -> {
                int o = base;
                if (limit - o >= 2 && (d.get(o) & 0xff) == 0xff && (d.get(o + 1) & 0xff) == 0x03) {
                    o += 2; // RFC 1662 address and control
                }
                if (limit - o < 1) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                int proto;
                if ((d.get(o) & 1) == 1) {
                    proto = d.get(o) & 0xff; // protocol field compressed to one byte (RFC 1661 section 6.5)
                    o += 1;
                } else if (limit - o >= 2) {
                    proto = u16(d, o);
                    o += 2;
                } else {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                etherType = proto == 0x0021 ? ETH_IPV4 : proto == 0x0057 ? ETH_IPV6 : 0;
                off = o;
            }
            case DLT_C_HDLC -> {
                if (caplen < 4) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                etherType = u16(d, base + 2);
                off = base + 4;
            }
            case DLT_IEEE802_11, DLT_IEEE802_11_RADIO, DLT_PPI -> {
                int o = base;
                if (linkType == DLT_IEEE802_11_RADIO || linkType == DLT_PPI) {
                    // radiotap: version, pad, length (LE u16); PPI: version, flags, length (LE u16), DLT (LE u32)
                    if (caplen < (linkType == DLT_PPI ? 8 : 4)) {
                        malformed(out, i, info, Malformed.TRUNCATED_LINK);
                        return;
                    }
                    int hlen = (d.get(base + 2) & 0xff) | (d.get(base + 3) & 0xff) << 8;
                    if (linkType == DLT_PPI) {
                        int inner = (d.get(base + 4) & 0xff) | (d.get(base + 5) & 0xff) << 8;
                        if (inner != DLT_IEEE802_11 || (d.get(base + 6) | d.get(base + 7)) != 0) {
                            malformed(out, i, info, Malformed.UNSUPPORTED_LINKTYPE);
                            return;
                        }
                    }
                    if (hlen < 4 || hlen > caplen) {
                        malformed(out, i, info, Malformed.TRUNCATED_LINK);
                        return;
                    }
                    o += hlen;
                }
                int hdr = ieee80211(d, o, limit);
                if (hdr == TRUNCATED) {
                    malformed(out, i, info, Malformed.TRUNCATED_LINK);
                    return;
                }
                if (hdr < 0) {
                    etherType = 0; // management, control, encrypted, or not LLC/SNAP: not IP
                    off = o;
                } else {
                    etherType = u16(d, hdr - 2);
                    off = hdr;
                }
            }
            default -> {
                malformed(out, i, info, Malformed.UNSUPPORTED_LINKTYPE);
                return;
            }
        }

        if (etherType == ETH_RAW_GUESS) {
            if (caplen < 1) {
                malformed(out, i, info, Malformed.TRUNCATED_IP);
                return;
            }
            int version = (d.get(base) & 0xff) >>> 4;
            etherType = version == 4 ? ETH_IPV4 : version == 6 ? ETH_IPV6 : 0;
            if (etherType == 0) {
                malformed(out, i, info, Malformed.BAD_IP_VERSION);
                return;
            }
        }
        if (etherType == ETH_IPV4) {
            ipv4(d, limit, off, out, i, info);
        } else if (etherType == ETH_IPV6) {
            ipv6(d, limit, off, out, i, info);
        } else {
            out.kind[i] = etherType == ETH_ARP && arp(d, limit, off, out, i) ? PacketBatch.KIND_ARP : PacketBatch.KIND_NON_IP;
            out.info[i] = (byte) info;
        }
    }

    /**
     * An ARP packet for IPv4 over Ethernet (RFC 826: hardware type 1, protocol 0x0800, lengths 6 and 4, 28 bytes) at
     * {@code o}: its fields into row {@code i}. Anything else — another hardware or protocol type, a cut packet —
     * stays an ordinary non-IP frame.
     */
    private static boolean arp(ByteBuffer d, int limit, int o, PacketBatch out, int i) {
        if (limit < o + 28 || u16(d, o) != 1 || u16(d, o + 2) != ETH_IPV4 || (d.get(o + 4) & 0xff) != 6
                || (d.get(o + 5) & 0xff) != 4) {
            return false;
        }
        out.proto[i] = (short) u16(d, o + 6);
        out.srcHi[i] = mac(d, o + 8);
        out.srcLo[i] = u32(d, o + 14);
        out.dstHi[i] = mac(d, o + 18);
        out.dstLo[i] = u32(d, o + 24);
        return true;
    }

    private static long mac(ByteBuffer d, int o) {
        return ((long) u16(d, o) << 32) | u32(d, o + 2);
    }

    private static final int TRUNCATED = -2;

    /**
     * An IEEE 802.11 frame at {@code o}: the index just after its LLC/SNAP header (the EtherType is the two bytes
     * before it) for an unencrypted data frame carrying one; {@link #TRUNCATED} when the frame is cut inside its
     * headers; -1 for anything else (management, control, null data, protected frames, A-MSDU, other LLC).
     * Layout from IEEE 802.11-2020 section 9.2.4: frame control (type bits 2-3, subtype 4-7; flags byte: To DS 0x01,
     * From DS 0x02, Protected 0x40, +HTC/Order 0x80), duration, three addresses, sequence control, a fourth address
     * when both DS bits are set, QoS control for QoS subtypes, HT control when QoS and +HTC.
     */
    private static int ieee80211(ByteBuffer d, int o, int limit) {
        if (limit - o < 24) {
            return TRUNCATED;
        }
        int fc0 = d.get(o) & 0xff, flags = d.get(o + 1) & 0xff;
        int type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
        if (type != 2 || (subtype & 0x4) != 0 || (flags & 0x40) != 0) {
            return -1; // not data, a no-data subtype, or encrypted
        }
        int h = o + 24;
        if ((flags & 0x03) == 0x03) {
            h += 6;
        }
        boolean qos = (subtype & 0x8) != 0;
        if (qos) {
            h += 2;
            if (limit < h) {
                return TRUNCATED;
            }
            if ((d.get(h - 2) & 0x80) != 0) {
                return -1; // A-MSDU: several subframes, not one LLC header
            }
            if ((flags & 0x80) != 0) {
                h += 4;
            }
        }
        if (limit - h < 8) {
            return TRUNCATED;
        }
        if ((d.get(h) & 0xff) != 0xaa || (d.get(h + 1) & 0xff) != 0xaa || (d.get(h + 2) & 0xff) != 0x03) {
            return -1;
        }
        return h + 8;
    }

    private void ipv4(ByteBuffer d, int limit, int off, PacketBatch out, int i, int info) {
        if (limit - off < 20) {
            malformed(out, i, info, Malformed.TRUNCATED_IP);
            return;
        }
        int b0 = d.get(off) & 0xff;
        if ((b0 >>> 4) != 4) {
            malformed(out, i, info, Malformed.BAD_IP_VERSION);
            return;
        }
        int ihl = (b0 & 0x0f) * 4;
        if (ihl < 20) {
            malformed(out, i, info, Malformed.BAD_IP_HEADER_LENGTH);
            return;
        }
        info |= PacketBatch.INFO_IP;
        int proto = d.get(off + 9) & 0xff;
        out.proto[i] = (short) proto;
        out.srcLo[i] = u32(d, off + 12);
        out.dstLo[i] = u32(d, off + 16);
        int totalLen = u16(d, off + 2);
        // Total length 0 happens with TSO on the capturing host; then trust the captured bytes.
        int end = totalLen >= ihl ? Math.min(limit, off + totalLen) : limit;
        boolean nonFirst = (u16(d, off + 6) & 0x1fff) != 0;
        transport(d, end, off + ihl, proto, nonFirst, out, i, info);
    }

    private void ipv6(ByteBuffer d, int limit, int off, PacketBatch out, int i, int info) {
        if (limit - off < 40) {
            malformed(out, i, info, Malformed.TRUNCATED_IP);
            return;
        }
        if (((d.get(off) & 0xff) >>> 4) != 6) {
            malformed(out, i, info, Malformed.BAD_IP_VERSION);
            return;
        }
        info |= PacketBatch.INFO_IP | PacketBatch.INFO_V6;
        out.srcHi[i] = u64(d, off + 8);
        out.srcLo[i] = u64(d, off + 16);
        out.dstHi[i] = u64(d, off + 24);
        out.dstLo[i] = u64(d, off + 32);
        int payloadLen = u16(d, off + 4);
        int end = payloadLen > 0 ? Math.min(limit, off + 40 + payloadLen) : limit;
        int nh = d.get(off + 6) & 0xff;
        int p = off + 40;
        boolean nonFirst = false;
        for (int n = 0; ; n++) {
            boolean ext = nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135 || nh == 139 || nh == 140;
            if (!ext || nonFirst) {
                break;
            }
            if (n == MAX_IPV6_EXTENSIONS || p + 8 > end) {
                out.proto[i] = (short) nh;
                malformed(out, i, info, Malformed.BAD_IPV6_EXTENSION);
                return;
            }
            int next = d.get(p) & 0xff;
            int len;
            if (nh == 44) {
                nonFirst = (u16(d, p + 2) >>> 3) != 0;
                len = 8;
            } else if (nh == 51) {
                len = ((d.get(p + 1) & 0xff) + 2) * 4;
            } else {
                len = ((d.get(p + 1) & 0xff) + 1) * 8;
            }
            nh = next;
            p += len;
        }
        out.proto[i] = (short) nh;
        transport(d, end, p, nh, nonFirst, out, i, info);
    }

    private void transport(ByteBuffer d, int end, int p, int proto, boolean nonFirst, PacketBatch out, int i, int info) {
        boolean ported = proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP;
        if (nonFirst) {
            info |= PacketBatch.INFO_FRAGMENT;
            out.info[i] = (byte) info;
            out.kind[i] = ported ? PacketBatch.KIND_FRAGMENT : PacketBatch.KIND_FLOW;
            return;
        }
        if (ported) {
            if (p + 4 > end) {
                malformed(out, i, info, Malformed.TRUNCATED_TRANSPORT);
                return;
            }
            out.ports[i] = (int) u32(d, p);
            if (proto == PROTO_UDP && (info & PacketBatch.INFO_V6) == 0 && dhcpPorts(out.ports[i])) {
                long m = dhcp(d, end, p + 8, out, i);
                if (m != 0) {
                    out.dhcp[i] = m;
                    info |= PacketBatch.INFO_DHCP;
                }
            }
            if (proto == PROTO_UDP && (out.ports[i] >>> 16) == MDNS_PORT) {
                String name = mdnsName(d, end, p + 8);
                if (name != null) {
                    out.mdnsName[i] = name;
                    info |= PacketBatch.INFO_MDNS;
                }
            }
            // Flags only from a sane TCP header: complete 20 bytes and a data offset of at least 5 words
            // (tshark, too, ignores the flags of a header with a bogus length).
            if (proto == PROTO_TCP && p + 20 <= end && (d.get(p + 12) & 0xf0) >= 0x50) {
                out.tcpFlags[i] = d.get(p + 13);
                if (payloadLimit > 0) {
                    int data = p + ((d.get(p + 12) & 0xf0) >>> 2);
                    if (data < end) {
                        out.putPayload(i, d, data, Math.min(end - data, payloadLimit));
                    }
                }
            } else if (proto == PROTO_UDP && payloadLimit > 0 && p + 8 < end) {
                out.putPayload(i, d, p + 8, Math.min(end - p - 8, payloadLimit));
            }
        } else if ((proto == PROTO_ICMP || proto == PROTO_ICMPV6) && p + 2 <= end) {
            out.icmpTypeCode[i] = (short) u16(d, p);
        }
        out.info[i] = (byte) info;
        out.kind[i] = PacketBatch.KIND_FLOW;
    }

    /** Client 68 to server 67, server to client, or relay to server (67 to 67). */
    private static boolean dhcpPorts(int ports) {
        int src = ports >>> 16, dst = ports & 0xffff;
        return (src == 68 && dst == 67) || (src == 67 && (dst == 68 || dst == 67));
    }

    /**
     * A DHCP message (RFC 2131 section 2: BOOTP header of 236 bytes, magic cookie 99.130.83.99, options) at
     * {@code o}: {@code type << 48 | chaddr} for an Ethernet client (htype 1, hlen 6) with a message type option
     * (53), else 0. Options are read up to {@code end} (pad 0 skipped, end 255 stops, a cut option stops). The host
     * name (option 12; else the name of the client FQDN option 81, RFC 4702, when it is in ASCII) and the vendor class
     * (option 60) go to {@code out}'s row {@code i}, null when absent.
     */
    private static long dhcp(ByteBuffer d, int end, int o, PacketBatch out, int i) {
        if (end < o + 240 || (d.get(o + 1) & 0xff) != 1 || (d.get(o + 2) & 0xff) != 6 || d.getInt(o + 236) != 0x63825363) {
            return 0;
        }
        int type = 0;
        String host = null, fqdn = null, vendor = null;
        for (int q = o + 240; q < end; ) {
            int code = d.get(q) & 0xff;
            if (code == 0) {
                q++;
                continue;
            }
            if (code == 255 || q + 2 > end) {
                break;
            }
            int len = d.get(q + 1) & 0xff;
            if (q + 2 + len > end) {
                break;
            }
            switch (code) {
                case 53 -> type = len == 1 ? d.get(q + 2) & 0xff : type;
                case 12 -> host = text(d, q + 2, len);
                case 60 -> vendor = text(d, q + 2, len);
                // flags, two obsolete rcodes, then the name; flag E (0x04) means wire-format labels: not read
                case 81 -> fqdn = len > 3 && (d.get(q + 2) & 0x04) == 0 ? text(d, q + 5, len - 3) : fqdn;
                default -> { }
            }
            q += 2 + len;
        }
        if (type == 0) {
            return 0;
        }
        out.dhcpHostName[i] = host != null ? host : fqdn;
        out.dhcpVendorClass[i] = vendor;
        return (long) type << 48 | mac(d, o + 28);
    }

    private static final int MDNS_PORT = 5353;
    /** Answers of one mDNS message looked at, and compression pointers followed in one name. */
    private static final int MDNS_MAX_ANSWERS = 32, MDNS_MAX_JUMPS = 16;

    /**
     * The host name an mDNS response (RFC 6762; DNS message format of RFC 1035 section 4.1) at {@code o} announces:
     * the first label of the owner name of its first A (type 1, 4 bytes) or AAAA (type 28, 16 bytes) answer whose
     * name is {@code <label>.local}, as printable ASCII; null for a query, a cut or malformed message, or none such.
     */
    static String mdnsName(ByteBuffer d, int end, int o) {
        if (o + 12 > end || (d.get(o + 2) & 0x80) == 0) {
            return null;
        }
        int questions = u16(d, o + 4), answers = Math.min(u16(d, o + 6), MDNS_MAX_ANSWERS);
        int q = o + 12;
        for (int k = 0; k < questions && q >= 0; k++) {
            q = skipName(d, end, q);
            q = q < 0 || q + 4 > end ? -1 : q + 4;
        }
        for (int k = 0; k < answers && q >= 0; k++) {
            int owner = q;
            q = skipName(d, end, q);
            if (q < 0 || q + 10 > end) {
                return null;
            }
            int type = u16(d, q), length = u16(d, q + 8);
            q += 10;
            if ((type == 1 && length == 4) || (type == 28 && length == 16)) {
                String host = localHost(d, end, o, owner);
                if (host != null) {
                    return host;
                }
            }
            q = q + length > end ? -1 : q + length;
        }
        return null;
    }

    /** Past a (possibly compressed) name at {@code q}; -1 when it is cut or malformed. */
    private static int skipName(ByteBuffer d, int end, int q) {
        while (q < end) {
            int len = d.get(q) & 0xff;
            if (len == 0) {
                return q + 1;
            }
            if ((len & 0xc0) == 0xc0) {
                return q + 2 <= end ? q + 2 : -1;
            }
            if (len > 63) {
                return -1;
            }
            q += 1 + len;
        }
        return -1;
    }

    /** The first label of the name at {@code q} (message at {@code msg}) when the name is {@code <label>.local}. */
    private static String localHost(ByteBuffer d, int end, int msg, int q) {
        int first = -1, firstLen = 0, labels = 0, last = -1, lastLen = 0;
        for (int jumps = 0; q < end; ) {
            int len = d.get(q) & 0xff;
            if (len == 0) {
                boolean local = labels == 2 && lastLen == 5 && "local".equalsIgnoreCase(text(d, last, 5));
                return local && firstLen > 0 ? text(d, first, firstLen) : null;
            }
            if ((len & 0xc0) == 0xc0) {
                if (q + 2 > end || ++jumps > MDNS_MAX_JUMPS) {
                    return null;
                }
                q = msg + (u16(d, q) & 0x3fff);
                continue;
            }
            if (len > 63 || q + 1 + len > end) {
                return null;
            }
            if (labels++ == 0) {
                first = q + 1;
                firstLen = len;
            }
            last = q + 1;
            lastLen = len;
            q += 1 + len;
        }
        return null;
    }

    /** Printable ASCII of an option (others as '?'), trailing NULs dropped; null when empty. */
    private static String text(ByteBuffer d, int from, int len) {
        while (len > 0 && d.get(from + len - 1) == 0) {
            len--;
        }
        if (len == 0) {
            return null;
        }
        char[] c = new char[len];
        for (int k = 0; k < len; k++) {
            int b = d.get(from + k) & 0xff;
            c[k] = b >= 0x20 && b < 0x7f ? (char) b : '?';
        }
        return new String(c);
    }

    private static void malformed(PacketBatch out, int i, int info, Malformed why) {
        out.kind[i] = PacketBatch.KIND_MALFORMED;
        out.info[i] = (byte) info;
        out.reason[i] = (byte) why.ordinal();
    }

    private static int u16(ByteBuffer d, int o) {
        return d.getShort(o) & 0xffff;
    }

    private static long u32(ByteBuffer d, int o) {
        return d.getInt(o) & 0xffffffffL;
    }

    private static long u64(ByteBuffer d, int o) {
        return d.getLong(o);
    }
}
