package org.argus.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a capture file: classic pcap with micro- or nanosecond timestamps, and pcapng, recognized by their magic
 * number whatever the file is called. Timestamps are read at nanosecond precision. Files are parsed in plain Java
 * ({@link CaptureFileParser}: no JNA call per packet); what that parser declines goes through libpcap (pcap4j), whose
 * error messages users then see.
 *
 * <p>A file that ends in the middle of a record keeps every complete record before the cut; the cut is reported in
 * {@link Result#truncated()} (and counted as {@link Malformed#TRUNCATED_FILE} by the caller), never thrown.
 */
public final class PcapFileReader {
    private static final Logger LOG = LoggerFactory.getLogger(PcapFileReader.class);

    /**
     * What a read did.
     *
     * @param packets   frames read
     * @param linkType  the file's link type (libpcap DLT value)
     * @param truncated true when the file ended inside a record
     * @param stopped   true when {@link #stop()} ended the read early
     */
    public record Result(long packets, int linkType, boolean truncated, boolean stopped) {
    }

    /** Receives each full batch (and the last partial one); may block to apply back-pressure. */
    @FunctionalInterface
    public interface BatchSink {
        void accept(PacketBatch batch) throws InterruptedException;
    }

    private final Path file;
    private final int batchPackets;
    private volatile PcapHandle handle;
    private volatile boolean stopRequested;

    /**
     * @param file         the capture file
     * @param batchPackets packets per batch
     */
    public PcapFileReader(Path file, int batchPackets) {
        this.file = file;
        this.batchPackets = batchPackets;
    }

    /**
     * Reads the whole file into batches.
     *
     * @throws CaptureException when the file cannot be opened (missing, unreadable, not a pcap/pcapng file, or a
     *                          bad header); the message names the file and the reason
     * @throws InterruptedException when the sink was interrupted
     */
    public Result read(BatchSink sink) throws CaptureException, InterruptedException {
        if (!Files.exists(file)) {
            throw new CaptureException(file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CaptureException(file + ": not a readable file");
        }
        CaptureFileParser parser;
        try {
            parser = Boolean.getBoolean("argus.capture.libpcap") ? null : CaptureFileParser.open(file);
        } catch (java.io.IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (parser != null) {
            try (parser) {
                return readPlain(parser, sink);
            } catch (java.io.IOException e) {
                throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
            }
        }
        PcapHandle h;
        try {
            h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new CaptureException(file + ": not a readable pcap or pcapng file (libpcap: " + e.getMessage() + ")", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException(Pcap4j.LIBPCAP_MISSING + ": " + e.getMessage(), e);
        }
        handle = h;
        try {
            int linkType = h.getDlt().value();
            PacketDecoder decoder = new PacketDecoder(linkType);
            if (!PacketDecoder.supports(linkType)) {
                LOG.warn("event=unsupported_linktype file={} linktype={} action=count_as_malformed", file, linkType);
            }
            final PacketBatch[] current = {new PacketBatch(batchPackets)};
            final long[] count = {0};
            final InterruptedException[] interrupted = {null};
            boolean truncated = false;
            try {
                h.loop(-1, (byte[] data) -> {
                    Pcap4j.decodeCurrent(h, data, decoder, current[0]);
                    count[0]++;
                    if (current[0].isFull()) {
                        PacketBatch full = current[0];
                        current[0] = new PacketBatch(batchPackets);
                        try {
                            sink.accept(full);
                        } catch (InterruptedException e) {
                            interrupted[0] = e;
                            breakQuietly(h);
                        }
                    }
                });
            } catch (PcapNativeException e) {
                // libpcap: "truncated dump file; tried to read N captured bytes, only got M"
                truncated = true;
                LOG.warn("event=capture_file_truncated file={} packets_read={} libpcap=\"{}\"", file, count[0], e.getMessage());
            } catch (InterruptedException e) {
                // breakLoop: stop requested or the sink was interrupted
            } catch (NotOpenException e) {
                throw new CaptureException(file + ": handle closed while reading", e);
            }
            if (interrupted[0] != null) {
                throw interrupted[0];
            }
            if (current[0].size() > 0) {
                sink.accept(current[0]);
            }
            return new Result(count[0], linkType, truncated, stopRequested);
        } finally {
            handle = null;
            h.close();
        }
    }

    /** The plain-Java path: same batches, same result, no JNA per packet. */
    private Result readPlain(CaptureFileParser p, BatchSink sink) throws java.io.IOException, InterruptedException {
        int linkType = p.linkType();
        PacketDecoder decoder = new PacketDecoder(linkType); // one link type per file: the parser stops at another
        if (!PacketDecoder.supports(linkType)) {
            LOG.warn("event=unsupported_linktype file={} linktype={} action=count_as_malformed", file, linkType);
        }
        PacketBatch current = new PacketBatch(batchPackets);
        long count = 0;
        while (!stopRequested && p.next()) {
            decoder.decode(p.data, p.caplen, p.tsNanos, p.wireLen, current);
            count++;
            if (current.isFull()) {
                sink.accept(current);
                current = new PacketBatch(batchPackets);
            }
        }
        if (p.truncated()) {
            LOG.warn("event=capture_file_truncated file={} packets_read={}", file, count);
        }
        if (current.size() > 0) {
            sink.accept(current);
        }
        return new Result(count, linkType, p.truncated(), stopRequested);
    }

    /** Ends a read in progress from another thread (the reader returns with {@code stopped = true}). */
    public void stop() {
        stopRequested = true;
        PcapHandle h = handle;
        if (h != null) {
            breakQuietly(h);
        }
    }

    private static void breakQuietly(PcapHandle h) {
        try {
            h.breakLoop();
        } catch (NotOpenException ignored) {
            // already closed: the read is over anyway
        }
    }
}
