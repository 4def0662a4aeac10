package org.argus.notify;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.argus.blacklist.Ban;

/**
 * One thing to tell a person: its kind, a title, a text, and the fields a template may use ({@code {address}},
 * {@code {reason}}, {@code {risk}}, {@code {ttl}}, {@code {country}}, {@code {asn}}, {@code {dashboard}},
 * {@code {sensor}}, {@code {kind}}, {@code {title}}, {@code {text}}, {@code {at}}). Immutable.
 *
 * @param kind   {@code ban}, {@code unban}, {@code new_device}, {@code band_change}, {@code health_alert},
 *               {@code emergency_stop}
 * @param risk   the ban's risk ({@code low}, {@code medium}, {@code high}), or null when not a ban
 * @param fields template fields, in a stable order
 */
public record Notification(String kind, String title, String text, String risk, Map<String, String> fields) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    public Notification {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put("kind", kind);
        f.put("title", title);
        f.put("text", text);
        fields = java.util.Collections.unmodifiableMap(f);
    }

    /** A ban or unban, with the address's country and ASN when GeoIP knows them. */
    static Notification ban(Ban b, boolean added, String sensor, String dashboard, org.argus.enrich.Geo geo, Instant now) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("address", b.target().toString());
        f.put("reason", b.reason() == null ? "" : b.reason());
        f.put("risk", b.risk() == null ? "" : b.risk());
        long ttl = Math.max(0, Duration.between(now, b.expiresAt()).toSeconds());
        f.put("ttl", added ? ttlText(ttl) : "");
        f.put("source", b.source().text());
        f.put("country", geo == null || geo.country() == null ? "" : geo.country());
        f.put("asn", geo == null || geo.asn() == null ? "" : "AS" + geo.asn() + (geo.asOrg() == null ? "" : " " + geo.asOrg()));
        f.put("sensor", sensor);
        f.put("dashboard", dashboard);
        f.put("at", now.toString());
        String where = f.get("country").isEmpty() ? "" : " (" + f.get("country") + (f.get("asn").isEmpty() ? "" : ", " + f.get("asn")) + ")";
        String title = added ? "Argus banned " + b.target() : "Argus lifted the ban on " + b.target();
        String text = added
                ? b.target() + where + " banned for " + f.get("ttl") + " (" + f.get("risk") + " risk) by " + f.get("source") + ": " + f.get("reason")
                : b.target() + where + " is no longer banned (was: " + f.get("reason") + ")";
        if (!dashboard.isEmpty()) {
            text += " — " + dashboard;
        }
        return new Notification(added ? "ban" : "unban", title, text, b.risk(), f);
    }

    /** A notice or alert ({@code {"alert", "severity", "message"}}) as a notification of the given kind. */
    static Notification notice(String kind, JsonObject n, String sensor, String dashboard, Instant now) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("severity", n.getString("severity", ""));
        f.put("message", n.getString("message", ""));
        f.put("sensor", sensor);
        f.put("dashboard", dashboard);
        f.put("at", now.toString());
        String title = switch (kind) {
            case "new_device" -> "Argus: new device on the network";
            case "band_change" -> "Argus: a device's trust changed";
            case "emergency_stop" -> "Argus: " + n.getString("alert", "emergency stop").replace('_', ' ');
            default -> "Argus health: " + n.getString("alert", "alert") + " (" + n.getString("severity", "") + ")";
        };
        return new Notification(kind, title, n.getString("message", "") + (dashboard.isEmpty() ? "" : " — " + dashboard), null, f);
    }

    /** {@code 24 h}, {@code 1 h 30 min}, {@code 30 min}, {@code 45 s}: to the nearest minute from a minute on. */
    static String ttlText(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = Math.round(seconds / 60.0), h = minutes / 60, m = minutes % 60;
        return h == 0 ? m + " min" : m == 0 ? h + " h" : h + " h " + m + " min";
    }

    /** The template with each {@code {field}} replaced (unknown fields stay as written); {@code json} escapes values for a JSON string. */
    String render(String template, boolean json) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = fields.get(m.group(1));
            String r = v == null ? m.group() : json ? jsonEscape(v) : v;
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String jsonEscape(String s) {
        String quoted = new io.vertx.core.json.JsonArray().add(s).encode();
        return quoted.substring(2, quoted.length() - 2);
    }

    /** The default webhook body: {@code {"event", "title", "text", …fields}}. */
    JsonObject toJson() {
        JsonObject o = new JsonObject().put("event", kind);
        fields.forEach((k, v) -> {
            if (!k.equals("kind")) {
                o.put(k, v);
            }
        });
        return o;
    }
}
