package org.argus.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.argus.capture.PacketRing;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.flow.IpAddress;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence captures: for a high decision, the packets to or from its address from {@code before} ahead of its window
 * to {@code after} past the window's end, copied out of the {@link PacketRing} and written as
 * {@code <decision-id>.pcap} ({@link PcapWriter}). Plain class, thread-safe: {@link #claim} runs where decisions are
 * made (it names the file the decision then carries), {@link #tick} on a thread of the caller's every half second or
 * so (it copies the frames that came since, and writes captures whose range has passed), {@link #flush} at the end.
 *
 * <p>A capture's range is in packet time (the capture's clock, a file's own times on a replay). It is done when the
 * ring holds a frame past the range's end, or — a quiet link — when the wall clock has gone {@code after} plus one
 * window plus 2 s past its last claim. A later high decision about the same address while its capture is open joins
 * it (and extends its range, up to {@code max_span}): one attack, one file, named after its first decision; one whose
 * window a capture written lately already covers names that file. Frames are
 * copied out at each tick, so a ring that wraps while a capture waits loses at most half a second of its frames; a
 * capture whose range had already partly left the ring is counted {@code incomplete}. An open capture is saved once
 * with what it holds at its first tick and replaced when done, so the file a decision names exists even when the
 * sensor dies before the range ends. After each write the oldest
 * captures beyond {@code max_files} or {@code max_mb} are deleted.
 */
public final class EvidenceRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceRecorder.class);
    private static final Duration QUIET_SLACK = Duration.ofSeconds(2);

    private final EvidenceSettings settings;
    private final PacketRing ring;
    private final long windowNanos;
    private final EvidenceStats stats;
    private final Clock clock;
    /** Open captures by address (at most one each). */
    private final Map<IpAddress, Pending> open = new LinkedHashMap<>();
    /** Captures whose span filled up at a claim: written at the next tick. */
    private final List<Pending> finished = new ArrayList<>();
    /** Captures written lately, by address: a decision whose window one of them already covers names it. */
    private final Map<IpAddress, Written> written = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<IpAddress, Written> eldest) {
            return size() > 1024;
        }
    };

    private record Written(String file, long fromNs, long toNs) {
    }

    private static final class Pending {
        final String file;
        final IpAddress address;
        final long fromNs;
        long toNs;
        long nextSeq;
        long deadlineMillis;
        boolean lost;
        /** Whether a first, partial version of the file is on disk. */
        boolean saved;
        long bytes;
        final List<PacketRing.Frame> frames = new ArrayList<>();

        Pending(String file, IpAddress address, long fromNs, long toNs) {
            this.file = file;
            this.address = address;
            this.fromNs = fromNs;
            this.toNs = toNs;
        }
    }

    /**
     * @param window the flow window's length (a decision covers {@code [windowStart, windowStart + window)})
     */
    public EvidenceRecorder(EvidenceSettings settings, PacketRing ring, Duration window, EvidenceStats stats, Clock clock) {
        this.settings = settings;
        this.ring = ring;
        this.windowNanos = window.toNanos();
        this.stats = stats;
        this.clock = clock;
        stats.enabled = true;
    }

    /**
     * Decides whether {@code d} gets an evidence capture: high decisions about an address that is not a pseudonym do.
     *
     * @return {@code d} with the name of the capture that will hold its packets (its own, or the open one of its
     * address it joined), or {@code d} as it was
     */
    public synchronized Decision claim(Decision d) {
        if (d.risk() != Risk.HIGH || d.anonymized() || d.address() == null) {
            return d;
        }
        long from = d.windowStartNanos() - settings.before().toNanos();
        long to = d.windowStartNanos() + windowNanos + settings.after().toNanos();
        long deadline = clock.millis() + (settings.after().toNanos() + windowNanos) / 1_000_000 + QUIET_SLACK.toMillis();
        Written w = written.get(d.address());
        if (w != null && w.fromNs() <= d.windowStartNanos() && d.windowStartNanos() + windowNanos <= w.toNs()) {
            stats.joined.increment(); // a capture already written holds this window's packets
            return d.withEvidence(w.file());
        }
        Pending p = open.get(d.address());
        if (p != null && to - p.fromNs <= settings.maxSpan().toNanos()) {
            if (to > p.toNs) {
                // frames already looked at that fall in the widened part (a file read ahead of detection)
                take(p, ring.copy(0, p.nextSeq, p.toNs + 1, to, p.address.hi(), p.address.lo(),
                        Math.max(0, settings.maxFileBytes() - p.bytes)), false);
                p.toNs = to;
            }
            p.deadlineMillis = Math.max(p.deadlineMillis, deadline);
            stats.joined.increment();
            return d.withEvidence(p.file);
        }
        if (p != null) { // its span is full: written at the next tick, a new one starts
            open.remove(p.address);
            collect(p);
            finished.add(p);
        }
        p = new Pending(d.id() + ".pcap", d.address(), from, to);
        p.deadlineMillis = deadline;
        collect(p);
        open.put(d.address(), p);
        stats.pending = open.size();
        return d.withEvidence(p.file);
    }

    /**
     * Copies the frames that came since the last tick and writes the captures whose range has passed. The files are
     * written outside the recorder's lock, so a slow disk never holds up {@link #claim} (and the decisions behind it).
     * Called from one thread at a time.
     */
    public void tick() {
        List<Pending> due = new ArrayList<>();
        List<Pending> first = new ArrayList<>();
        List<List<PacketRing.Frame>> firstFrames = new ArrayList<>();
        synchronized (this) {
            long now = clock.millis();
            due.addAll(finished);
            finished.clear();
            for (Iterator<Pending> it = open.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                long latest = collect(p);
                if (latest > p.toNs || now >= p.deadlineMillis) {
                    it.remove();
                    due.add(p);
                } else if (!p.saved) {
                    // what is known so far, so the name a decision carries exists even if the sensor dies
                    p.saved = true;
                    first.add(p);
                    firstFrames.add(List.copyOf(p.frames));
                }
            }
            for (Pending p : due) { // a decision claimed while the file is being written names it
                written.put(p.address, new Written(p.file, p.fromNs, p.toNs));
            }
            stats.pending = open.size();
            stats.ringFrames = ring.size();
            stats.ringEvicted = ring.evicted();
        }
        for (int i = 0; i < first.size(); i++) {
            save(first.get(i).file, firstFrames.get(i));
        }
        due.forEach(this::write);
    }

    /** Writes every open capture with what the ring holds now (at a stop, or the end of a replay). */
    public void flush() {
        List<Pending> due;
        synchronized (this) {
            due = new ArrayList<>(finished);
            finished.clear();
            for (Pending p : open.values()) {
                collect(p);
                due.add(p);
            }
            open.clear();
            due.forEach(p -> written.put(p.address, new Written(p.file, p.fromNs, p.toNs)));
            stats.pending = 0;
        }
        due.forEach(this::write);
    }

    /** Copies the capture's new frames; @return the newest frame time in the ring */
    private long collect(Pending p) {
        PacketRing.Found f = ring.copy(p.nextSeq, p.fromNs, p.toNs, p.address.hi(), p.address.lo(),
                Math.max(0, settings.maxFileBytes() - p.bytes));
        take(p, f, true);
        p.nextSeq = f.nextSeq();
        return f.latestNs();
    }

    private void take(Pending p, PacketRing.Found f, boolean countLost) {
        for (PacketRing.Frame fr : f.frames()) {
            p.frames.add(fr);
            p.bytes += fr.bytes().length;
        }
        stats.framesOverCap.add(f.over());
        p.lost |= countLost && f.lost();
    }

    /** Writes a first, partial version of an open capture (replaced when it is done). */
    private void save(String name, List<PacketRing.Frame> frames) {
        pcap(name, new ArrayList<>(frames));
    }

    /** Writes a finished capture, counts it and applies retention. */
    private void write(Pending p) {
        long size = pcap(p.file, p.frames);
        if (size < 0) {
            return;
        }
        stats.written.increment();
        stats.frames.add(p.frames.size());
        if (p.lost) {
            stats.incomplete.increment();
        }
        LOG.info("event=evidence_written file={} address={} frames={} bytes={} incomplete={}", settings.dir().resolve(p.file),
                p.address, p.frames.size(), size, p.lost);
        try {
            retain();
        } catch (IOException | RuntimeException e) {
            stats.writeErrors.increment();
            stats.lastError.set(settings.dir() + ": " + e);
            LOG.error("event=evidence_write_failed dir={} reason=\"{}\"", settings.dir(), LogText.escape(e.toString()));
        }
    }

    /** Sorts {@code frames} (by sequence) and writes them as {@code name}; @return bytes written, or -1 (counted, logged) */
    private long pcap(String name, List<PacketRing.Frame> frames) {
        Path file = settings.dir().resolve(name);
        try {
            Files.createDirectories(settings.dir());
            frames.sort(Comparator.comparingLong(PacketRing.Frame::seq));
            return PcapWriter.write(file, ring.linkType(), frames);
        } catch (IOException | RuntimeException e) {
            stats.writeErrors.increment();
            stats.lastError.set(file + ": " + e);
            LOG.error("event=evidence_write_failed file={} reason=\"{}\"", file, LogText.escape(e.toString()));
            return -1;
        }
    }

    /** Deletes the oldest captures beyond {@code max_files} or {@code max_mb}. */
    private void retain() throws IOException {
        record Kept(Path path, long size, long modified) {
        }
        List<Kept> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(settings.dir())) {
            for (Path f : (Iterable<Path>) s.filter(f -> f.getFileName().toString().endsWith(".pcap"))::iterator) {
                try {
                    files.add(new Kept(f, Files.size(f), Files.getLastModifiedTime(f).toMillis()));
                } catch (IOException gone) {
                    // deleted by hand meanwhile
                }
            }
        }
        files.sort(Comparator.comparingLong(Kept::modified).thenComparing(k -> k.path().getFileName().toString()));
        long total = files.stream().mapToLong(Kept::size).sum();
        int count = files.size();
        for (Kept k : files) {
            if (count <= settings.maxFiles() && total <= settings.maxBytes()) {
                break;
            }
            Files.deleteIfExists(k.path());
            count--;
            total -= k.size();
            stats.deleted.increment();
        }
    }
}
