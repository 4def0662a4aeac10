package org.argus.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a capture file: classic pcap with micro- or nanosecond timestamps, and pcapng, recognized by their magic
 * number whatever the file is called. Timestamps are read at nanosecond precision. Files are parsed in plain Java
 * ({@link CaptureFileParser}: no JNA call per packet); what that parser declines goes through libpcap ({@link LibPcap}), whose
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
     * @param packets    frames read (bad records not included)
     * @param linkType   the file's link type (libpcap DLT value)
     * @param truncated  true when the file ended inside a record
     * @param stopped    true when {@link #stop()} ended the read early
     * @param badRecords records skipped for an impossible value (wire length above 262,144 bytes or below the
     *                   captured length, an undescribed pcapng interface, a time before 1970): counted as
     *                   {@link Malformed#BAD_RECORD} by the caller, in no window
     * @param corruption why the read stopped early at a record whose framing is impossible, or null; counted as
     *                   {@link Malformed#CORRUPT_FILE} by the caller
     */
    public record Result(long packets, int linkType, boolean truncated, boolean stopped, long badRecords, String corruption) {
        /** Adds this read's file-level problems to a malformed-count sink (reason, count). */
        public void countProblems(java.util.function.ObjLongConsumer<Malformed> sink) {
            if (truncated) {
                sink.accept(Malformed.TRUNCATED_FILE, 1);
            }
            if (badRecords > 0) {
                sink.accept(Malformed.BAD_RECORD, badRecords);
            }
            if (corruption != null) {
                sink.accept(Malformed.CORRUPT_FILE, 1);
            }
        }

        /** One phrase for a summary: an undecoded link type, a cut, the corruption, bad records; or "". */
        public String problems() {
            StringBuilder b = new StringBuilder();
            if (!PacketDecoder.supports(linkType)) {
                b.append(", ").append(PacketDecoder.unsupportedText(linkType));
            }
            if (truncated) {
                b.append(", file cut short in a record");
            }
            if (corruption != null) {
                b.append(", read stopped at a corrupt record (").append(corruption).append(')');
            }
            if (badRecords > 0) {
                b.append(", ").append(badRecords).append(" bad record").append(badRecords == 1 ? "" : "s").append(" skipped");
            }
            return b.toString();
        }
    }

    /** Receives each full batch (and the last partial one); may block to apply back-pressure. */
    @FunctionalInterface
    public interface BatchSink {
        void accept(PacketBatch batch) throws InterruptedException;
    }

    /** Where an empty batch comes from: a new one, or a recycled one when reading ahead. */
    @FunctionalInterface
    private interface BatchSource {
        PacketBatch get() throws InterruptedException;
    }

    private static final PacketBatch END = PacketBatch.endOfInput();

    private final Path file;
    private final int batchPackets;
    private final boolean libpcapOnly;
    private PacketRing ring;
    private volatile boolean stopRequested;
    private int payloadBytes;

    /**
     * @param file         the capture file
     * @param batchPackets packets per batch; {@code -Dargus.capture.libpcap=true} reads every file through libpcap
     *                     (the benchmark's comparison row)
     */
    public PcapFileReader(Path file, int batchPackets) {
        this(file, batchPackets, Boolean.getBoolean("argus.capture.libpcap"));
    }

    /**
     * Keeps the first {@code maxBytes} payload bytes of each TCP/UDP packet in the batches
     * ({@link PacketDecoder#capturePayloads}); 0, the default, keeps none.
     *
     * @return this reader
     */
    public PcapFileReader capturePayloads(int maxBytes) {
        this.payloadBytes = maxBytes;
        return this;
    }

    /**
     * Also appends every frame read to {@code ring} ({@link PacketDecoder#recordTo}); null, the default, to none.
     *
     * @return this reader
     */
    public PcapFileReader recordTo(PacketRing ring) {
        this.ring = ring;
        return this;
    }

    /** As above; {@code libpcapOnly} skips the plain-Java parser (tests compare the two). */
    PcapFileReader(Path file, int batchPackets, boolean libpcapOnly) {
        this.file = file;
        this.batchPackets = batchPackets;
        this.libpcapOnly = libpcapOnly;
    }

    /**
     * Reads the whole file on a thread of its own ({@code argus-file-reader}) while the calling thread runs the sink:
     * parsing and decoding overlap with what the sink does, on a second core. The sink sees the same batches in the
     * same order as with {@link #read}, but each batch is recycled as soon as {@code accept} returns, so the sink must
     * not keep it. At most {@code depth} batches are in flight (memory: depth × batch size).
     *
     * @param depth batches in flight, at least 2
     * @throws CaptureException as {@link #read}
     * @throws InterruptedException when the calling thread is interrupted (the reader thread is stopped)
     */
    public Result readAhead(BatchSink sink, int depth) throws CaptureException, InterruptedException {
        if (depth < 2) {
            throw new IllegalArgumentException("depth must be at least 2");
        }
        ArrayBlockingQueue<PacketBatch> free = new ArrayBlockingQueue<>(depth);
        ArrayBlockingQueue<PacketBatch> full = new ArrayBlockingQueue<>(depth + 1); // + the end marker: never blocks
        for (int i = 0; i < depth; i++) {
            free.add(new PacketBatch(batchPackets));
        }
        CompletableFuture<Result> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("argus-file-reader").daemon().start(() -> {
            try {
                outcome.complete(read(full::put, free::take));
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            } finally {
                full.offer(END);
            }
        });
        boolean finished = false;
        try {
            for (PacketBatch b = full.take(); b != END; b = full.take()) {
                sink.accept(b);
                b.clear();
                free.add(b);
            }
            finished = true;
        } finally {
            if (!finished) {
                stop();
                reader.interrupt();
            }
            reader.join();
        }
        try {
            return outcome.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CaptureException c) {
                throw c;
            }
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Reads the whole file into batches.
     *
     * @throws CaptureException when the file cannot be opened (missing, unreadable, not a pcap/pcapng file, or a
     *                          bad header), or yields no packet because its first record is corrupt; the message
     *                          names the file and the reason
     * @throws InterruptedException when the sink was interrupted
     */
    public Result read(BatchSink sink) throws CaptureException, InterruptedException {
        return read(sink, () -> new PacketBatch(batchPackets));
    }

    private Result read(BatchSink sink, BatchSource source) throws CaptureException, InterruptedException {
        if (!Files.exists(file)) {
            throw new CaptureException(file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CaptureException(file + ": not a readable file");
        }
        CaptureFileParser parser;
        try {
            parser = libpcapOnly ? null : CaptureFileParser.open(file);
        } catch (CaptureFileParser.CorruptFileException e) {
            throw new CaptureException(file + ": not a readable capture file: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (parser != null) {
            Result r;
            try (parser) {
                r = readPlain(parser, sink, source);
            } catch (java.io.IOException e) {
                throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
            }
            if (r.packets() == 0 && r.corruption() != null) {
                throw new CaptureException(file + ": not a readable capture file: " + r.corruption());
            }
            return r;
        }
        LibPcap h = LibPcap.openOffline(file.toString());
        try {
            int linkType = h.linkType();
            PacketDecoder decoder = new PacketDecoder(linkType).capturePayloads(payloadBytes).recordTo(ring);
            if (!PacketDecoder.supports(linkType)) {
                LOG.warn("event=unsupported_linktype file={} linktype={} action=count_as_malformed", file, linkType);
            }
            PacketBatch current = source.get();
            long count = 0;
            long bad = 0;
            boolean truncated = false;
            while (!stopRequested) {
                int rc;
                try {
                    rc = h.next();
                } catch (CaptureException e) {
                    // libpcap: "truncated dump file; tried to read N captured bytes, only got M"
                    truncated = true;
                    LOG.warn("event=capture_file_truncated file={} packets_read={} libpcap=\"{}\"", file, count, LogText.escape(e.getMessage()));
                    break;
                }
                if (rc != LibPcap.OK) {
                    break;
                }
                if (CaptureFileParser.wireLengthProblem(h.wireLen, h.caplen) != null) {
                    bad++; // libpcap passes wire lengths through unchecked
                    continue;
                }
                decoder.decode(h.frame(), 0, h.caplen, h.tsNanos, h.wireLen, current);
                count++;
                if (current.isFull()) {
                    sink.accept(current);
                    current = source.get();
                }
            }
            if (current.size() > 0) {
                sink.accept(current);
            }
            return new Result(count, linkType, truncated, stopRequested, bad, null);
        } finally {
            h.close();
        }
    }

    /** The plain-Java path: same batches, same result, no JNA per packet. */
    private Result readPlain(CaptureFileParser p, BatchSink sink, BatchSource source) throws java.io.IOException, InterruptedException {
        int linkType = p.linkType();
        PacketDecoder decoder = new PacketDecoder(linkType).capturePayloads(payloadBytes).recordTo(ring); // one link type per file: the parser stops at another
        if (!PacketDecoder.supports(linkType)) {
            LOG.warn("event=unsupported_linktype file={} linktype={} action=count_as_malformed", file, linkType);
        }
        PacketBatch current = source.get();
        long count = 0;
        while (!stopRequested && p.next()) {
            decoder.decode(p.frames(), p.offset, p.caplen, p.tsNanos, p.wireLen, current);
            count++;
            if (current.isFull()) {
                sink.accept(current);
                current = source.get();
            }
        }
        if (p.truncated()) {
            LOG.warn("event=capture_file_truncated file={} packets_read={}", file, count);
        }
        if (p.corruption() != null) {
            LOG.warn("event=capture_file_corrupt file={} packets_read={} why=\"{}\"", file, count, LogText.escape(p.corruption()));
        }
        if (p.badRecords() > 0) {
            LOG.warn("event=capture_bad_records file={} skipped={} last=\"{}\"", file, p.badRecords(), LogText.escape(p.lastBadRecord()));
        }
        if (current.size() > 0) {
            sink.accept(current);
        }
        return new Result(count, linkType, p.truncated(), stopRequested, p.badRecords(), p.corruption());
    }

    /** Ends a read in progress from another thread (the reader returns with {@code stopped = true}). */
    public void stop() {
        stopRequested = true;
    }
}
