package org.argus.blacklist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.argus.detect.Risk;

/**
 * The blacklist's keys (they keep their Aegis names under {@code enforcement.*}).
 *
 * @param database          SQLite file ({@code blacklist_db_path})
 * @param policy            TTLs: default ({@code blacklist_default_ttl_hours}), escalation factor
 *                          ({@code ttl_escalation_factor}) and cap ({@code max_ttl_hours})
 * @param banTtlHoursByRisk which decision risks ban, with the first-offence TTL in hours for each
 *                          ({@code ban_ttl_hours}: {@code {"low": 0, "medium": 0, "high": 24}}); 0 never bans
 * @param actionsByRisk     what each decision risk does ({@code actions}: {@code rate_limit} or {@code ban}; risks set to
 *                          {@code none} are absent)
 * @param allowlist         CIDRs never to block, besides the discovered ones ({@code allowlist})
 * @param sweepInterval     how often expired bans are removed ({@code blacklist_cleanup_interval}, seconds)
 * @param exportAnonymized  {@code blacklist export} and the Firebase list write HMAC pseudonyms instead of addresses
 *                          ({@code export_anonymized})
 */
public record BlacklistSettings(Path database, BlacklistStore.Policy policy, Map<Risk, Double> banTtlHoursByRisk,
                                Map<Risk, Action> actionsByRisk, List<String> allowlist, Duration sweepInterval, boolean exportAnonymized) {
    public BlacklistSettings {
        banTtlHoursByRisk = Map.copyOf(banTtlHoursByRisk);
        actionsByRisk = Map.copyOf(actionsByRisk);
        allowlist = List.copyOf(allowlist);
    }
}
