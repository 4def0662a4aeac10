package org.argus.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.argus.blacklist.BanPolicy;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanSource;
import org.argus.log.LogText;

/**
 * What the HTTP control API reads from a request, as plain functions (fuzzed by {@code ControlInputFuzzTest}): the
 * request target's percent-encoding, a {@code POST /blacklist} body, an emergency body's reason.
 */
final class ControlRequests {
    private ControlRequests() {
    }

    /** True when a {@code %} in the request target is not followed by two hex digits (RFC 3986 section 2.1). */
    static boolean badPercentEncoding(String uri) {
        if (uri == null) {
            return true;
        }
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0
                    || uri.charAt(i + 1) > 'f' || uri.charAt(i + 2) > 'f') {
                return true;
            }
        }
        return false;
    }

    /**
     * A feedback body as read: the verdict, how long a false positive's target stays allowlisted, the note, and
     * the address when the body names one.
     */
    record Feedback(boolean falsePositive, Duration allowlistFor, String note, String address) {
    }

    /** A false positive's allowlist entry when the body does not say: a week. */
    static final Duration DEFAULT_ALLOWLIST = Duration.ofDays(7);

    /**
     * Reads a feedback body: {@code {"verdict": "false_positive"|"true_positive", "allowlist_for": "7d"?, "note":
     * string?, "address": string?}}; {@code allowlist_for} a whole number and a unit ({@code s m h d w}), {@code 0}
     * for none, at most 365 days (default 7 days for a false positive, none for a true positive).
     *
     * @throws IllegalArgumentException with the message a 400 answer carries
     */
    static Feedback feedback(Buffer raw) {
        String shape = "body must be a JSON object {\"verdict\": \"false_positive\"|\"true_positive\", \"allowlist_for\", \"note\", \"address\"}";
        JsonObject body;
        try {
            body = raw == null || raw.length() == 0 ? null : raw.toJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(shape);
        }
        if (body == null || !(body.getValue("verdict") instanceof String verdict)
                || !(verdict.equals("false_positive") || verdict.equals("true_positive"))) {
            throw new IllegalArgumentException(shape);
        }
        Object note = body.getValue("note"), address = body.getValue("address"), span = body.getValue("allowlist_for");
        if ((note != null && !(note instanceof String)) || (address != null && !(address instanceof String))
                || (span != null && !(span instanceof String))) {
            throw new IllegalArgumentException("note, address and allowlist_for must be strings");
        }
        boolean fp = verdict.equals("false_positive");
        Duration d = span == null ? (fp ? DEFAULT_ALLOWLIST : Duration.ZERO) : duration((String) span);
        return new Feedback(fp, d, note == null ? "" : BanPolicy.cap((String) note), (String) address);
    }

    /**
     * {@code 0}, or a whole number and a unit: {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}, {@code 2w}; at most
     * 365 days.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Duration duration(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Duration d = org.argus.config.Durations.parse(t);
        if (d.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException(t + " is longer than 365 days");
        }
        return d;
    }

    /**
     * Reads a {@code POST /blacklist} body: {@code {"address": string, "reason": string?, "risk_level": string?,
     * "ttl_hours": number?}}, TTL in (0, 87600] hours, a longer reason cut to {@link BanPolicy#MAX_REASON}
     * characters. Address, risk and allowlist are the {@link BanPolicy}'s to check.
     *
     * @throws IllegalArgumentException with the message a 400 answer carries
     */
    static BanRequest banRequest(Buffer raw) {
        return banRequest(raw, null);
    }

    /**
     * @param forced the action this endpoint stands for ({@code POST /quarantine}), or null to read {@code action}
     *               from the body: {@code ban} (default) or {@code rate_limit}
     */
    static BanRequest banRequest(Buffer raw, org.argus.blacklist.Action forced) {
        String shape = "body must be a JSON object {\"address\", \"reason\", \"risk_level\", \"ttl_hours\"" + (forced == null ? ", \"action\"}" : "}");
        JsonObject body;
        try {
            body = raw == null || raw.length() == 0 ? null : raw.toJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(shape);
        }
        if (body == null) {
            throw new IllegalArgumentException(shape);
        }
        Duration ttl = null;
        Object hours = body.getValue("ttl_hours");
        if (hours != null) {
            if (!(hours instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > 24 * 3650) {
                throw new IllegalArgumentException("ttl_hours must be a number of hours greater than 0 (at most 87600), not "
                        + LogText.escape(String.valueOf(hours)));
            }
            ttl = Duration.ofMillis(Math.max(1000, Math.round(n.doubleValue() * 3_600_000)));
        }
        Object address = body.getValue("address"), reason = body.getValue("reason"), risk = body.getValue("risk_level");
        if (!(address instanceof String) || (reason != null && !(reason instanceof String)) || (risk != null && !(risk instanceof String))) {
            throw new IllegalArgumentException("address (string) is required; reason and risk_level must be strings");
        }
        String why = reason == null ? null : BanPolicy.cap((String) reason);
        org.argus.blacklist.Action action = forced;
        if (action == null) {
            Object a = body.getValue("action", "ban");
            if (!"ban".equals(a) && !"rate_limit".equals(a)) {
                throw new IllegalArgumentException("action must be \"ban\" or \"rate_limit\" (a quarantine is POST /quarantine), not "
                        + LogText.escape(String.valueOf(a)));
            }
            action = org.argus.blacklist.Action.parse((String) a);
        }
        return new BanRequest((String) address, why, (String) risk, ttl, BanSource.OPERATOR, action);
    }

    /**
     * The reason a control body gives: absent, null or blank → {@code (no reason given)}; any other JSON value → its
     * text; cut to {@link BanPolicy#MAX_REASON} characters. Null when the body is not a JSON object.
     */
    static String reasonOf(Buffer body) {
        if (body == null || body.length() == 0) {
            return "(no reason given)";
        }
        Object r;
        try {
            JsonObject b = body.toJsonObject();
            r = b.getValue("reason");
        } catch (RuntimeException e) {
            return null;
        }
        String text = r == null ? "" : r instanceof String str ? str : r.toString();
        return text.isBlank() ? "(no reason given)" : BanPolicy.cap(text);
    }
}
