package org.argus.device;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One device of the local network as the inventory knows it. Immutable; crosses the event bus locally.
 *
 * @param key           the device's identity: its MAC text, or its address text on links without Ethernet
 * @param mac           MAC text, or null on links without Ethernet
 * @param randomizedMac the MAC is locally administered (a randomized, per-network address: no vendor)
 * @param vendor        from the OUI registry, or null
 * @param hostName      from DHCP (option 12 or 81), or null
 * @param vendorClass   from DHCP (option 60), or null
 * @param addresses     its addresses, most recently seen first, with when each was first and last seen
 * @param firstSeen     first sighting (packet time)
 * @param lastSeen      latest sighting (packet time)
 * @param bytesToday    wire bytes of its flows on the UTC day of {@code lastSeen}, both directions
 * @param flowsToday    flow-windows it took part in on that day (a flow counts once per window it is active in)
 * @param lastScan      its latest vulnerability scan, or null when never scanned
 * @param trust         its trust score now, with parts and reasons
 */
public record Device(String key, String mac, boolean randomizedMac, String vendor, String hostName, String vendorClass,
                     List<Address> addresses, Instant firstSeen, Instant lastSeen, long bytesToday, long flowsToday,
                     DeviceScanner.Outcome lastScan, TrustScore.Score trust) {

    /** One address of a device. */
    public record Address(String address, Instant firstSeen, Instant lastSeen) {
    }

    /**
     * As JSON for {@code GET /devices}: times as ISO-8601 text; {@code open_ports} from the latest scan that ran to
     * its end (null when none did).
     */
    public JsonObject toJson() {
        JsonArray a = new JsonArray();
        addresses.forEach(x -> a.add(x.address()));
        return new JsonObject().put("key", key).put("mac", mac).put("randomized_mac", randomizedMac).put("vendor", vendor)
                .put("hostname", hostName).put("vendor_class", vendorClass).put("addresses", a)
                .put("first_seen", firstSeen.toString()).put("last_seen", lastSeen.toString())
                .put("bytes_today", bytesToday).put("flows_today", flowsToday)
                .put("open_ports", lastScan == null || !lastScan.ok() ? null
                        : new JsonArray(lastScan.findings().stream().map(DeviceScanner.Finding::port).toList()))
                .put("last_scan", lastScan == null ? null : lastScan.finished().toString())
                .put("trust_score", trust.total()).put("trust_band", trust.band().text());
    }

    /** {@link #toJson()} with each address's own first and last sighting ({@code GET /devices/{key}}). */
    public JsonObject toDetailJson() {
        JsonArray a = new JsonArray();
        addresses.forEach(x -> a.add(new JsonObject().put("address", x.address()).put("first_seen", x.firstSeen().toString())
                .put("last_seen", x.lastSeen().toString())));
        JsonObject scan = null;
        if (lastScan != null) {
            JsonArray findings = new JsonArray();
            lastScan.findings().forEach(f -> findings.add(new JsonObject().put("port", f.port()).put("protocol", f.protocol())
                    .put("service", f.service()).put("risk", f.risk()).put("why", f.why())));
            scan = new JsonObject().put("address", lastScan.address()).put("started", lastScan.started().toString())
                    .put("finished", lastScan.finished().toString()).put("error", lastScan.error()).put("findings", findings);
        }
        return toJson().put("address_history", a).put("scan", scan).put("trust", new JsonObject()
                .put("behaviour", Math.round(trust.behaviour() * 10) / 10.0).put("vulnerability", Math.round(trust.vulnerability() * 10) / 10.0)
                .put("reputation", Math.round(trust.reputation() * 10) / 10.0).put("reasons", new JsonArray(trust.reasons())));
    }
}
