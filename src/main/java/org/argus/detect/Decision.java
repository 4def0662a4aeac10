package org.argus.detect;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.argus.flow.IpAddress;

/**
 * A detection decision about one address in one window: what {@code argus.decision} carries, what
 * {@code decisions-*.jsonl} holds one per line, and what the blacklist consumes. Immutable.
 *
 * @param windowStartNanos window start, ns since the epoch (packet time)
 * @param address          the address the decision is about (for CSV polling, a stand-in for a pseudonym; see
 *                         {@code anonymized})
 * @param addressText      the address as written in JSON: canonical text, or the CSV pseudonym
 * @param anonymized       true when the source data was anonymized, so {@code addressText} is a pseudonym that
 *                         cannot be enforced
 * @param role             attacker (ban candidate) or victim (alert only)
 * @param risk             low, medium or high, from the score and the configured thresholds
 * @param score            0..1, higher is worse
 * @param detector         the detector with the highest score
 * @param detectors        every detector that fired for this address and role in the window
 * @param reasons          short human-readable strings with the numbers that triggered them
 * @param communityIds     Community IDs (v1) of up to five flows behind the decision, to join with Zeek/Suricata
 * @param modelVersion     the model version in use for the window, or null when running on heuristics alone
 * @param early            true when made inside the still open window ({@link EarlyWarning}: heuristics alone on
 *                         the flows so far); the window's own decision follows when it closes
 * @param geo              country and ASN of the address from the configured GeoIP databases, or null (none
 *                         configured, a pseudonym, or nothing known)
 */
public record Decision(long windowStartNanos, IpAddress address, String addressText, boolean anonymized, Role role,
                       Risk risk, double score, String detector, List<String> detectors, List<String> reasons,
                       List<String> communityIds, String modelVersion, boolean early, org.argus.enrich.Geo geo,
                       String evidence) {
    public Decision {
        detectors = List.copyOf(detectors);
        reasons = List.copyOf(reasons);
        communityIds = List.copyOf(communityIds);
        geo = geo == null || !geo.known() ? null : geo;
    }

    /** A decision without an evidence capture. */
    public Decision(long windowStartNanos, IpAddress address, String addressText, boolean anonymized, Role role,
                    Risk risk, double score, String detector, List<String> detectors, List<String> reasons,
                    List<String> communityIds, String modelVersion, boolean early, org.argus.enrich.Geo geo) {
        this(windowStartNanos, address, addressText, anonymized, role, risk, score, detector, detectors, reasons,
                communityIds, modelVersion, early, geo, null);
    }

    /** A decision without GeoIP facts. */
    public Decision(long windowStartNanos, IpAddress address, String addressText, boolean anonymized, Role role,
                    Risk risk, double score, String detector, List<String> detectors, List<String> reasons,
                    List<String> communityIds, String modelVersion, boolean early) {
        this(windowStartNanos, address, addressText, anonymized, role, risk, score, detector, detectors, reasons,
                communityIds, modelVersion, early, null);
    }

    /** This decision with the address's GeoIP facts. */
    public Decision withGeo(org.argus.enrich.Geo g) {
        return new Decision(windowStartNanos, address, addressText, anonymized, role, risk, score, detector, detectors, reasons,
                communityIds, modelVersion, early, g, evidence);
    }

    /** This decision with the file name of its evidence capture. */
    public Decision withEvidence(String file) {
        return new Decision(windowStartNanos, address, addressText, anonymized, role, risk, score, detector, detectors, reasons,
                communityIds, modelVersion, early, geo, file);
    }

    /** A decision made when its window closed. */
    public Decision(long windowStartNanos, IpAddress address, String addressText, boolean anonymized, Role role,
                    Risk risk, double score, String detector, List<String> detectors, List<String> reasons,
                    List<String> communityIds, String modelVersion) {
        this(windowStartNanos, address, addressText, anonymized, role, risk, score, detector, detectors, reasons,
                communityIds, modelVersion, false);
    }

    /** What {@link #id()} looks like: {@code d-} and 16 lower-case hex digits. */
    public static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("d-[0-9a-f]{16}");

    /**
     * A stable id ({@code d-} and 16 hex digits): SHA-256 of the window start, the address as written, the role and
     * whether it was early, so the same decision has the same id in every replay and in {@code decisions-*.jsonl},
     * the dashboard and feedback ({@code POST /decisions/<id>/feedback}).
     */
    public String id() {
        byte[] h = ModelStore.sha256(windowStartNanos + "|" + addressText + "|" + role.text() + (early ? "|early" : ""));
        return "d-" + java.util.HexFormat.of().formatHex(h, 0, 8);
    }

    /** Window start as ISO-8601 UTC. */
    public String windowStartIso() {
        return Instant.ofEpochSecond(Math.floorDiv(windowStartNanos, 1_000_000_000L),
                Math.floorMod(windowStartNanos, 1_000_000_000L)).toString();
    }

    /** The JSON line written to {@code decisions-*.jsonl}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject()
                .put("id", id())
                .put("window_start", windowStartIso())
                .put("address", addressText)
                .put("role", role.text())
                .put("risk", risk.text())
                .put("score", Math.round(score * 1000) / 1000.0)
                .put("detector", detector)
                .put("detectors", new JsonArray(detectors))
                .put("reasons", new JsonArray(reasons))
                .put("community_ids", new JsonArray(communityIds))
                .put("model_version", modelVersion);
        if (anonymized) {
            o.put("address_anonymized", true);
        }
        if (early) {
            o.put("early", true);
        }
        if (geo != null) {
            o.put("geo", geo.toJson());
        }
        if (evidence != null) {
            o.put("evidence", evidence);
        }
        return o;
    }
}
