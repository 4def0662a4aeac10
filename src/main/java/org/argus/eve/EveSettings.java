package org.argus.eve;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code eve.*}: the Suricata-compatible EVE JSON output.
 *
 * @param enabled       write it
 * @param file          the file ({@code eve.file}; default {@code eve.json} in {@code aggregation.output_dir})
 * @param anonymize     addresses as the CSVs' HMAC pseudonyms instead of real ones
 * @param maxBytes      rotate past this size ({@code eve.max_mb})
 * @param keepFiles     rotated files kept
 * @param statsInterval how often a {@code stats} event is written
 * @param maxFlows      flows held open for {@code flow} events at most (beyond, the longest idle end as forced)
 */
public record EveSettings(boolean enabled, Path file, boolean anonymize, long maxBytes, int keepFiles, Duration statsInterval,
                          int maxFlows) {
}
