package org.argus.capture;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the capture stage needs from the configuration ({@code capture.*}).
 *
 * @param interfaceName   live interface (e.g. eth0); used when {@code file} is null
 * @param file            a .pcap/.pcapng file to read instead of an interface (packet time is the clock), or null
 * @param snaplen         bytes captured per frame
 * @param promiscuous     promiscuous mode on the interface
 * @param timeoutMillis   libpcap read timeout: the longest a partial batch waits before it is handed on
 * @param bufferSizeBytes kernel capture buffer
 * @param bpfFilter       BPF filter expression, empty for none
 * @param batchPackets    packets per batch handed to the flow stage
 * @param maxQueueBatches batches in flight to the flow stage; a live capture drops (and counts) beyond this, a file
 *                        read waits
 * @param statsInterval   how often {@code pcap_stats} is read (live)
 * @param retryInitial    first wait before reopening a failed interface; doubles up to {@code retryMax}
 * @param retryMax        longest wait between reopen attempts
 * @param payloadBytes    payload bytes kept per TCP/UDP packet for payload inspection (0: none; set by the sensor
 *                        from {@code payload.capture_bytes} when a payload model is in use)
 */
public record CaptureSettings(String interfaceName, Path file, int snaplen, boolean promiscuous, int timeoutMillis,
                              int bufferSizeBytes, String bpfFilter, int batchPackets, int maxQueueBatches,
                              Duration statsInterval, Duration retryInitial, Duration retryMax, int payloadBytes) {

    /** Settings without payload capture. */
    public CaptureSettings(String interfaceName, Path file, int snaplen, boolean promiscuous, int timeoutMillis,
                           int bufferSizeBytes, String bpfFilter, int batchPackets, int maxQueueBatches,
                           Duration statsInterval, Duration retryInitial, Duration retryMax) {
        this(interfaceName, file, snaplen, promiscuous, timeoutMillis, bufferSizeBytes, bpfFilter, batchPackets,
                maxQueueBatches, statsInterval, retryInitial, retryMax, 0);
    }

    /** These settings keeping {@code bytes} payload bytes per packet. */
    public CaptureSettings withPayloadBytes(int bytes) {
        return new CaptureSettings(interfaceName, file, snaplen, promiscuous, timeoutMillis, bufferSizeBytes, bpfFilter,
                batchPackets, maxQueueBatches, statsInterval, retryInitial, retryMax, bytes);
    }

    /** True when reading a file rather than an interface. */
    public boolean offline() {
        return file != null;
    }
}
