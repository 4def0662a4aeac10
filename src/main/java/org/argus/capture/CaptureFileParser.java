package org.argus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
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
    /**
     * The largest frame, captured or on the wire: libpcap's {@code MAXIMUM_SNAPLEN} (256 KiB), its limit for every
     * link type Argus decodes. A captured length above it is a corrupt record; a wire length above it is skipped.
     */
    static final int MAX_FRAME = 262_144;
    /** A pcapng block larger than this is corrupt: a packet block holds at most one frame plus its options. */
    private static final int MAX_RECORD = MAX_FRAME + (64 << 10);

    private final SeekableByteChannel channel;
    private final boolean pcapng;
    private ByteBuffer buf;
    /** The same memory as {@link #buf} in network byte order, for the decoder; limit = capacity. */
    private ByteBuffer frames;
    private boolean eof;
    private boolean truncated;
    private String corruption;
    private long badRecords;
    private String lastBadRecord;
    private int linkType = -1;
    private boolean nanosPcap;
    // pcapng interfaces (section-local)
    private long[] ifUnitsPerSecond = new long[4];
    private long[] ifOffsetSeconds = new long[4];
    private int[] ifSnaplen = new int[4];
    private int interfaces;

    /** Records (packets and skipped bad records) read so far, for messages. */
    private long records;
    /** The current packet after {@link #next}: {@link #caplen} bytes in {@link #frames()} from {@link #offset}. */
    int offset;
    int caplen;
    int wireLen;
    long tsNanos;

    private CaptureFileParser(SeekableByteChannel channel, boolean pcapng, int bufferBytes) {
        this.channel = channel;
        this.pcapng = pcapng;
        this.buf = ByteBuffer.allocateDirect(bufferBytes);
        this.frames = networkView(buf);
    }

    /**
     * Opens a file and reads its header.
     *
     * @return the parser, or null when the file is not one this reader takes (the caller falls back to libpcap)
     * @throws CorruptFileException when a pcapng file's section header or first interface description is impossible
     *                              (an option longer than its block, lengths that disagree): nothing in it can be read
     * @throws IOException when the file cannot be read
     */
    static CaptureFileParser open(Path file) throws IOException {
        return open(FileChannel.open(file, StandardOpenOption.READ), BUFFER);
    }

    /**
     * As {@link #open(Path)} on any channel positioned at the file's start, with a read buffer of {@code bufferBytes}
     * (grown when a record needs more; fuzzing reads from memory with a small one).
     */
    static CaptureFileParser open(SeekableByteChannel ch, int bufferBytes) throws IOException {
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
                p = new CaptureFileParser(ch, true, bufferBytes);
                ch.position(0);
                if (!p.readBlocksUntilPacket()) {
                    p.close();
                    if (p.corruption != null) {
                        throw new CorruptFileException(p.corruption);
                    }
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
            p = new CaptureFileParser(ch, false, bufferBytes);
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
     * Why the read ended early on a record whose framing is impossible (a block length, a captured length, an option
     * running past its block), or null. Nothing after such a record can be trusted, so the read stops there; the
     * records before it were all read.
     */
    String corruption() {
        return corruption;
    }

    /**
     * Records skipped because a value inside them is impossible while their framing is sound: a wire length above
     * {@value #MAX_FRAME} or below the captured length, an interface id without an interface description, a time
     * before 1970 or beyond 2262.
     */
    long badRecords() {
        return badRecords;
    }

    /** Why the last skipped record was skipped, or null. */
    String lastBadRecord() {
        return lastBadRecord;
    }

    private boolean corrupt(String why) {
        corruption = why;
        return false;
    }

    private void bad(String why) {
        badRecords++;
        lastBadRecord = why;
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
        while (true) {
            if (!ensure(16)) {
                return false;
            }
            long sec = buf.getInt() & 0xFFFFFFFFL;
            long frac = buf.getInt() & 0xFFFFFFFFL;
            long incl = buf.getInt() & 0xFFFFFFFFL, orig = buf.getInt() & 0xFFFFFFFFL;
            if (incl > MAX_FRAME) {
                // libpcap stops with "invalid packet capture length" here too: the next header cannot be found
                return corrupt("record " + (records + 1) + ": captured length " + incl + " above " + MAX_FRAME);
            }
            if (!ensure((int) incl)) {
                return false;
            }
            take((int) incl);
            records++;
            // unsigned 32-bit seconds times 1e9 and a 32-bit fraction times 1000 both fit in a long
            long ts = sec * 1_000_000_000L + (nanosPcap ? frac : frac * 1000);
            if (!wireLengthOk(orig, incl)) {
                continue;
            }
            wireLen = (int) orig;
            tsNanos = ts;
            return true;
        }
    }

    /** False (and the record counted as bad) when a wire length is impossible for its captured length. */
    private boolean wireLengthOk(long orig, long incl) {
        String why = wireLengthProblem(orig, incl);
        if (why != null) {
            bad("record " + records + ": " + why);
        }
        return why == null;
    }

    /**
     * Why a record's wire length is impossible for its captured length, or null: above {@value #MAX_FRAME} bytes, or
     * below the bytes captured. One rule for this parser and the libpcap path of {@link PcapFileReader}.
     */
    static String wireLengthProblem(long orig, long incl) {
        if (orig > MAX_FRAME) {
            return "wire length " + orig + " above " + MAX_FRAME;
        }
        return orig < incl ? "wire length " + orig + " below its captured length " + incl : null;
    }

    private boolean nextPcapng() throws IOException {
        while (true) {
            if (!ensure(8)) {
                return false;
            }
            int type = buf.getInt(buf.position()), total = buf.getInt(buf.position() + 4);
            if (type == 0x0A0D0D0A) {
                if (!readSectionHeader()) {
                    if (corruption == null && !truncated) {
                        corruption = "a later section header of an unsupported pcapng version";
                    }
                    return false;
                }
                continue;
            }
            if (total < 12 || (total & 3) != 0 || total > MAX_RECORD) {
                return corrupt("block " + (records + 1) + " (type " + type + "): total length " + Integer.toUnsignedString(total)
                        + (total > MAX_RECORD ? " above " + MAX_RECORD : " is not a multiple of 4 of at least 12"));
            }
            if (!ensure(total)) {
                return false;
            }
            int start = buf.position();
            records++;
            if (buf.getInt(start + total - 4) != total) {
                return corrupt("block " + records + " (type " + type + "): trailing length " + Integer.toUnsignedString(buf.getInt(start + total - 4))
                        + " differs from its leading length " + total);
            }
            switch (type) {
                case 1 -> {
                    String why = interfaceDescription(start, total);
                    if (why != null) {
                        return corrupt("block " + records + ": " + why);
                    }
                }
                case 6, 2 -> {
                    if (total < 32) {
                        return corrupt("block " + records + ": packet block of " + total + " bytes, shorter than its 32-byte header");
                    }
                    long iface = type == 6 ? buf.getInt(start + 8) & 0xFFFFFFFFL : buf.getShort(start + 8) & 0xFFFF;
                    long ts = ((buf.getInt(start + 12) & 0xFFFFFFFFL) << 32) | (buf.getInt(start + 16) & 0xFFFFFFFFL);
                    long cap = buf.getInt(start + 20) & 0xFFFFFFFFL, orig = buf.getInt(start + 24) & 0xFFFFFFFFL;
                    buf.position(start + total);
                    if (28 + cap > total - 4) {
                        bad("block " + records + ": captured length " + cap + " longer than its block");
                        continue;
                    }
                    if (iface >= interfaces) {
                        bad("block " + records + ": interface " + iface + " of " + interfaces + " described");
                        continue;
                    }
                    if (!wireLengthOk(orig, cap)) {
                        continue;
                    }
                    long nanos = toNanos(ts, ifUnitsPerSecond[(int) iface], ifOffsetSeconds[(int) iface]);
                    if (nanos < 0) {
                        bad("block " + records + ": time out of range (before 1970 or after 2262)");
                        continue;
                    }
                    buf.position(start + 28);
                    take((int) cap);
                    wireLen = (int) orig;
                    tsNanos = nanos;
                    buf.position(start + total);
                    return true;
                }
                case 3 -> {
                    if (total < 16) {
                        return corrupt("block " + records + ": simple packet block of " + total + " bytes");
                    }
                    buf.position(start + total);
                    if (interfaces == 0) {
                        bad("block " + records + ": simple packet block without an interface description");
                        continue;
                    }
                    long orig = buf.getInt(start + 8) & 0xFFFFFFFFL;
                    long snap = ifSnaplen[0] & 0xFFFFFFFFL;
                    long cap = Math.min(orig, Math.min(snap == 0 ? Long.MAX_VALUE : snap, total - 16));
                    if (!wireLengthOk(orig, cap)) {
                        continue;
                    }
                    buf.position(start + 12);
                    take((int) cap);
                    wireLen = (int) orig;
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
                String why = interfaceDescription(buf.position(), total);
                buf.position(buf.position() + total);
                if (why != null) {
                    corruption = "first interface description: " + why;
                }
                return why == null;
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
        if (total < 28 || (total & 3) != 0 || total > MAX_RECORD) {
            return corrupt("section header: total length " + Integer.toUnsignedString(total)
                    + " is not a multiple of 4 between 28 and " + MAX_RECORD);
        }
        if (!ensure(total)) {
            return corrupt("section header: the file ends inside it");
        }
        int start = buf.position();
        if (buf.getShort(start + 12) != 1) {
            return false; // pcapng major version 1 only: libpcap says so in its own words
        }
        if (buf.getInt(start + total - 4) != total) {
            return corrupt("section header: trailing length " + Integer.toUnsignedString(buf.getInt(start + total - 4))
                    + " differs from its leading length " + total);
        }
        String why = checkOptions(start + 24, start + total - 4, "section header");
        if (why != null) {
            return corrupt(why);
        }
        buf.position(start + total);
        interfaces = 0;
        return true;
    }

    /**
     * Walks a block's options from {@code from} to {@code end} (exclusive) and checks that each one, padded to 4 bytes,
     * lies inside the block. Returns what is wrong, or null.
     */
    private String checkOptions(int from, int end, String block) {
        int o = from;
        while (o + 4 <= end) {
            int code = buf.getShort(o) & 0xFFFF, len = buf.getShort(o + 2) & 0xFFFF;
            if (code == 0) {
                return null;
            }
            long next = (long) o + 4 + ((len + 3) & ~3);
            if (next > end) {
                return block + ": option " + code + " is " + len + " bytes, longer than what is left of its block (" + (end - o - 4) + ")";
            }
            o = (int) next;
        }
        return null;
    }

    /** Reads an interface description; returns what is wrong with it (the read must stop), or null. */
    private String interfaceDescription(int start, int total) {
        if (total < 20) {
            return "interface description of " + total + " bytes, shorter than its 20-byte minimum";
        }
        int lt = buf.getShort(start + 8) & 0xFFFF, snap = buf.getInt(start + 12);
        if (linkType >= 0 && lt != linkType) {
            // several link types: libpcap stops with an error here too
            return "interface " + interfaces + " has link type " + lt + ", the file's first has " + linkType;
        }
        int end = start + total - 4;
        String why = checkOptions(start + 16, end, "interface description");
        if (why != null) {
            return why;
        }
        linkType = lt;
        long units = 1_000_000L, offset = 0;
        int o = start + 16;
        while (o + 4 <= end) {
            int code = buf.getShort(o) & 0xFFFF, len = buf.getShort(o + 2) & 0xFFFF;
            if (code == 0) {
                break;
            }
            if (code == 9 && len >= 1) {
                int v = buf.get(o + 4) & 0xFF;
                if ((v & 0x80) == 0 ? v > 18 : (v & 0x7F) > 62) {
                    return "if_tsresol " + v + " is finer than Argus can count (10^-18 s, 2^-62 s)";
                }
                units = (v & 0x80) == 0 ? pow10(v) : 1L << (v & 0x7F);
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
        return null;
    }

    private static long pow10(int v) {
        long r = 1;
        for (int i = 0; i < v; i++) {
            r *= 10;
        }
        return r;
    }

    /**
     * Unsigned ticks of 1/unitsPerSecond s plus an offset in seconds ({@code if_tsoffset}, signed), to ns since the
     * epoch; -1 when the result is before 1970 or does not fit in a signed 64-bit count of ns (after 2262).
     */
    static long toNanos(long ticks, long unitsPerSecond, long offsetSeconds) {
        long sec = Long.divideUnsigned(ticks, unitsPerSecond), rem = Long.remainderUnsigned(ticks, unitsPerSecond);
        long frac = unitsPerSecond == 1_000_000_000L ? rem : unitsPerSecond == 1_000_000L ? rem * 1000
                : (long) ((double) rem * 1e9 / unitsPerSecond);
        if (sec < 0) {
            return -1; // above 2^63 seconds
        }
        try {
            long s = Math.addExact(sec, offsetSeconds);
            long nanos = Math.addExact(Math.multiplyExact(s, 1_000_000_000L), frac);
            return nanos < 0 ? -1 : nanos;
        } catch (ArithmeticException e) {
            return -1;
        }
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


    /** A capture file whose headers are impossible: nothing in it can be read. The message says what is wrong. */
    static final class CorruptFileException extends IOException {
        CorruptFileException(String why) {
            super(why);
        }
    }
}
