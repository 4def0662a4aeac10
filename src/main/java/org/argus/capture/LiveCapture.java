package org.argus.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live capture on one interface through libpcap (pcap4j), run on a platform thread its owner provides.
 *
 * <p>The handle is non-blocking (a blocking read on Linux TPACKET_V3 does not return while no packet comes, which
 * would stall health, stats and stop); when a read finds nothing the thread naps 5 ms. Packets are decoded straight
 * into batches; a batch is handed on when full, when a read finds nothing more, or when its first packet has waited
 * {@code timeout_ms}. If the interface is missing, goes down or
 * disappears, the handle is closed and reopened with exponential back-off ({@code retry_initial_seconds} doubling to
 * {@code retry_max_seconds}); health says why meanwhile. {@code pcap_stats} is read every {@code stats_interval} and
 * accumulated across reopenings.
 */
public final class LiveCapture {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCapture.class);

    private static final long IDLE_NAP_MILLIS = 5;

    private final CaptureSettings settings;
    private final CaptureStats stats;
    private final SensorHealth health;
    private final BatchQueue queue;

    private volatile boolean stopRequested;
    private volatile PcapHandle handle;
    private PacketBatch current;
    private long currentStartedMillis;
    private long statsBaseRecv, statsBaseDrop, statsBaseIfDrop;
    private long lastRecv, lastDrop, lastIfDrop;

    public LiveCapture(CaptureSettings settings, CaptureStats stats, SensorHealth health, BatchQueue queue) {
        this.settings = settings;
        this.stats = stats;
        this.health = health;
        this.queue = queue;
    }

    /** Captures until {@link #stop()}; never throws for interface trouble (it retries). */
    public void run() {
        String name = settings.interfaceName();
        long backoff = settings.retryInitial().toMillis();
        while (!stopRequested) {
            PcapHandle h;
            try {
                h = open(name);
            } catch (CaptureException e) {
                health.set(SensorHealth.CAPTURE, false, "retrying", e.getMessage() + "; next try in " + backoff + " ms");
                LOG.warn("event=capture_open_failed interface={} reason=\"{}\" retry_ms={}", name, LogText.escape(e.getMessage()), backoff);
                if (!sleep(backoff)) {
                    break;
                }
                backoff = Math.min(backoff * 2, settings.retryMax().toMillis());
                continue;
            }
            backoff = settings.retryInitial().toMillis();
            handle = h;
            int linkType = h.getDlt().value();
            if (PacketDecoder.supports(linkType)) {
                health.set(SensorHealth.CAPTURE, true, "running", "interface " + name);
            } else {
                health.set(SensorHealth.CAPTURE, true, "degraded", "interface " + name + ": " + PacketDecoder.unsupportedText(linkType));
                LOG.warn("event=unsupported_linktype interface={} linktype={}", name, linkType);
            }
            LOG.info("event=capture_started interface={} linktype={} snaplen={} promiscuous={} filter=\"{}\"",
                    name, h.getDlt().value(), settings.snaplen(), settings.promiscuous(), LogText.escape(settings.bpfFilter()));
            try {
                capture(h);
            } catch (PcapNativeException | NotOpenException e) {
                if (!stopRequested) {
                    health.set(SensorHealth.CAPTURE, false, "retrying", "interface " + name + " failed: " + e.getMessage());
                    LOG.warn("event=capture_failed interface={} reason=\"{}\" action=reopen", name, LogText.escape(e.getMessage()));
                }
            } catch (InterruptedException e) {
                // breakLoop or thread interrupt: stop requested
            } finally {
                handle = null;
                readStats(h);
                statsBaseRecv += lastRecv;
                statsBaseDrop += lastDrop;
                statsBaseIfDrop += lastIfDrop;
                lastRecv = lastDrop = lastIfDrop = 0;
                h.close();
            }
        }
        health.set(SensorHealth.CAPTURE, true, "stopped", "interface " + name);
    }

    /** Ends {@link #run()} from another thread; returns at once. */
    public void stop() {
        stopRequested = true;
        PcapHandle h = handle;
        if (h != null) {
            try {
                h.breakLoop();
            } catch (NotOpenException ignored) {
                // closing anyway
            }
        }
    }

    private PcapHandle open(String name) throws CaptureException {
        PcapNetworkInterface nif;
        try {
            nif = Pcaps.getDevByName(name);
        } catch (PcapNativeException e) {
            throw new CaptureException("cannot list interfaces: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException(Pcap4j.LIBPCAP_MISSING, e);
        }
        if (nif == null) {
            throw new CaptureException("interface " + name + " not found");
        }
        if (!nif.isUp()) {
            throw new CaptureException("interface " + name + " is down");
        }
        PcapHandle h;
        try {
            h = builder(name).timestampPrecision(PcapHandle.TimestampPrecision.NANO).build();
        } catch (PcapNativeException nanoFailed) {
            try {
                h = builder(name).build();
            } catch (PcapNativeException e) {
                throw new CaptureException("cannot open interface " + name + ": " + e.getMessage(), e);
            }
        }
        if (!settings.bpfFilter().isBlank()) {
            try {
                h.setFilter(settings.bpfFilter(), BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException | NotOpenException e) {
                h.close();
                throw new CaptureException("capture.bpf_filter \"" + settings.bpfFilter() + "\" rejected: " + e.getMessage(), e);
            }
        }
        return h;
    }

    private PcapHandle.Builder builder(String name) {
        return new PcapHandle.Builder(name)
                .snaplen(settings.snaplen())
                .promiscuousMode(settings.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(settings.timeoutMillis())
                .bufferSize(settings.bufferSizeBytes());
    }

    private void capture(PcapHandle h) throws PcapNativeException, NotOpenException, InterruptedException {
        PacketDecoder decoder = new PacketDecoder(h.getDlt().value());
        RawPacketListener listener = data -> {
            if (current.size() == 0) {
                currentStartedMillis = System.currentTimeMillis();
            }
            Pcap4j.decodeCurrent(h, data, decoder, current);
        };
        current = new PacketBatch(settings.batchPackets());
        long nextStats = System.currentTimeMillis() + settings.statsInterval().toMillis();
        Path operstate = Path.of("/sys/class/net", settings.interfaceName(), "operstate");
        // Non-blocking reads: on Linux (TPACKET_V3) a blocking read with no traffic never returns, which would stall
        // health checks, stats and stop. Idle, the thread naps IDLE_NAP_MILLIS between reads.
        h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        while (!stopRequested) {
            int room = current.capacity() - current.size();
            int got = h.dispatch(room, listener);
            if (got == 0) {
                Thread.sleep(IDLE_NAP_MILLIS);
            }
            long now = System.currentTimeMillis();
            if (current.size() > 0 && (current.isFull() || got == 0 || now - currentStartedMillis >= settings.timeoutMillis())) {
                queue.offer(current, false);
                current = new PacketBatch(settings.batchPackets());
            }
            if (now >= nextStats) {
                nextStats = now + settings.statsInterval().toMillis();
                readStats(h);
                checkOperstate(operstate);
            }
        }
        if (current.size() > 0) {
            queue.offer(current, false);
        }
    }

    private void checkOperstate(Path operstate) {
        try {
            String state = Files.readString(operstate).trim();
            if ("down".equals(state)) {
                health.set(SensorHealth.CAPTURE, false, "interface_down", "interface " + settings.interfaceName() + " is down");
            } else {
                health.set(SensorHealth.CAPTURE, true, "running", "interface " + settings.interfaceName());
            }
        } catch (IOException e) {
            // not Linux, or the interface vanished: the next read fails and we reopen
        }
    }

    private void readStats(PcapHandle h) {
        try {
            PcapStat s = h.getStats();
            lastRecv = s.getNumPacketsReceived();
            lastDrop = s.getNumPacketsDropped();
            lastIfDrop = s.getNumPacketsDroppedByIf();
            stats.kernelReceived.set(statsBaseRecv + lastRecv);
            stats.kernelDropped.set(statsBaseDrop + lastDrop);
            stats.interfaceDropped.set(statsBaseIfDrop + lastIfDrop);
        } catch (PcapNativeException | NotOpenException e) {
            LOG.debug("event=pcap_stats_failed reason=\"{}\"", LogText.escape(e.getMessage()));
        }
    }

    private boolean sleep(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (!stopRequested) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(left, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
