package org.argus.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.argus.blacklist.Action;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanTarget;
import org.argus.enforce.EnforcementStatus;
import org.argus.flow.IpAddress;

/**
 * The blocklist mirror for routers and other devices that pull a list by URL ({@code GET /blocklist.txt},
 * {@code GET /blocklist.json}; issue 22). Only real decisions: bans proper ({@link Action#BAN}; rate limits and
 * quarantines of local devices are the sensor's own business), none while the mandatory dry-run lasts (unless
 * {@code serveDryRun}) and none under an emergency stop. The text form is one address or CIDR a line, sorted, the
 * format of router URL tables (pfSense/OPNsense aliases, MikroTik address lists, FireHOL); the JSON form
 * {@code {"format": "argus-blocklist/1", "serving", "reason", "count", "entries": [{"value", "reason", "risk",
 * "expires_at"}]}}. Each answer carries a strong {@code ETag} (SHA-256 of the body, first 16 bytes in hex), so pollers
 * send {@code If-None-Match} and get 304 while nothing changed. Pure; thread-safe.
 */
public final class BlocklistMirror {
    /** One rendered answer: body, content type, entity tag, entries. */
    public record Body(String text, String contentType, String etag, int count) {
    }

    private BlocklistMirror() {
    }

    /**
     * Why nothing is served now, or null when bans are served.
     *
     * @param status the enforcement snapshot (null before enforcement started: nothing served)
     */
    public static String withheld(EnforcementStatus status, Instant now, boolean serveDryRun) {
        if (status == null || status.mode() == null) {
            return "enforcement has not started";
        }
        if (status.emergencyStop() || status.mode() == EnforcementStatus.Mode.EMERGENCY_STOP) {
            return "emergency stop in force";
        }
        boolean dryRun = status.mode() == EnforcementStatus.Mode.DRY_RUN || status.mode() == EnforcementStatus.Mode.MONITOR_ONLY
                || (status.dryRunEnds() != null && now.isBefore(status.dryRunEnds()));
        return dryRun && !serveDryRun ? "dry-run until " + status.dryRunEnds() + " (lapi.serve_dry_run serves it)" : null;
    }

    /**
     * Renders the list.
     *
     * @param json     the JSON form (else text)
     * @param withheld {@link #withheld}'s answer: when not null the list is empty and the JSON says why
     */
    public static Body render(List<Ban> bans, Instant now, String withheld, boolean json) {
        TreeSet<BanTarget> targets = new TreeSet<>(java.util.Comparator.comparing(BanTarget::network).thenComparingInt(BanTarget::prefix));
        java.util.Map<BanTarget, Ban> byTarget = new java.util.HashMap<>();
        if (withheld == null) {
            for (Ban b : bans) {
                if (b.action() == Action.BAN && b.expiresAt().isAfter(now) && targets.add(b.target())) {
                    byTarget.put(b.target(), b);
                }
            }
        }
        JsonArray entries = new JsonArray();
        for (BanTarget t : targets) {
            Ban b = byTarget.get(t);
            entries.add(new JsonObject().put("value", t.toString()).put("reason", b.reason()).put("risk", b.risk())
                    .put("expires_at", b.expiresAt().toString()));
        }
        String text;
        if (json) {
            text = new JsonObject().put("format", "argus-blocklist/1").put("serving", withheld == null).put("reason", withheld)
                    .put("count", entries.size()).put("entries", entries).encode();
        } else {
            StringBuilder sb = new StringBuilder();
            for (BanTarget t : targets) {
                sb.append(t).append('\n');
            }
            text = sb.toString();
        }
        return new Body(text, json ? "application/json" : "text/plain; charset=utf-8", etag(text), targets.size());
    }

    /** Whether a client address is inside one of the mirror's client networks. */
    public static boolean client(List<BanTarget> networks, String address) {
        try {
            IpAddress a = IpAddress.parse(address);
            for (BanTarget n : networks) {
                if (n.contains(a)) {
                    return true;
                }
            }
        } catch (RuntimeException notAnAddress) {
            return false;
        }
        return false;
    }

    /** Whether an {@code If-None-Match} header value names this tag (a list, weak tags and {@code *} included). */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String s = t.strip();
            if (s.equals("*") || s.equals(etag) || s.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static String etag(String body) {
        return "\"" + HexFormat.of().formatHex(org.argus.detect.ModelStore.sha256(body), 0, 16) + "\"";
    }
}
