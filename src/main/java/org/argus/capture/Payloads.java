package org.argus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The application payloads of a capture file's TCP and UDP packets, for training and testing the payload classifier
 * offline: Ethernet (with 802.1Q/802.1ad tags), Linux cooked (SLL) and raw IPv4/IPv6 link types; IPv4 (options
 * skipped; fragments after the first left out) and IPv6 (the fixed header only: a packet whose next header is not
 * TCP or UDP is left out). Malformed headers are skipped. Reads with the project's own file parser (pcap, pcapng).
 */
public final class Payloads {
    /** One payload: IP protocol (6, 17), ports, the payload's first bytes (at most the limit given). */
    public record Payload(int protocol, int srcPort, int dstPort, byte[] bytes) {
    }

    /** Receives payloads in file order. */
    public interface Sink {
        void accept(Payload p);
    }

    private Payloads() {
    }

    /**
     * Reads every packet of {@code file}; each non-empty TCP/UDP payload (first {@code maxBytes} bytes) goes to
     * {@code sink}.
     *
     * @return packets read
     * @throws IOException when the file cannot be read or is not a capture this parser reads
     */
    public static long read(Path file, int maxBytes, Sink sink) throws IOException {
        long packets = 0;
        try (CaptureFileParser p = CaptureFileParser.open(file)) {
            if (p == null) {
                throw new IOException(file + ": not a pcap or pcapng file this reader takes");
            }
            int link = p.linkType();
            while (p.next()) {
                packets++;
                ByteBuffer b = p.frames();
                int start = p.offset, end = p.offset + p.caplen;
                int ip = switch (link) {
                    case 1 -> ethernet(b, start, end);
                    case 113 -> end - start >= 16 && isIp(b.getShort(start + 14) & 0xFFFF) ? start + 16 : -1; // SLL: type at 14
                    case 101, 228, 229, 12, 14 -> start;
                    default -> -1;
                };
                if (ip >= 0) {
                    Payload pl = ip(b, ip, end, maxBytes);
                    if (pl != null) {
                        sink.accept(pl);
                    }
                }
            }
        }
        return packets;
    }

    private static int ethernet(ByteBuffer b, int start, int end) {
        int at = start + 12;
        while (at + 2 <= end) {
            int type = b.getShort(at) & 0xFFFF;
            if (type == 0x8100 || type == 0x88A8) {
                at += 4;
                continue;
            }
            return isIp(type) ? at + 2 : -1;
        }
        return -1;
    }

    private static boolean isIp(int etherType) {
        return etherType == 0x0800 || etherType == 0x86DD;
    }

    private static Payload ip(ByteBuffer b, int at, int end, int maxBytes) {
        if (at >= end) {
            return null;
        }
        int version = (b.get(at) & 0xFF) >> 4;
        int proto, l4;
        if (version == 4) {
            if (at + 20 > end) {
                return null;
            }
            int ihl = (b.get(at) & 0x0F) * 4;
            int total = b.getShort(at + 2) & 0xFFFF;
            int fragOffset = b.getShort(at + 6) & 0x1FFF;
            if (ihl < 20 || fragOffset != 0) {
                return null;
            }
            end = Math.min(end, at + Math.max(total, ihl));
            proto = b.get(at + 9) & 0xFF;
            l4 = at + ihl;
        } else if (version == 6) {
            if (at + 40 > end) {
                return null;
            }
            end = Math.min(end, at + 40 + (b.getShort(at + 4) & 0xFFFF));
            proto = b.get(at + 6) & 0xFF;
            l4 = at + 40;
        } else {
            return null;
        }
        int data;
        if (proto == 6) {
            if (l4 + 20 > end) {
                return null;
            }
            int off = ((b.get(l4 + 12) & 0xFF) >> 4) * 4;
            if (off < 20) {
                return null;
            }
            data = l4 + off;
        } else if (proto == 17) {
            data = l4 + 8;
        } else {
            return null;
        }
        if (data >= end) {
            return null;
        }
        byte[] out = new byte[Math.min(maxBytes, end - data)];
        b.get(data, out);
        return new Payload(proto, b.getShort(l4) & 0xFFFF, b.getShort(l4 + 2) & 0xFFFF, out);
    }
}
