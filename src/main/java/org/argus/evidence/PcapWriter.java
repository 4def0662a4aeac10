package org.argus.evidence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.argus.capture.PacketRing;

/**
 * Writes frames as a classic pcap file with nanosecond timestamps (magic {@code 0xa1b23c4d}, version 2.4, little
 * endian; the format of libpcap's {@code pcap-savefile(5)} and draft-ietf-opsawg-pcap), read by tcpdump, tshark and
 * Wireshark. Written to {@code <name>.part}, forced to disk, then renamed: a reader never sees half a file.
 */
public final class PcapWriter {
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int SNAPLEN = 262_144;

    private PcapWriter() {
    }

    /**
     * Writes {@code frames} (oldest first) to {@code file}.
     *
     * @param linkType the frames' link type (libpcap DLT value, e.g. 1 for Ethernet)
     * @return bytes written
     * @throws IOException when the file cannot be written (the {@code .part} file is removed)
     */
    public static long write(Path file, int linkType, List<PacketRing.Frame> frames) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        long size = 0;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE); OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(linkType);
            out.write(h.array());
            size += 24;
            ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (PacketRing.Frame f : frames) {
                r.clear();
                r.putInt((int) Math.floorDiv(f.tsNanos(), 1_000_000_000L)).putInt((int) Math.floorMod(f.tsNanos(), 1_000_000_000L))
                        .putInt(f.bytes().length).putInt(Math.max(f.wireLen(), f.bytes().length));
                out.write(r.array());
                out.write(f.bytes());
                size += 16 + f.bytes().length;
            }
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return size;
    }
}
