package org.argus.enrich;

import io.vertx.core.json.JsonObject;

/**
 * Where an address is, as the configured MaxMind databases say. Immutable; any part may be null (not in the
 * database, or no database of that kind configured).
 *
 * @param country ISO 3166-1 alpha-2 code of the country the address is located in ({@code country.iso_code}; else
 *                the registered country's)
 * @param asn     autonomous system number
 * @param asOrg   the autonomous system's organisation
 */
public record Geo(String country, Long asn, String asOrg) {
    /** Nothing known. */
    public static final Geo NONE = new Geo(null, null, null);

    /** Whether anything is known. */
    public boolean known() {
        return country != null || asn != null || asOrg != null;
    }

    /** {@code {"country", "asn", "as_org"}}, absent parts left out. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        if (country != null) {
            o.put("country", country);
        }
        if (asn != null) {
            o.put("asn", asn);
        }
        if (asOrg != null) {
            o.put("as_org", asOrg);
        }
        return o;
    }

    /** {@code GB, AS1221 Telstra Pty Ltd} for reasons and logs; empty when nothing is known. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (country != null) {
            s.append(country);
        }
        if (asn != null) {
            s.append(s.isEmpty() ? "" : ", ").append("AS").append(asn);
            if (asOrg != null) {
                s.append(' ').append(asOrg);
            }
        }
        return s.toString();
    }
}
