package org.argus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads capture files in plain Java, for offline input only (live capture stays on libpcap): classic pcap
 * (magic {@code a1b2c3d4} microseconds / {@code a1b23c4d} nanoseconds, either byte order, version 2.x; format:
 * the libpcap file format, draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng: section header, interface
 * description with {@code if_tsresol}/{@code if_tsoffset}, enhanced, simple and obsolete packet blocks; other blocks
 * skipped). No JNA call, no allocation and no copy per packet: the file is read into one 4 MiB direct buffer (one
 * copy, kernel to buffer) and each frame is decoded where it lies ({@link #frames}, {@link #offset}), so a file reads
 * at several times the rate of pcap4j's {@code loop}.
 *
 * <p>It declines (returns null from {@link #open}) what it does not handle exactly like libpcap — an unknown magic or
 * version, a broken section header — and the caller then uses libpcap, whose error messages stay the ones users see.
 * A pcapng interface with another link type than the first ends the read like libpcap's error does. A file that ends inside a record keeps every complete record before it,
 * like libpcap; {@link #truncated()} says so. Not thread-safe.
 */
final class CaptureFileParser implements AutoCloseable {
    private static final int BUFFER = 4 << 20;
    /** Larger records are corrupt (libpcap's limit for most link types is 256 KiB; allow 16 MiB). */
    private static final int MAX_RECORD = 16 << 20;

    private final FileChannel channel;
    private final boolean pcapng;
    private ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    /** The same memory as {@link #buf} in network byte order, for the decoder; limit = capacity. */
    private ByteBuffer frames = networkView(buf);
    private boolean eof;
    private boolean truncated;
    private int linkType = -1;
    private boolean nanosPcap;
    // pcapng interfaces (section-local)
    private long[] ifUnitsPerSecond = new long[4];
    private long[] ifOffsetSeconds = new long[4];
    private int[] ifSnaplen = new int[4];
    private int interfaces;

    /** The current packet after {@link #next}: {@link #caplen} bytes in {@link #frames()} from {@link #offset}. */
    int offset;
    int caplen;
    int wireLen;
    long tsNanos;

    private CaptureFileParser(FileChannel channel, boolean pcapng) {
        this.channel = channel;
        this.pcapng = pcapng;
    }

    /**
     * Opens a file and reads its header.
     *
     * @return the parser, or null when the file is not one this reader takes (the caller falls back to libpcap)
     * @throws IOException when the file cannot be read
     */
    static CaptureFileParser open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill
            }
            if (head.position() < 24) {
                ch.close();
                return null;
            }
            head.flip();
            int magic = head.getInt(0);
            CaptureFileParser p;
            if (magic == 0x0A0D0D0A) {
                p = new CaptureFileParser(ch, true);
                ch.position(0);
                if (!p.readBlocksUntilPacket()) {
                    p.close();
                    return null;
                }
                return p;
            }
            ByteOrder order;
            boolean nanos;
            switch (magic) {
                case 0xa1b2c3d4 -> { order = ByteOrder.LITTLE_ENDIAN; nanos = false; }
                case 0xa1b23c4d -> { order = ByteOrder.LITTLE_ENDIAN; nanos = true; }
                case 0xd4c3b2a1 -> { order = ByteOrder.BIG_ENDIAN; nanos = false; }
                case 0x4d3cb2a1 -> { order = ByteOrder.BIG_ENDIAN; nanos = true; }
                default -> {
                    ch.close();
                    return null;
                }
            }
            head.order(order);
            if (head.getShort(4) != 2) {
                ch.close();
                return null; // libpcap refuses other major versions with its own message
            }
            p = new CaptureFileParser(ch, false);
            p.buf.order(order);
            p.nanosPcap = nanos;
            p.linkType = head.getInt(20) & 0xFFFF;
            ch.position(24);
            p.buf.limit(0);
            return p;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The link type (LINKTYPE_ value; the decoder takes these as well as libpcap's DLT values). */
    int linkType() {
        return linkType;
    }

    /** True when the file ended inside a record (the records before it were all read). */
    boolean truncated() {
        return truncated;
    }

    /**
     * Reads the next packet into {@link #data}, {@link #caplen}, {@link #wireLen}, {@link #tsNanos}.
     *
     * @return false at the end of the file (or at a cut record: see {@link #truncated()})
     */
    boolean next() throws IOException {
        return pcapng ? nextPcapng() : nextPcap();
    }

    private boolean nextPcap() throws IOException {
        if (!ensure(16)) {
            return false;
        }
        long sec = buf.getInt() & 0xFFFFFFFFL;
        long frac = buf.getInt() & 0xFFFFFFFFL;
        int incl = buf.getInt(), orig = buf.getInt();
        if (incl < 0 || incl > MAX_RECORD) {
            truncated = true; // corrupt length: libpcap stops with an error here too
            return false;
        }
        if (!ensure(incl)) {
            return false;
        }
        take(incl);
        wireLen = orig;
        tsNanos = sec * 1_000_000_000L + (nanosPcap ? frac : frac * 1000);
        return true;
    }

    private boolean nextPcapng() throws IOException {
        while (true) {
            if (!ensure(8)) {
                return false;
            }
            int type = buf.getInt(buf.position()), total = buf.getInt(buf.position() + 4);
            if (type == 0x0A0D0D0A) {
                if (!readSectionHeader()) {
                    return false;
                }
                continue;
            }
            if (total < 12 || (total & 3) != 0 || total > MAX_RECORD) {
                truncated = true;
                return false;
            }
            if (!ensure(total)) {
                return false;
            }
            int start = buf.position();
            switch (type) {
                case 1 -> {
                    if (!interfaceDescription(start, total)) {
                        // another link type than the first interface's: libpcap stops with an error here too
                        truncated = true;
                        return false;
                    }
                }
                case 6, 2 -> {
                    int iface = type == 6 ? buf.getInt(start + 8) : buf.getShort(start + 8) & 0xFFFF;
                    long ts = ((buf.getInt(start + 12) & 0xFFFFFFFFL) << 32) | (buf.getInt(start + 16) & 0xFFFFFFFFL);
                    int cap = buf.getInt(start + 20), orig = buf.getInt(start + 24);
                    if (iface >= interfaces || cap < 0 || 28 + cap > total - 4) {
                        truncated = true;
                        return false;
                    }
                    buf.position(start + 28);
                    take(cap);
                    wireLen = orig;
                    tsNanos = toNanos(ts, ifUnitsPerSecond[iface]) + ifOffsetSeconds[iface] * 1_000_000_000L;
                    buf.position(start + total);
                    return true;
                }
                case 3 -> {
                    if (interfaces == 0) {
                        truncated = true;
                        return false;
                    }
                    int orig = buf.getInt(start + 8);
                    int cap = Math.min(orig, Math.min(ifSnaplen[0] == 0 ? Integer.MAX_VALUE : ifSnaplen[0], total - 16));
                    buf.position(start + 12);
                    take(cap);
                    wireLen = orig;
                    // a simple packet block has no time: keep the last one (libpcap reports 0)
                    buf.position(start + total);
                    return true;
                }
                default -> { }
            }
            buf.position(start + total);
        }
    }

    /** Reads the section header and the blocks up to the first interface description (its link type); false to decline. */
    private boolean readBlocksUntilPacket() throws IOException {
        buf.limit(0);
        if (!ensure(12) || !readSectionHeader()) {
            return false;
        }
        while (ensure(8)) {
            int type = buf.getInt(buf.position()), total = buf.getInt(buf.position() + 4);
            if (total < 12 || (total & 3) != 0 || total > MAX_RECORD || !ensure(total)) {
                return false;
            }
            if (type == 1) {
                boolean ok = interfaceDescription(buf.position(), total);
                buf.position(buf.position() + total);
                return ok;
            }
            if (type == 2 || type == 3 || type == 6 || type == 0x0A0D0D0A) {
                return false; // packets before any interface: libpcap decides
            }
            buf.position(buf.position() + total);
        }
        return false; // no interface at all (an empty capture): libpcap says what it is
    }

    private boolean readSectionHeader() throws IOException {
        if (!ensure(12)) {
            return false;
        }
        int bom = buf.getInt(buf.position() + 8);
        if (bom == 0x1A2B3C4D) {
            // order as is
        } else if (Integer.reverseBytes(bom) == 0x1A2B3C4D) {
            buf.order(buf.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        } else {
            return false;
        }
        int total = buf.getInt(buf.position() + 4);
        if (total < 28 || total > MAX_RECORD || !ensure(total)) {
            return false;
        }
        if (buf.getShort(buf.position() + 12) != 1) {
            return false; // pcapng major version 1 only
        }
        buf.position(buf.position() + total);
        interfaces = 0;
        return true;
    }

    private boolean interfaceDescription(int start, int total) {
        int lt = buf.getShort(start + 8) & 0xFFFF, snap = buf.getInt(start + 12);
        if (linkType >= 0 && lt != linkType) {
            return false; // several link types: libpcap decides
        }
        linkType = lt;
        long units = 1_000_000L, offset = 0;
        int o = start + 16, end = start + total - 4;
        while (o + 4 <= end) {
            int code = buf.getShort(o) & 0xFFFF, len = buf.getShort(o + 2) & 0xFFFF;
            if (code == 0) {
                break;
            }
            if (code == 9 && len >= 1) {
                int v = buf.get(o + 4) & 0xFF;
                units = (v & 0x80) == 0 ? pow10(v) : 1L << Math.min(62, v & 0x7F);
            } else if (code == 14 && len >= 8) {
                offset = buf.getLong(o + 4);
            }
            o += 4 + ((len + 3) & ~3);
        }
        if (interfaces == ifUnitsPerSecond.length) {
            ifUnitsPerSecond = java.util.Arrays.copyOf(ifUnitsPerSecond, interfaces * 2);
            ifOffsetSeconds = java.util.Arrays.copyOf(ifOffsetSeconds, interfaces * 2);
            ifSnaplen = java.util.Arrays.copyOf(ifSnaplen, interfaces * 2);
        }
        ifUnitsPerSecond[interfaces] = units;
        ifOffsetSeconds[interfaces] = offset;
        ifSnaplen[interfaces] = snap;
        interfaces++;
        return true;
    }

    private static long pow10(int v) {
        long r = 1;
        for (int i = 0; i < Math.min(v, 18); i++) {
            r *= 10;
        }
        return r;
    }

    /** Ticks of 1/unitsPerSecond s to ns. */
    private static long toNanos(long ticks, long unitsPerSecond) {
        if (unitsPerSecond == 1_000_000L) {
            return ticks * 1000;
        }
        if (unitsPerSecond == 1_000_000_000L) {
            return ticks;
        }
        long sec = Long.divideUnsigned(ticks, unitsPerSecond), rem = Long.remainderUnsigned(ticks, unitsPerSecond);
        return sec * 1_000_000_000L + (long) ((double) rem * 1e9 / unitsPerSecond);
    }

    /** Marks the next {@code n} bytes as the current frame and steps over them (no copy). */
    private void take(int n) {
        offset = buf.position();
        caplen = n;
        buf.position(offset + n);
    }

    /**
     * The buffer holding the current frame, big-endian, valid until the next call to {@link #next}; the frame is
     * {@link #caplen} bytes from {@link #offset}. The buffer object changes only when a huge record makes it grow.
     */
    ByteBuffer frames() {
        return frames;
    }

    /** A copy of the current frame (tests). */
    byte[] frameBytes() {
        byte[] b = new byte[caplen];
        frames.get(offset, b);
        return b;
    }

    private static ByteBuffer networkView(ByteBuffer b) {
        ByteBuffer v = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        v.clear();
        return v;
    }

    /** At least {@code n} bytes readable in {@link #buf}; false at the end of the file (a cut record sets truncated). */
    private boolean ensure(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (n > buf.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(n, buf.capacity() * 2)).order(buf.order());
            bigger.put(buf);
            bigger.flip();
            buf = bigger;
            frames = networkView(buf);
        }
        buf.compact();
        while (buf.position() < n && !eof) {
            int r = channel.read(buf);
            if (r < 0) {
                eof = true;
            }
        }
        buf.flip();
        if (buf.remaining() >= n) {
            return true;
        }
        if (buf.remaining() > 0) {
            truncated = true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

}
