package org.argus.enforce;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How (and whether) bans reach the kernel, from {@code enforcement.*}; the blacklist's own keys (database, TTLs,
 * allowlist) are {@link org.argus.blacklist.BlacklistSettings}.
 *
 * @param backend             where bans go: {@code ipset} (iptables chain + ipsets), {@code nftables} (a table with
 *                            two sets), or {@code none} (blacklist only, never a firewall command)
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
 */
public record EnforcementSettings(Backend backend, Duration dryRun, boolean enforceAfterDryRun, String chain,
                                  Path emergencyStopFile, boolean removeRulesOnStop, Duration commandTimeout) {
    /** Firewall backends. */
    public enum Backend {
        IPSET, NFTABLES, NONE;

        /** Parses {@code ipset|nftables|none}. */
        public static Backend parse(String s) {
            return switch (s) {
                case "ipset", "iptables" -> IPSET;
                case "nftables" -> NFTABLES;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("\"" + s + "\" is not one of ipset, nftables, none");
            };
        }
    }
}
