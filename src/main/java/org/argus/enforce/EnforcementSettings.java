package org.argus.enforce;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.blacklist.BlacklistStore;
import org.argus.detect.Risk;

/**
 * {@code enforcement.*}: the blacklist, its TTL policy, and how (and whether) bans reach the kernel.
 *
 * @param backend             where bans go: {@code ipset} (iptables chain + ipsets), {@code nftables} (a table with
 *                            two sets), or {@code none} (blacklist only, never a firewall command)
 * @param dryRun              the mandatory dry-run ({@code dry_run_duration_days}), counted from the first start
 *                            recorded in the database
 * @param enforceAfterDryRun  enforce once the dry-run is over ({@code enforce_after_dry_run}); false keeps
 *                            listing "would block" forever
 * @param chain               iptables chain ({@code iptables_chain_name}); the ipsets are {@code <chain>-v4/-v6},
 *                            the nftables table is {@code argus} with a chain of this name
 * @param database            SQLite file ({@code blacklist_db_path})
 * @param emergencyStopFile   while this file exists enforcement is stopped ({@code emergency_stop_file})
 * @param policy              TTLs: default ({@code blacklist_default_ttl_hours}), escalation factor
 *                            ({@code ttl_escalation_factor}) and cap ({@code max_ttl_hours})
 * @param banTtlHoursByRisk   which decision risks ban, with the first-offence TTL in hours for each
 *                            ({@code ban_ttl_hours}: {@code {"low": 0, "medium": 0, "high": 24}}); 0 never bans
 * @param allowlist           CIDRs never to block, besides the discovered ones ({@code allowlist})
 * @param removeRulesOnStop   on a clean stop, remove the chain and sets ({@code remove_rules_on_stop}); false leaves
 *                            them in force and the next start reconciles them
 * @param sweepInterval       how often expired bans are removed ({@code blacklist_cleanup_interval}, seconds)
 * @param commandTimeout      a firewall command running longer fails ({@code command_timeout_seconds})
 * @param exportAnonymized    {@code blacklist export} writes HMAC pseudonyms instead of addresses
 *                            ({@code export_anonymized})
 */
public record EnforcementSettings(Backend backend, Duration dryRun, boolean enforceAfterDryRun, String chain,
                                  Path database, Path emergencyStopFile, BlacklistStore.Policy policy,
                                  Map<Risk, Double> banTtlHoursByRisk, List<String> allowlist, boolean removeRulesOnStop,
                                  Duration sweepInterval, Duration commandTimeout, boolean exportAnonymized) {
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

    public EnforcementSettings {
        banTtlHoursByRisk = Map.copyOf(banTtlHoursByRisk);
        allowlist = List.copyOf(allowlist);
    }

    /** Risks that ban. */
    public Set<Risk> banRisks() {
        return banTtlHoursByRisk.keySet();
    }
}
