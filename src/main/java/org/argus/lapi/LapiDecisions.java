package org.argus.lapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.argus.blacklist.Action;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;

/**
 * The bouncer side of CrowdSec's Local API over this sensor's bans (issue 22): what {@code GET /v1/decisions/stream}
 * and {@code GET /v1/decisions} answer, in CrowdSec's shape (its {@code pkg/apiserver/controllers/v1/decisions.go}
 * and {@code pkg/database/decisions.go}, read for this): each decision {@code {"id", "origin", "type": "ban",
 * "scope": "Ip"|"Range", "value", "duration", "until", "scenario", "simulated": false}}, {@code duration} in Go's
 * {@code time.Duration} text counting down to the ban's expiry ({@code 3h59m58.5s}).
 *
 * <p>Only real decisions are served: bans proper ({@link Action#BAN}), unexpired, none while {@code withheld} says
 * why (the mandatory dry-run unless {@code lapi.serve_dry_run}, an emergency stop), none whose target the allowlist
 * refuses. The stream keeps, per bouncer, what it last served it: a pull without {@code startup=true} gets the bans
 * it does not have ({@code new}; also a ban whose expiry moved) and those it has that are gone ({@code deleted}:
 * unbanned, expired, withheld); {@code startup=true} gets every served ban as new and starts that bouncer afresh.
 * A bouncer this process has never served is treated as starting up. Filters as CrowdSec's: {@code scopes} (comma
 * list, case-insensitive; the stream defaults to {@code ip,range}), {@code origins}, {@code scenarios_containing},
 * {@code scenarios_not_containing} (comma lists, case-insensitive substrings), and for {@code /v1/decisions} also
 * {@code scope}, {@code value}, {@code type}, {@code ip}/{@code range} with {@code contains} (true, the default:
 * decisions whose target holds the given address or range; false: decisions inside it). Thread-safe.
 */
public final class LapiDecisions {
    /** Longest {@code scenario} text (our detector and reason). */
    static final int MAX_SCENARIO = 256;

    /** A filter's words could not be read (a bad address or {@code contains} value). */
    public static final class BadFilter extends Exception {
        BadFilter(String message) {
            super(message);
        }
    }

    private final Map<String, Map<BanTarget, JsonObject>> served = new HashMap<>();

    /**
     * The stream's answer for one bouncer: {@code {"new": [...], "deleted": [...]}}.
     *
     * @param bouncer  the bouncer's name (its key's owner)
     * @param startup  {@code startup=true}: every served ban, and the bouncer starts afresh
     * @param bans     the blacklist now
     * @param withheld why nothing is served now, or null
     * @param refused  targets the allowlist refuses
     * @param query    the request's query parameters (first value each)
     * @throws BadFilter naming the parameter that cannot be read
     */
    public synchronized JsonObject stream(String bouncer, boolean startup, List<Ban> bans, Instant now, String withheld,
                                          Predicate<BanTarget> refused, Map<String, String> query) throws BadFilter {
        Map<String, String> q = new HashMap<>(query);
        q.putIfAbsent("scopes", "ip,range");
        Map<BanTarget, Ban> current = current(bans, now, withheld, refused, q);
        Map<BanTarget, JsonObject> before = startup ? null : served.get(bouncer);
        Map<BanTarget, JsonObject> after = new LinkedHashMap<>();
        JsonArray added = new JsonArray(), deleted = new JsonArray();
        for (Ban b : current.values()) {
            JsonObject d = json(b, now);
            JsonObject had = before == null ? null : before.get(b.target());
            if (had == null || !had.getString("until").equals(d.getString("until"))) {
                added.add(d);
            }
            after.put(b.target(), d);
        }
        if (before != null) {
            for (var e : before.entrySet()) {
                if (!after.containsKey(e.getKey())) {
                    JsonObject gone = e.getValue().copy();
                    gone.put("duration", goDuration(Duration.between(now, Instant.parse(gone.getString("until")))));
                    deleted.add(gone);
                }
            }
        }
        served.put(bouncer, after);
        return new JsonObject().put("new", added).put("deleted", deleted);
    }

    /**
     * {@code GET /v1/decisions}: the served bans matching the filters (CrowdSec answers JSON {@code null} when
     * none match; so does this).
     *
     * @throws BadFilter naming the parameter that cannot be read
     */
    public JsonArray query(List<Ban> bans, Instant now, String withheld, Predicate<BanTarget> refused,
                           Map<String, String> query) throws BadFilter {
        JsonArray out = new JsonArray();
        for (Ban b : current(bans, now, withheld, refused, query).values()) {
            out.add(json(b, now));
        }
        return out.isEmpty() ? null : out;
    }

    /** Forgets what a bouncer was served (its key was deleted). */
    public synchronized void forget(String bouncer) {
        served.remove(bouncer);
    }

