package org.argus.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.Ban;
import org.argus.detect.Decision;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.status.Alert;
import org.argus.status.SensorHealth;
import org.argus.stats.SensorStats;

/**
 * What the dashboard page ({@code GET /}) shows, pushed every second over {@code GET /events} (server-sent events):
 * the last 120 windows' rates, the top talkers of the last window, the 20 most recent decisions, the active bans with
 * time left, dry-run days left, health and alerts, and the 50 most recently seen devices with their trust. Addresses are the CSVs' HMAC pseudonyms unless
 * {@code http.dashboard_show_addresses} (the page is open like {@code /status}); then address literals inside reason
 * texts are replaced by pseudonyms too. Thread-safe (synchronized): fed by {@link DashboardFeedVerticle}, read by the
 * HTTP verticle's SSE timer.
 *
 * <p>One event's data: {@code {"at", "health", "alerts": [...], "mode", "summary", "dry_run_remaining_days",
 * "windows": [{"start", "pps", "bps", "flows"}], "top_talkers": [{"address", "bytes", "packets", "flows", "geo"}],
 * "decisions": [{"at", "address", "risk", "detector", "reason", "geo", "id", "evidence", "verdict"}] (geo: "GB, AS1221 Telstra Pty Ltd", or empty), "bans": [{"address", "risk", "source", "reason",
 * "seconds_left"}], "devices": [{"vendor", "randomized_mac", "trust_score", "trust_band", "open_ports", "last_seen",
 * "addresses" (pseudonyms unless shown), "id" (for {@code GET /dashboard/devices/{id}}), "mac", "hostname" (only
 * when shown)}], "totals": {"packets", "windows",
 * "flows", "decisions_high"}}}</p>
 */
public final class Dashboard {
    private static final int WINDOWS = 120, DECISIONS = 20, TOP = 8;

    private final Anonymizer anonymizer;
    private final Deque<JsonObject> windows = new ArrayDeque<>();
    private final Deque<JsonObject> decisions = new ArrayDeque<>();
    private JsonArray topTalkers = new JsonArray();
    private JsonArray devices = new JsonArray();
    private java.util.function.Function<IpAddress, org.argus.enrich.Geo> geo = a -> org.argus.enrich.Geo.NONE;
    /** Device view ids of the devices ever shown in the table → device keys (bounded by the inventory's size). */
    private final Map<String, String> ids = new HashMap<>();

    /** @param anonymizer pseudonyms for addresses; null shows real addresses */
    public Dashboard(Anonymizer anonymizer) {
        this.anonymizer = anonymizer;
    }

    private static final java.util.regex.Pattern LITERAL = java.util.regex.Pattern.compile(
            "\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b|\\b[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}\\b");

    /** Reason texts name addresses ("200 ports of 192.168.1.5"): pseudonyms for those too unless addresses are shown. */
    private String scrub(String text) {
        if (anonymizer == null || text == null) {
            return text;
        }
        return LITERAL.matcher(text).replaceAll(m -> {
            try {
                return java.util.regex.Matcher.quoteReplacement(anonymizer.anonymize(IpAddress.parse(m.group())));
            } catch (RuntimeException notAnAddress) {
                return java.util.regex.Matcher.quoteReplacement(m.group());
            }
        });
    }

    private synchronized String geoOf(IpAddress a) {
        return geo.apply(a).describe();
    }

    /** Country and ASN for the top talkers and devices' peers (decisions carry their own). */
    public synchronized void geo(java.util.function.Function<IpAddress, org.argus.enrich.Geo> lookup) {
        this.geo = lookup;
    }

    private String show(IpAddress a) {
        return anonymizer == null ? a.toString() : anonymizer.anonymize(a);
    }

