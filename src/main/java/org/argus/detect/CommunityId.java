package org.argus.detect;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * Community ID v1 flow hashing (corelight/community-id-spec), the string Zeek, Suricata and Wireshark attach to a
 * flow so records from different tools join: {@code "1:" + base64(sha1(seed ‖ addrA ‖ addrB ‖ proto ‖ 0 ‖ portA ‖ portB))}
 * with seed as 2 bytes big-endian, addresses in network byte order (4 or 16 bytes), ports as 2 bytes, and the
 * endpoints ordered so the same conversation hashes alike in both directions.
 *
 * <p>ICMP and ICMPv6 use the message type as source port and the code as destination port, except that
 * request/reply types with a counterpart (echo, timestamp, router/neighbor discovery, ...) use the counterpart type,
 * so both directions share an ID; one-way messages keep their direction. A flow record carries the type and code of
 * its first ICMP message, so an ICMP conversation that mixes message kinds gets the ID of its first one. Other
 * protocols hash without ports. Checked against Wireshark's own implementation on the shared captures.
 */
public final class CommunityId {
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private CommunityId() {
    }

    /** The flow's Community ID with seed 0 (the default every tool uses). */
    public static String of(FlowRecord f) {
        int sport = f.originatorPort(), dport = f.responderPort();
        if (isIcmp(f.protocol())) {
            int tc = f.shape().icmpTypeCode();
            if (tc < 0) {
                return of(0, f.protocol(), f.originator(), 0, f.responder(), 0, false);
            }
            sport = tc >>> 8;
            dport = tc & 0xff;
        }
        return of(0, f.protocol(), f.originator(), sport, f.responder(), dport, true);
    }

    /**
     * The Community ID of one packet's 5-tuple.
     *
     * @param seed     16-bit seed (0 unless all tools agree on another)
     * @param protocol IP protocol number
     * @param src      source address
     * @param srcPort  source port; for ICMP/ICMPv6 the type
     * @param dst      destination address (same family as {@code src})
     * @param dstPort  destination port; for ICMP/ICMPv6 the code
     * @param hasPorts false to hash without ports (ICMP with unknown type)
     * @return {@code "1:"} followed by 28 base64 characters
     */
    public static String of(int seed, int protocol, IpAddress src, int srcPort, IpAddress dst, int dstPort, boolean hasPorts) {
        boolean portsInHash = hasPorts && (protocol == 6 || protocol == 17 || protocol == 132 || isIcmp(protocol));
        boolean oneWay = false;
        if (portsInHash && isIcmp(protocol)) {
            int counterpart = counterpart(protocol, srcPort);
            if (counterpart >= 0) {
                dstPort = counterpart;
            } else {
                oneWay = true;
            }
        }
        int c = src.compareTo(dst);
        boolean ordered = oneWay || c < 0 || (c == 0 && srcPort <= dstPort);
        IpAddress a = ordered ? src : dst, b = ordered ? dst : src;
        int pa = ordered ? srcPort : dstPort, pb = ordered ? dstPort : srcPort;
        MessageDigest md = SHA1.get();
        md.reset();
        md.update((byte) (seed >>> 8));
        md.update((byte) seed);
        md.update(a.toBytes());
        md.update(b.toBytes());
        md.update((byte) protocol);
        md.update((byte) 0);
        if (portsInHash) {
            md.update(new byte[] {(byte) (pa >>> 8), (byte) pa, (byte) (pb >>> 8), (byte) pb});
        }
        return "1:" + Base64.getEncoder().encodeToString(md.digest());
    }

    private static boolean isIcmp(int protocol) {
        return protocol == 1 || protocol == 58;
    }

    /** The type answering {@code type} (echo request ↔ reply, ...), or -1 for a one-way message. */
    private static int counterpart(int protocol, int type) {
        if (protocol == 1) {
            return switch (type) {
                case 8 -> 0; case 0 -> 8; case 13 -> 14; case 14 -> 13; case 15 -> 16; case 16 -> 15;
                case 10 -> 9; case 9 -> 10; case 17 -> 18; case 18 -> 17;
                default -> -1;
            };
        }
        return switch (type) {
            case 128 -> 129; case 129 -> 128; case 133 -> 134; case 134 -> 133; case 135 -> 136; case 136 -> 135;
            case 139 -> 140; case 140 -> 139; case 144 -> 145; case 145 -> 144;
            default -> -1;
        };
    }
}
