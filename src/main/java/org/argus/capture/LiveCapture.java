package org.argus.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live capture on one interface through libpcap ({@link LibPcap}: one FFM downcall per packet, the frame decoded from a
 * buffer the handle reuses), run on a platform thread its owner provides. pcap4j only looks the interface up.
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
    private PacketRing ring;
    private PayloadCapture payloads;
    private long statsBaseRecv, statsBaseDrop, statsBaseIfDrop;
    private long lastRecv, lastDrop, lastIfDrop;

    public LiveCapture(CaptureSettings settings, CaptureStats stats, SensorHealth health, BatchQueue queue) {
        this.settings = settings;
        this.stats = stats;
        this.health = health;
        this.queue = queue;
    }

    /**
     * Also appends every frame captured to {@code ring} (evidence captures); null, the default, to none.
     *
     * @return this capture
     */
    public LiveCapture recordTo(PacketRing ring) {
        this.ring = ring;
        return this;
    }

    /**
     * Takes the payload bytes to keep from {@code payloads} at each new batch (a payload model that appears after
     * the start switches it on); null keeps {@code capture.payloadBytes()} throughout.
     *
     * @return this capture
     */
    public LiveCapture payloads(PayloadCapture payloads) {
        this.payloads = payloads;
        return this;
    }

    /** Captures until {@link #stop()}; never throws for interface trouble (it retries). */
    public void run() {
        String name = settings.interfaceName();
        long backoff = settings.retryInitial().toMillis();
        while (!stopRequested) {
            LibPcap h;
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
            int linkType = h.linkType();
            if (PacketDecoder.supports(linkType)) {
                health.set(SensorHealth.CAPTURE, true, "running", "interface " + name);
            } else {
                health.set(SensorHealth.CAPTURE, true, "degraded", "interface " + name + ": " + PacketDecoder.unsupportedText(linkType));
                LOG.warn("event=unsupported_linktype interface={} linktype={}", name, linkType);
            }
            LOG.info("event=capture_started interface={} linktype={} snaplen={} promiscuous={} filter=\"{}\"",
                    name, linkType, settings.snaplen(), settings.promiscuous(), LogText.escape(settings.bpfFilter()));
            try {
                capture(h, linkType);
            } catch (CaptureException e) {
                if (!stopRequested) {
                    health.set(SensorHealth.CAPTURE, false, "retrying", "interface " + name + " failed: " + e.getMessage());
                    LOG.warn("event=capture_failed interface={} reason=\"{}\" action=reopen", name, LogText.escape(e.getMessage()));
                }
            } catch (InterruptedException e) {
                // thread interrupt: stop requested
            } finally {
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

    /** Ends {@link #run()} from another thread; returns at once (the capture thread sees it within one idle nap). */
    public void stop() {
        stopRequested = true;
    }

    private LibPcap open(String name) throws CaptureException {
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
        LibPcap h = LibPcap.openLive(name, settings.snaplen(), settings.promiscuous(), settings.timeoutMillis(), settings.bufferSizeBytes());
        if (!settings.bpfFilter().isBlank()) {
            try {
                h.setFilter(settings.bpfFilter());
            } catch (CaptureException e) {
                h.close();
                throw new CaptureException("capture.bpf_filter \"" + settings.bpfFilter() + "\" rejected: " + e.getMessage(), e);
            }
        }
        return h;
    }

    private void capture(LibPcap h, int linkType) throws CaptureException, InterruptedException {
        PacketDecoder decoder = new PacketDecoder(linkType).capturePayloads(settings.payloadBytes()).recordTo(ring);
        PacketBatch current = new PacketBatch(settings.batchPackets());
        long currentStartedMillis = 0;
        long nextStats = System.currentTimeMillis() + settings.statsInterval().toMillis();
        Path operstate = Path.of("/sys/class/net", settings.interfaceName(), "operstate");
        // Non-blocking reads: on Linux (TPACKET_V3) a blocking read with no traffic never returns, which would stall
        // health checks, stats and stop. Idle, the thread naps IDLE_NAP_MILLIS between reads.
        boolean payloadsOn = false;
        while (!stopRequested) {
            if (!payloadsOn && payloads != null && payloads.on() && current.size() == 0) {
                // a payload model appeared: from this batch on (a batch's payload bytes all come from one setting)
                decoder.capturePayloads(Math.max(payloads.bytes(), settings.payloadBytes()));
                payloadsOn = true;
            }
            int got = 0;
            int rc = LibPcap.NONE;
            while (!current.isFull()) {
                rc = h.next();
                if (rc != LibPcap.OK) {
                    break;
                }
                if (current.size() == 0) {
                    currentStartedMillis = System.currentTimeMillis();
                }
                // a wire length below the captured one is impossible; trust the bytes we hold
                decoder.decode(h.frame(), 0, h.caplen, h.tsNanos, Math.max(h.wireLen, h.caplen), current);
                if ((++got & 255) == 0 && System.currentTimeMillis() - currentStartedMillis >= settings.timeoutMillis()) {
                    break;
                }
            }
            if (rc == LibPcap.END) {
                throw new CaptureException("libpcap ended the capture");
            }
            if (got == 0) {
                Thread.sleep(IDLE_NAP_MILLIS);
            }
            long now = System.currentTimeMillis();
            if (current.size() > 0 && (current.isFull() || rc == LibPcap.NONE || now - currentStartedMillis >= settings.timeoutMillis())) {
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

    private void readStats(LibPcap h) {
        long[] s = h.stats();
        if (s == null) {
            LOG.debug("event=pcap_stats_failed reason=\"{}\"", LogText.escape(h.error()));
            return;
        }
        lastRecv = s[0];
        lastDrop = s[1];
        lastIfDrop = s[2];
        stats.kernelReceived.set(statsBaseRecv + lastRecv);
        stats.kernelDropped.set(statsBaseDrop + lastDrop);
        stats.interfaceDropped.set(statsBaseIfDrop + lastIfDrop);
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
