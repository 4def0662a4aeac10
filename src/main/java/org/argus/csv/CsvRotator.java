package org.argus.csv;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.argus.anon.Anonymizer;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowTotals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes windows as rows of rotating CSV files named {@code <god>_<yyyyMMdd>_<HHmmss>.csv} (UTC time of the first
 * window in the file, gods taken in turn from {@link #GODS}).
 *
 * <p>Schema ({@link #HEADER}), one row per flow per window, src = originator: {@code timestamp} (the flow's first
 * packet in the window), {@code window_start}, {@code window_end} (ISO-8601 UTC), {@code duration_seconds} (window
 * length), {@code packet_count}, {@code byte_count}, {@code unique_flows}, {@code rate_pps}, {@code rate_bps} (the
 * window's totals over all frames, non-IP included; bytes are wire bytes and bps = bytes*8/duration),
 * {@code src_ip_anon}, {@code dst_ip_anon} (see {@link Anonymizer}), {@code protocol} (TCP, UDP, ICMP, ICMPv6 or
 * the number), {@code src_port}, {@code dst_port}, then packets and wire bytes sent by each side in the window. With
 * {@link #geoColumns} ({@code aggregation.extra_columns}) four more: {@link #GEO_HEADER}, each end's GeoIP country
 * code and AS number (empty when unknown, always for private addresses). Off by default: the Retina schema stays.
 *
 * <p>Crash safety: the open file is named {@code <name>.csv.part}; each window's rows are written with one write
 * and (if {@code fsync}) forced to disk; a file is renamed to its final name only when complete. {@link #recover()}
 * turns leftover {@code .part} files into final files, cutting a torn last row. So a kill -9 loses at most the
 * rows of the window being written, and never leaves a partial row in a closed file.
 *
 * <p>Full disk: before each window the output folder's free space is checked against {@code minFreeBytes}. Below
 * it, the open file is closed cleanly under its final name (so what was written stays a whole, stageable file) and
 * windows are counted as not written instead of being written, until the free space is back above the floor plus a
 * quarter (so the writer does not flap around the limit). {@link #pausedReason()} says why, for {@code /health}.
 *
 * <p>Blocking I/O: call from one worker thread (never an event loop). Not thread-safe.
 */
public final class CsvRotator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CsvRotator.class);

    /** The column names, in order. */
    public static final String HEADER = "timestamp,window_start,window_end,duration_seconds,packet_count,byte_count,"
            + "unique_flows,rate_pps,rate_bps,src_ip_anon,dst_ip_anon,protocol,src_port,dst_port,"
            + "src_flow_packets,src_flow_bytes,dst_flow_packets,dst_flow_bytes";
    /** The GeoIP columns {@code aggregation.extra_columns} appends. */
    public static final String GEO_HEADER = ",src_country,src_asn,dst_country,dst_asn";

    /** File name prefixes, used in turn. */
    public static final List<String> GODS = List.of("zeus", "hera", "poseidon", "demeter", "athena", "apollo",
            "artemis", "ares", "aphrodite", "hephaestus", "hermes", "hestia", "dionysus", "hades", "persephone",
            "hecate", "helios", "selene", "eos", "nyx", "gaia", "uranus", "cronus", "rhea");

    /** Closed file names this rotator writes (and retention may remove). */
    public static final Pattern CLOSED_NAME = Pattern.compile("[a-z]+_\\d{8}_\\d{6}(_\\d+)?\\.csv");
    static final String PART = ".part";

    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private final CsvSettings settings;
    private final Anonymizer anonymizer;
    private final CsvStats stats;
    private final Consumer<CsvFileClosed> onClosed;
    private final FreeSpace freeSpace;
    /** Rows of the current write, formatted as ASCII bytes (reused). */
    private final AsciiRows rows = new AsciiRows(1 << 16);
    private java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geo;
    /** Per window: each address's GeoIP facts, looked up once. */
    private final java.util.Map<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoCache = new java.util.HashMap<>();
    private int nextGod;
    private volatile String pausedReason;

    private FileChannel channel;
    private Path partPath;
    private Path finalPath;
    private long rowsInFile;
    private long fileFirstWindow;

    /**
     * @param settings   folder, rotation and retention
     * @param anonymizer pseudonyms for the address columns
     * @param stats      counters to add to
     * @param onClosed   told of every file closed under its final name (recovered ones included)
     * @throws IOException when the output folder cannot be created
     */
    public CsvRotator(CsvSettings settings, Anonymizer anonymizer, CsvStats stats, Consumer<CsvFileClosed> onClosed)
            throws IOException {
        this(settings, anonymizer, stats, onClosed, FreeSpace.DISK);
    }

    /**
     * @param freeSpace how free space is measured (the real disk outside tests)
     * @throws IOException when the output folder cannot be created
     */
    public CsvRotator(CsvSettings settings, Anonymizer anonymizer, CsvStats stats, Consumer<CsvFileClosed> onClosed,
                      FreeSpace freeSpace) throws IOException {
        this.settings = settings;
        this.freeSpace = freeSpace;
        this.anonymizer = anonymizer;
        this.stats = stats;
        this.onClosed = onClosed;
        Files.createDirectories(settings.outputDir());
        try (var s = Files.list(settings.outputDir())) {
            nextGod = (int) (s.filter(p -> CLOSED_NAME.matcher(p.getFileName().toString()).matches()).count() % GODS.size());
        }
    }

    /**
     * Recovers temporary files left by a crash: complete rows are kept, a torn last row is cut, and the file is closed
     * under its final name (an empty one is deleted). Call once before the first {@link #write}.
     *
     * @return the recovered files
     */
    public List<Path> recover() throws IOException {
        List<Path> recovered = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(settings.outputDir(), "*.csv" + PART)) {
            for (Path part : ds) {
                byte[] content = Files.readAllBytes(part);
                int cut = lastNewline(content) + 1;
                int headerEnd = indexOf(content, (byte) '\n') + 1;
                if (headerEnd == 0 || cut <= headerEnd) {
                    LOG.info("event=csv_recover_empty file={}", part);
                    Files.delete(part);
                    continue;
                }
                if (cut < content.length) {
                    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                        ch.truncate(cut);
                        ch.force(true);
                    }
                }
                String name = part.getFileName().toString();
                Path target = unusedName(settings.outputDir(), name.substring(0, name.length() - PART.length()), false);
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                long rows = countNewlines(content, cut) - 1;
                LOG.warn("event=csv_recovered file={} rows={} torn_bytes_cut={}", target, rows, content.length - cut);
                stats.csvFiles.increment();
                recovered.add(target);
                onClosed.accept(new CsvFileClosed(target, rows, 0, true));
            }
        }
        if (!recovered.isEmpty()) {
            applyRetention();
        }
        return recovered;
    }

    /**
     * Appends the window's rows (one per flow), rotating first when the open file is too old and whenever it is
     * full. A window without flows writes nothing.
     *
     * @throws IOException when writing fails (the caller counts it and goes on with the next window)
     */
    public void write(FlowWindow w) throws IOException {
        if (w.flows().isEmpty()) {
            return;
        }
        geoCache.clear();
        if (settings.minFreeBytes() > 0 && !roomFor(w)) {
            return;
        }
        if (channel != null && (w.startNanos() - fileFirstWindow >= settings.maxFileAge().toNanos()
                || (!settings.rotationInterval().isZero() && settings.rotationBucket(w.startNanos()) != settings.rotationBucket(fileFirstWindow)))) {
            closeFile();
        }
        byte[] prefix = windowPrefix(w);
        List<FlowRecord> flows = w.flows();
        int i = 0;
        while (i < flows.size()) {
            if (channel == null) {
                openFile(w.startNanos());
            }
            long room = settings.maxRowsPerFile() - rowsInFile;
            int n = (int) Math.min(room, flows.size() - i);
            rows.reset();
            for (int k = 0; k < n; k++) {
                appendRow(prefix, flows.get(i + k));
            }
            writeFully(rows.view());
            rowsInFile += n;
            stats.csvRows.add(n);
            i += n;
            if (rowsInFile >= settings.maxRowsPerFile()) {
                closeFile();
            }
        }
    }

    /** Why writing is paused (disk nearly full), or null while rows are written. */
    public String pausedReason() {
        return pausedReason;
    }

    /** False (after closing the open file, counting the window) when the disk is too full to write {@code w}. */
    private boolean roomFor(FlowWindow w) throws IOException {
        long free = freeSpace.usableBytes(settings.outputDir());
        long floor = settings.minFreeBytes();
        if (pausedReason != null && free >= floor + floor / 4) {
            LOG.warn("event=csv_resumed free_bytes={} windows_not_written={} rows_not_written={}", free,
                    stats.csvWindowsNotWritten.sum(), stats.csvRowsNotWritten.sum());
            pausedReason = null;
        } else if (pausedReason == null && free < floor) {
            pausedReason = "disk nearly full: " + (free >> 20) + " MiB free on " + settings.outputDir()
                    + ", below aggregation.min_free_mb (" + (floor >> 20) + "); CSV writing paused, the last file was closed whole";
            LOG.error("event=csv_paused free_bytes={} min_free_bytes={} dir={}", free, floor, settings.outputDir());
            if (channel != null) {
                closeFile();
            }
        }
        if (pausedReason != null) {
            stats.csvWindowsNotWritten.increment();
            stats.csvRowsNotWritten.add(w.flows().size());
            return false;
        }
        return true;
    }

    /** Closes the open file under its final name (clean stop). */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            closeFile();
        }
    }

    /** Appends the GeoIP columns ({@link #GEO_HEADER}) to every row of the files opened from now on. */
    public void geoColumns(java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> lookup) {
        this.geo = lookup;
    }

    /** The temporary path of the file being written, or null. */
    public Path openPart() {
        return partPath;
    }

    /** The window's columns shared by all its rows, from the comma after first_seen to the one before the originator. */
    private byte[] windowPrefix(FlowWindow w) {
        WindowTotals t = w.totals();
        double dur = w.durationSeconds();
        AsciiRows p = new AsciiRows(160);
        p.ch(',').instant(w.startNanos()).ch(',').instant(w.endNanos()).ch(',').text(plain(dur)).ch(',')
                .num(t.packets()).ch(',').num(t.bytes()).ch(',').num(w.flows().size()).ch(',')
                .text(plain(t.packets() / dur)).ch(',').text(plain(t.bytes() * 8.0 / dur)).ch(',');
        return java.util.Arrays.copyOf(p.view().array(), p.length());
    }

    private void appendRow(byte[] prefix, FlowRecord f) {
        rows.instant(f.firstSeenNanos()).bytes(prefix)
                .text(anonymizer.anonymize(f.originator())).ch(',')
                .text(anonymizer.anonymize(f.responder())).ch(',')
                .text(FlowRecord.protocolName(f.protocol())).ch(',')
                .num(f.originatorPort()).ch(',').num(f.responderPort()).ch(',')
                .num(f.originatorPackets()).ch(',').num(f.originatorBytes()).ch(',')
                .num(f.responderPackets()).ch(',').num(f.responderBytes());
        if (geo != null) {
            geoCells(f.originator());
            geoCells(f.responder());
        }
        rows.ch('\n');
    }

    private void geoCells(org.argus.flow.IpAddress a) {
        org.argus.enrich.Geo g = geoCache.computeIfAbsent(a, geo);
        rows.ch(',');
        if (g.country() != null) {
            rows.text(g.country());
        }
        rows.ch(',');
        if (g.asn() != null) {
            rows.num(g.asn());
        }
    }

    private static String plain(double d) {
        BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
        String s = b.toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    private void openFile(long firstWindowNanos) throws IOException {
        String time = NAME_TIME.format(Instant.ofEpochSecond(Math.floorDiv(firstWindowNanos, 1_000_000_000L)));
        Path dir = settings.outputDir();
        String base = null;
        for (int tries = 0; tries < GODS.size(); tries++) {
            String candidate = GODS.get(nextGod) + "_" + time + ".csv";
            nextGod = (nextGod + 1) % GODS.size();
            if (!Files.exists(dir.resolve(candidate)) && !Files.exists(dir.resolve(candidate + PART))) {
                base = candidate;
                break;
            }
        }
        finalPath = base != null ? dir.resolve(base) : unusedName(dir, GODS.get(nextGod) + "_" + time + ".csv", true);
        partPath = dir.resolve(finalPath.getFileName() + PART);
        channel = FileChannel.open(partPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        rowsInFile = 0;
        fileFirstWindow = firstWindowNanos;
        writeFully(StandardCharsets.US_ASCII.encode(HEADER + (geo != null ? GEO_HEADER : "") + "\n"));
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        long before = channel.position();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (settings.fsync()) {
                channel.force(false);
            }
        } catch (IOException e) {
            // Disk full or device error: cut what this write left, so the file never holds a partial row.
            try {
                channel.truncate(before);
                channel.position(before);
            } catch (IOException cutFailed) {
                e.addSuppressed(cutFailed);
            }
            throw e;
        }
    }

    private void closeFile() throws IOException {
        FileChannel ch = channel;
        channel = null;
        try {
            ch.force(true);
        } finally {
            ch.close();
        }
        Files.move(partPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("event=csv_closed file={} rows={}", finalPath, rowsInFile);
        stats.csvFiles.increment();
        CsvFileClosed closed = new CsvFileClosed(finalPath, rowsInFile, fileFirstWindow, false);
        partPath = null;
        finalPath = null;
        applyRetention();
        onClosed.accept(closed);
    }

    private void applyRetention() throws IOException {
        if (settings.keepFiles() <= 0) {
            return;
        }
        List<Path> closed;
        try (var s = Files.list(settings.outputDir())) {
            closed = new ArrayList<>(s.filter(p -> CLOSED_NAME.matcher(p.getFileName().toString()).matches()).toList());
        }
        if (closed.size() <= settings.keepFiles()) {
            return;
        }
        closed.sort(Comparator.comparing((Path p) -> p.toFile().lastModified()).thenComparing(p -> p.getFileName().toString()));
        for (Path p : closed.subList(0, closed.size() - settings.keepFiles())) {
            Files.deleteIfExists(p);
            stats.csvFilesRemoved.increment();
            LOG.info("event=csv_retention_removed file={} keep={}", p, settings.keepFiles());
        }
    }

    private static Path unusedName(Path dir, String name, boolean avoidParts) {
        Path p = dir.resolve(name);
        String stem = name.substring(0, name.length() - ".csv".length());
        for (int n = 1; Files.exists(p) || (avoidParts && Files.exists(dir.resolve(p.getFileName() + PART))); n++) {
            p = dir.resolve(stem + "_" + n + ".csv");
        }
        return p;
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static long countNewlines(byte[] b, int len) {
        long n = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