    private static Map<BanTarget, Ban> current(List<Ban> bans, Instant now, String withheld, Predicate<BanTarget> refused,
                                               Map<String, String> q) throws BadFilter {
        Map<BanTarget, Ban> out = new LinkedHashMap<>();
        if (withheld != null) {
            return out;
        }
        List<String> scopes = words(q.containsKey("scopes") ? q.get("scopes") : q.get("scope"));
        List<String> origins = words(q.get("origins"));
        List<String> containing = words(q.get("scenarios_containing"));
        List<String> notContaining = words(q.get("scenarios_not_containing"));
        String value = q.get("value"), type = q.get("type");
        String where = q.containsKey("ip") ? q.get("ip") : q.get("range");
        BanTarget inside = null;
        if (where != null && !where.isEmpty()) {
            try {
                inside = BanTarget.parseCidr(where.strip());
            } catch (IllegalArgumentException e) {
                throw new BadFilter((q.containsKey("ip") ? "ip" : "range") + ": " + e.getMessage());
            }
        }
        String c = q.getOrDefault("contains", "true");
        if (!c.equalsIgnoreCase("true") && !c.equalsIgnoreCase("false") && !c.equals("1") && !c.equals("0")) {
            throw new BadFilter("contains: \"" + c + "\" is not true or false");
        }
        boolean contains = c.equalsIgnoreCase("true") || c.equals("1");
        for (Ban b : bans) {
            if (b.action() != Action.BAN || !b.expiresAt().isAfter(now) || refused.test(b.target()) || out.containsKey(b.target())) {
                continue;
            }
            String scope = scope(b.target()), scenario = scenario(b);
            if (!scopes.isEmpty() && !scopes.contains(scope.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!origins.isEmpty() && !origins.contains(origin(b.source()).toLowerCase(Locale.ROOT))) {
                continue;
            }
            String s = scenario.toLowerCase(Locale.ROOT);
            if (!containing.isEmpty() && containing.stream().noneMatch(s::contains)) {
                continue;
            }
            if (notContaining.stream().anyMatch(s::contains)) {
                continue;
            }
            if (value != null && !value.equals(b.target().toString())) {
                continue;
            }
            if (type != null && !type.equals("ban")) {
                continue;
            }
            if (inside != null && !(contains ? holds(b.target(), inside) : holds(inside, b.target()))) {
                continue;
            }
            out.put(b.target(), b);
        }
        return out;
    }

    /** Whether {@code outer} holds all of {@code inner} (same family). */
    static boolean holds(BanTarget outer, BanTarget inner) {
        return outer.v6() == inner.v6() && outer.prefix() <= inner.prefix() && outer.contains(inner.network());
    }

    private static List<String> words(String list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (String w : list.split(",")) {
                if (!w.isBlank()) {
                    out.add(w.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** {@code Ip} for a single address, {@code Range} for a network (CrowdSec's scope names). */
    static String scope(BanTarget t) {
        return t.single() ? "Ip" : "Range";
    }

    /**
     * The decision's origin: {@code argus} for this sensor's detectors, {@code argus-operator} for its operator,
     * {@code argus-peer} for a ban learned from another sensor, {@code lists} for a feed (CrowdSec's name for
     * blocklists).
     */
    static String origin(BanSource s) {
        return switch (s) {
            case BanSource.Detector d -> "argus";
            case BanSource.Operator o -> "argus-operator";
            case BanSource.Feed f -> "lists";
            default -> "argus-peer";
        };
    }

    /** {@code argus/<detector>: <reason>} (or the source's text for a ban no detector made), at most 256 characters. */
    static String scenario(Ban b) {
        String who = b.source() instanceof BanSource.Detector d ? d.name() : b.source().text();
        String s = "argus/" + who + (b.reason() == null || b.reason().isBlank() ? "" : ": " + b.reason());
        return s.length() <= MAX_SCENARIO ? s : s.substring(0, MAX_SCENARIO);
    }

    /** A stable id for a ban: its target and creation time, hashed to a positive 53-bit number (JSON-safe). */
    static long id(BanTarget t, Instant createdAt) {
        long h = t.network().hi() * 0x9E3779B97F4A7C15L;
        h = (h ^ t.network().lo()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ((long) t.prefix() << 1 | (t.v6() ? 1 : 0))) * 0x9E3779B97F4A7C15L;
        h = (h ^ createdAt.getEpochSecond()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ createdAt.getNano()) * 0x9E3779B97F4A7C15L;
        return ((h ^ (h >>> 29)) >>> 11) | 1;
    }

    static JsonObject json(Ban b, Instant now) {
        return new JsonObject().put("id", id(b.target(), b.createdAt())).put("origin", origin(b.source())).put("type", "ban")
                .put("scope", scope(b.target())).put("value", b.target().toString())
                .put("duration", goDuration(Duration.between(now, b.expiresAt()))).put("until", b.expiresAt().toString())
                .put("scenario", scenario(b)).put("simulated", false);
    }

    /**
     * Go's {@code time.Duration.String()}: {@code 72h3m0.5s}, {@code 1.5s}, {@code 0s}; below a second {@code ms},
     * {@code µs} or {@code ns}; a minus sign for a negative one.
     */
    static String goDuration(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        String sign = n < 0 ? "-" : "";
        long u = Math.abs(n);
        if (u < 1_000_000_000L) {
            if (u < 1_000) {
                return sign + u + "ns";
            }
            if (u < 1_000_000) {
                return sign + fraction(u, 1_000) + "µs";
            }
            return sign + fraction(u, 1_000_000) + "ms";
        }
        long h = u / 3_600_000_000_000L, rest = u % 3_600_000_000_000L;
        long m = rest / 60_000_000_000L, ns = rest % 60_000_000_000L;
        StringBuilder s = new StringBuilder(sign);
        if (h > 0) {
            s.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            s.append(m).append('m');
        }
        return s.append(fraction(ns, 1_000_000_000L)).append('s').toString();
    }

    /** {@code v / unit} with the remainder as trimmed decimals: 1500, 1000 → {@code 1.5}. */
    private static String fraction(long v, long unit) {
        long whole = v / unit, rem = v % unit;
        if (rem == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        String f = String.format("%0" + digits + "d", rem).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
