package org.argus.enforce;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How (and whether) bans reach the kernel, from {@code enforcement.*}; the blacklist's own keys (database, TTLs,
 * allowlist) are {@link org.argus.blacklist.BlacklistSettings}.
 *
 * @param backend             where bans go: {@code ipset} (iptables chain + ipsets), {@code nftables} (a table with
 *                            address sets), {@code xdp} (LPM maps of an XDP program on the interface), or
 *                            {@code none} (blacklist only, never a firewall command)
 * @param dryRun              the mandatory dry-run ({@code dry_run_duration_days}), counted from the first start
 *                            recorded in the database
 * @param enforceAfterDryRun  enforce once the dry-run is over ({@code enforce_after_dry_run}); false keeps
 *                            listing "would block" forever
 * @param chain               iptables chain ({@code iptables_chain_name}); the ipsets are {@code <chain>-v4/-v6},
 *                            the nftables table is {@code argus} with a chain of this name
 * @param emergencyStopFile   while this file exists enforcement is stopped ({@code emergency_stop_file})
 * @param removeRulesOnStop   on a clean stop, remove the chain and sets ({@code remove_rules_on_stop}); false leaves
 *                            them in force and the next start reconciles them
 * @param commandTimeout      a firewall command running longer fails ({@code command_timeout_seconds})
 * @param xdp                 the XDP backend's interface, attach mode and pin directory ({@code xdp_*})
 * @param rateLimit           what {@code rate_limit} lets through per source
 */
public record EnforcementSettings(Backend backend, Duration dryRun, boolean enforceAfterDryRun, String chain,
                                  Path emergencyStopFile, boolean removeRulesOnStop, Duration commandTimeout, Xdp xdp,
                                  RateLimit rateLimit) {
    /** Without a rate-limit setting: the defaults (50 packets/s, burst 100). */
    public EnforcementSettings(Backend backend, Duration dryRun, boolean enforceAfterDryRun, String chain, Path emergencyStopFile,
                               boolean removeRulesOnStop, Duration commandTimeout, Xdp xdp) {
        this(backend, dryRun, enforceAfterDryRun, chain, emergencyStopFile, removeRulesOnStop, commandTimeout, xdp, RateLimit.DEFAULT);
    }

    /**
     * The per-source limit of a rate-limited entry: packets above {@code pps} per second (after a burst of
     * {@code burst} packets) are dropped, each source measured alone ({@code rate_limit_pps}, {@code rate_limit_burst}).
     */
    public record RateLimit(int pps, int burst) {
        /** 50 packets per second, burst 100. */
        public static final RateLimit DEFAULT = new RateLimit(50, 100);
    }

    /**
     * The XDP backend's place.
     *
     * @param iface interface the program attaches to ({@code xdp_interface}; empty in the file means the capture
     *              interface)
     * @param mode  {@code xdp_mode}: auto (native where the driver has it, else generic), native, generic
     * @param pins  {@code xdp_pin_dir}: where the program and its maps are pinned (a bpffs)
     */
    public record Xdp(String iface, XdpBackend.Mode mode, Path pins) {
        /** Defaults for callers that never use XDP. */
        public static final Xdp DEFAULT = new Xdp("eth0", XdpBackend.Mode.AUTO, Path.of("/sys/fs/bpf/argus"));
    }

    /** Firewall backends. */
    public enum Backend {
        IPSET, NFTABLES, XDP, NONE;

        /** Parses {@code ipset|nftables|xdp|none}. */
        public static Backend parse(String s) {
            return switch (s) {
                case "ipset", "iptables" -> IPSET;
                case "nftables" -> NFTABLES;
                case "xdp" -> XDP;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("\"" + s + "\" is not one of ipset, nftables, xdp, none");
            };
        }
    }
}
