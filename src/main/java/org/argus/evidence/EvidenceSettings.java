package org.argus.evidence;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code evidence.*}: packet captures of high decisions.
 *
 * @param enabled      keep a packet ring and write captures ({@code evidence.enabled})
 * @param dir          where {@code <decision-id>.pcap} files go ({@code evidence.dir}; default {@code evidence} beside
 *                     the CSV folder). Never staged or uploaded.
 * @param ringBytes    the in-memory ring of recent frames, bytes ({@code evidence.ring_mb})
 * @param before       how far before the decision's window a capture starts ({@code evidence.before_seconds})
 * @param after        how far after the window's end a capture goes on ({@code evidence.after_seconds})
 * @param maxFiles     captures kept, the oldest deleted first ({@code evidence.max_files})
 * @param maxBytes     bytes of captures kept, the oldest deleted first ({@code evidence.max_mb})
 * @param maxFileBytes frame bytes in one capture; more are counted, not written ({@code evidence.max_file_mb})
 * @param maxSpan      the longest time range one capture covers: later high decisions about the same address extend an
 *                     open capture up to this, then start a new one ({@code evidence.max_span_seconds})
 */
public record EvidenceSettings(boolean enabled, Path dir, long ringBytes, Duration before, Duration after, int maxFiles,
                               long maxBytes, long maxFileBytes, Duration maxSpan) {
}
