package org.argus.intel;

import java.time.Instant;
import java.util.List;
import org.argus.blacklist.BanTarget;

/**
 * Every block of a threat-feed snapshot, for pre-emptive blocking ({@code intel.block_listed}): what
 * {@link org.argus.bus.Addresses#INTEL_BLOCKS} carries to the enforcement verticle. Immutable.
 *
 * @param blocks  the snapshot's distinct blocks (sanitized), IPv4 and IPv6
 * @param builtAt when the snapshot was built
 */
public record ListedBlocks(List<BanTarget> blocks, Instant builtAt) {
    public ListedBlocks {
        blocks = List.copyOf(blocks);
    }
}