    /** A closed window: its rates, and its top talkers by bytes sent (originator side). */
    public synchronized void onWindow(FlowWindow w) {
        double seconds = Math.max(1e-9, w.durationSeconds());
        windows.addLast(new JsonObject().put("start", Instant.ofEpochSecond(0, w.startNanos()).toString())
                .put("pps", Math.round(w.totals().packets() / seconds)).put("bps", Math.round(w.totals().bytes() * 8 / seconds))
                .put("flows", w.flows().size()));
        while (windows.size() > WINDOWS) {
            windows.removeFirst();
        }
        Map<IpAddress, long[]> by = new HashMap<>();
        for (FlowRecord f : w.flows()) {
            long[] t = by.computeIfAbsent(f.originator(), k -> new long[3]);
            t[0] += f.originatorBytes() + f.responderBytes();
            t[1] += f.originatorPackets() + f.responderPackets();
            t[2]++;
        }
        JsonArray top = new JsonArray();
        by.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(TOP)
                .forEach(e -> top.add(new JsonObject().put("address", show(e.getKey())).put("bytes", e.getValue()[0])
                        .put("packets", e.getValue()[1]).put("flows", e.getValue()[2]).put("geo", geo.apply(e.getKey()).describe())));
        topTalkers = top;
    }

    /** A decision, newest first on the page. */
    public synchronized void onDecision(Decision d) {
        String address = d.anonymized() || anonymizer == null ? d.addressText() : show(d.address());
        decisions.addFirst(new JsonObject().put("at", Instant.ofEpochSecond(0, d.windowStartNanos()).toString()).put("address", address)
                .put("risk", d.risk().text()).put("detector", d.detector()).put("reason", scrub(d.reasons().isEmpty() ? "" : d.reasons().get(0)))
                .put("geo", d.geo() == null ? "" : d.geo().describe()).put("id", d.id())
                .put("evidence", d.evidence() == null ? "" : d.evidence()).put("verdict", verdicts.getOrDefault(d.id(), ""))
                .put("target", d.addressText()));
        while (decisions.size() > DECISIONS) {
            decisions.removeLast();
        }
    }

