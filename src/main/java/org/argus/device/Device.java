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
 */
public record Device(String key, String mac, boolean randomizedMac, String vendor, String hostName, String vendorClass,
                     List<Address> addresses, Instant firstSeen, Instant lastSeen, long bytesToday, long flowsToday) {

    /** One address of a device. */
    public record Address(String address, Instant firstSeen, Instant lastSeen) {
    }

    /** As JSON for {@code GET /devices}: times as ISO-8601 text. */
    public JsonObject toJson() {
        JsonArray a = new JsonArray();
        addresses.forEach(x -> a.add(x.address()));
        return new JsonObject().put("key", key).put("mac", mac).put("randomized_mac", randomizedMac).put("vendor", vendor)
                .put("hostname", hostName).put("vendor_class", vendorClass).put("addresses", a)
                .put("first_seen", firstSeen.toString()).put("last_seen", lastSeen.toString())
                .put("bytes_today", bytesToday).put("flows_today", flowsToday);
    }

    /** {@link #toJson()} with each address's own first and last sighting ({@code GET /devices/{key}}). */
    public JsonObject toDetailJson() {
        JsonArray a = new JsonArray();
        addresses.forEach(x -> a.add(new JsonObject().put("address", x.address()).put("first_seen", x.firstSeen().toString())
                .put("last_seen", x.lastSeen().toString())));
        return toJson().put("address_history", a);
    }
}
