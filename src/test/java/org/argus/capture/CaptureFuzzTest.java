package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowStats;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.argus.fuzz.FuzzSeeds;

/**
 * Coverage-guided fuzzing (Jazzer) of the plain-Java capture reader and the packet decoder, seeded with
 * {@code ../shared/pcaps} when fuzzing. No exception may escape, every read must end, and nothing impossible may come
 * out: a captured length in [0, 262,144], a wire length in [captured, 262,144], a time not before 1970, windows whose
 * byte totals fit their packet counts. In {@code mvn verify} each target runs in regression mode (its seeds) and, in
 * its own surefire execution with {@code JAZZER_FUZZ=1}, fuzzes for a bounded time; {@code scripts/fuzz.sh} runs longer.
 */
class CaptureFuzzTest {
    static {
        FuzzSeeds.captures(CaptureFuzzTest.class, "captureFile");
    }

    /** Small limits: a fresh table per input must not cost more than parsing it. */
    private static final FlowSettings FLOWS = new FlowSettings(java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(500),
            4096, 4096, java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(30),
            java.time.Duration.ofMinutes(1));

    private static void check(FlowWindow w) {
        assertTrue(w.startNanos() >= 0, "window before 1970: " + w.startNanos());
        assertTrue(w.totals().bytes() <= w.totals().packets() * CaptureFileParser.MAX_FRAME, "impossible window bytes");
        assertTrue(w.totals().packets() >= 0 && w.totals().bytes() >= 0);
    }

    @FuzzTest(maxDuration = "15s")
    void captureFile(byte[] data) throws Exception {
        CaptureFileParser p;
        try {
            p = CaptureFileParser.open(new InMemoryChannel(data), 512 * 1024);
        } catch (CaptureFileParser.CorruptFileException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isEmpty());
            return;
        }
        if (p == null) {
            return; // declined: libpcap's to judge
        }
        try (p) {
            PacketDecoder decoder = new PacketDecoder(p.linkType());
            PacketBatch batch = new PacketBatch(64);
            WindowAssembler windows = new WindowAssembler(FLOWS, new FlowStats(), CaptureFuzzTest::check);
            for (int n = 0; n < 100_000 && p.next(); n++) {
                assertTrue(p.caplen >= 0 && p.caplen <= CaptureFileParser.MAX_FRAME, "caplen " + p.caplen);
                assertTrue(p.wireLen >= p.caplen && p.wireLen <= CaptureFileParser.MAX_FRAME, "wire length " + p.wireLen);
                assertTrue(p.tsNanos >= 0, "time before 1970");
                decoder.decode(p.frames(), p.offset, p.caplen, p.tsNanos, p.wireLen, batch);
                if (batch.isFull()) {
                    PacketDecoderFuzzTest.check(batch);
                    windows.accept(batch);
                    batch.clear();
                }
            }
            PacketDecoderFuzzTest.check(batch);
            windows.accept(batch);
            windows.flush();
        }
    }

    /** A read-only channel over a byte array (the parser reads, positions and closes; nothing else). */
    static final class InMemoryChannel implements java.nio.channels.SeekableByteChannel {
        private final byte[] data;
        private int pos;
        private boolean open = true;

        InMemoryChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(java.nio.ByteBuffer dst) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override
        public int write(java.nio.ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public java.nio.channels.SeekableByteChannel position(long p) {
            pos = (int) Math.min(p, data.length);
            return this;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public java.nio.channels.SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