    /** Verdicts by decision id, the last {@value #VERDICTS}: a decision shown later still gets its verdict. */
    private static final int VERDICTS = 1000;
    private final java.util.Map<String, String> verdicts = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
            return size() > VERDICTS;
        }
    };

    /**
     * An operator's verdict ({@code argus feedback}): shown next to the decision it names, or — a verdict by address —
     * next to the recent decisions about that address. {@code false positive} or {@code confirmed}.
     */
    public synchronized void onVerdict(org.argus.blacklist.FeedbackRequest f) {
        String text = f.falsePositive() ? "false positive" : "confirmed";
        if (f.decisionId() != null) {
            verdicts.put(f.decisionId(), text);
        }
        String target = f.target().toString();
        for (JsonObject d : decisions) {
            if (d.getString("id").equals(f.decisionId()) || f.decisionId() == null && target.equals(d.getString("target"))) {
                d.put("verdict", text);
            }
        }
    }

    /**
     * The device table: the inventory's most recently seen devices ({@code GET /devices} entries). Without
     * {@code dashboard_show_addresses} addresses become pseudonyms and MACs and host names are left out.
     */
    public synchronized void onDevices(JsonArray list) {
        JsonArray out = new JsonArray();
        for (int i = 0; i < list.size(); i++) {
            JsonObject d = list.getJsonObject(i);
            JsonObject row = new JsonObject().put("vendor", d.getValue("vendor")).put("randomized_mac", d.getValue("randomized_mac"))
                    .put("trust_score", d.getValue("trust_score")).put("trust_band", d.getValue("trust_band"))
                    .put("open_ports", d.getValue("open_ports")).put("last_seen", d.getValue("last_seen"));
            JsonArray addresses = new JsonArray();
            for (Object a : d.getJsonArray("addresses", new JsonArray())) {
                addresses.add(anonymizer == null ? a : pseudonym(String.valueOf(a)));
            }
            row.put("addresses", addresses);
            String key = d.getString("key", "");
            String id = deviceId(key);
            ids.put(id, key);
            row.put("id", id);
            if (anonymizer == null) {
                row.put("mac", d.getValue("mac")).put("hostname", d.getValue("hostname"));
            }
            out.add(row);
        }
        devices = out;
    }

    /** A device's id on the open page: its key when addresses are shown, else {@code dev_} + 12 hex of its HMAC. */
    private String deviceId(String key) {
        return anonymizer == null ? key : "dev_" + anonymizer.anonymize("device " + key).substring(3);
    }

    /** The device key behind a view id of the table, or null when no device with that id was shown. */
    public synchronized String deviceKey(String id) {
        return ids.get(id);
    }

    /**
     * One device as the page's device view shows it, from its {@code GET /devices/{key}} detail: trust and its
     * parts, score history ({@code [{"at", "score"}]}), open ports and findings of the latest scan, top peers by wire
     * bytes ({@code [{"address", "bytes", "flows", "geo"}]}), the newest evidence ({@code [{"at", "part", "penalty",
     * "reason"}]}: its decisions and banned contacts). Addresses as in the table; MAC and host name only when shown.
     */
    public JsonObject deviceView(JsonObject d) {
        JsonArray addresses = new JsonArray();
        d.getJsonArray("addresses", new JsonArray()).forEach(a -> addresses.add(anonymizer == null ? a : pseudonym(String.valueOf(a))));
        JsonArray peers = new JsonArray();
        d.getJsonArray("top_peers", new JsonArray()).forEach(o -> {
            JsonObject p = (JsonObject) o;
            String country = "";
            try {
                country = geoOf(IpAddress.parse(p.getString("address")));
            } catch (RuntimeException notAnAddress) {
                // left without
            }
            peers.add(p.copy().put("address", anonymizer == null ? p.getValue("address") : pseudonym(p.getString("address")))
                    .put("geo", country));
        });
        JsonArray evidence = new JsonArray();
        d.getJsonArray("evidence", new JsonArray()).forEach(o -> {
            JsonObject e = (JsonObject) o;
            evidence.add(e.copy().put("reason", scrub(e.getString("reason"))));
        });
        JsonObject trust = d.getJsonObject("trust", new JsonObject()).copy();
        trust.remove("reasons");
        JsonObject view = new JsonObject().put("id", deviceId(d.getString("key", ""))).put("vendor", d.getValue("vendor"))
                .put("randomized_mac", d.getValue("randomized_mac")).put("trust_score", d.getValue("trust_score"))
                .put("trust_band", d.getValue("trust_band")).put("trust", trust).put("addresses", addresses)
                .put("first_seen", d.getValue("first_seen")).put("last_seen", d.getValue("last_seen"))
                .put("open_ports", d.getValue("open_ports")).put("scan", d.getValue("scan")).put("top_peers", peers)
                .put("evidence", evidence).put("score_history", d.getValue("score_history"));
        if (anonymizer == null) {
            view.put("mac", d.getValue("mac")).put("hostname", d.getValue("hostname"));
        } else if (view.getValue("scan") instanceof JsonObject scan) {
            view.put("scan", scan.copy().put("address", pseudonym(scan.getString("address", ""))));
        }
        return view;
    }

    private String pseudonym(String address) {
        try {
            return anonymizer.anonymize(org.argus.flow.IpAddress.parse(address));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** The event data now. */
    public synchronized JsonObject snapshot(SensorStats s, SensorHealth health, List<Ban> bans, Instant now) {
        JsonArray banList = new JsonArray();
        for (Ban b : bans) {
            String address = anonymizer == null ? b.target().toString()
                    : anonymizer.anonymize(b.target().network()) + (b.target().single() ? "" : "/" + b.target().prefix());
            banList.add(new JsonObject().put("address", address).put("risk", b.risk()).put("source", b.source().text()).put("reason", scrub(b.reason()))
                    .put("seconds_left", Math.max(0, b.expiresAt().getEpochSecond() - now.getEpochSecond())));
        }
        JsonArray alerts = new JsonArray();
        for (Alert a : s.health.alerts.get()) {
            alerts.add(a.toJson());
        }
        return new JsonObject().put("at", now.toString()).put("health", health.overall()).put("alerts", alerts)
                .put("mode", s.enforcement.status.get().modeText()).put("summary", StatusJson.enforcement(s).getString("summary"))
                .put("dry_run_remaining_days", s.dryRunRemainingDays(now))
                .put("windows", new JsonArray(List.copyOf(windows))).put("top_talkers", topTalkers.copy())
                .put("decisions", new JsonArray(decisions.stream().map(x -> (Object) x.copy().put("target", null)).toList())).put("bans", banList).put("devices", devices.copy())
                .put("totals", new JsonObject().put("packets", s.flow.packets.sum()).put("windows", s.flow.windows.sum())
                        .put("flows", s.flow.flowRecords.sum()).put("decisions_high", s.detection.decisionsByRisk().getOrDefault("high", 0L)));
    }
}
