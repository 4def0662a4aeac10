package org.argus.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.argus.TestData;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * GeoIP answers equal MaxMind's test databases' own sources ({@code ../shared/geoip/*.json}, the JSON the
 * {@code .mmdb} files were built from): every global network's first address, through the geoip2 library.
 */
class GeoIpTest {
    private static final Path GEO = TestData.shared().resolve("geoip");

    /** Each global network of a source file with its record. */
    private static void eachNetwork(String source, java.util.function.BiConsumer<IpAddress, JsonObject> check) throws IOException {
        JsonArray all = new JsonArray(Files.readString(GEO.resolve(source)));
        int checked = 0;
        for (Object o : all) {
            JsonObject entry = (JsonObject) o;
            for (String network : entry.fieldNames()) {
                IpAddress first = BanTarget.parseCidr(network).network();
                if (GeoIp.global(first)) {
                    check.accept(first, entry.getJsonObject(network));
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, checked + " networks checked in " + source);
    }

    private static String iso(JsonObject r) {
        JsonObject c = r.getJsonObject("country");
        if (c != null && c.getString("iso_code") != null) {
            return c.getString("iso_code");
        }
        JsonObject reg = r.getJsonObject("registered_country");
        return reg == null ? null : reg.getString("iso_code");
    }

    @Test
    void countriesEqualTheCountryAndCityDatabasesSources() throws Exception {
        try (GeoIp country = GeoIp.open(GEO.resolve("GeoLite2-Country-Test.mmdb"), null, null);
             GeoIp city = GeoIp.open(null, GEO.resolve("GeoLite2-City-Test.mmdb"), null)) {
            eachNetwork("GeoLite2-Country-Test.json", (a, r) -> assertEquals(iso(r), country.lookup(a).country(), a.toString()));
            eachNetwork("GeoLite2-City-Test.json", (a, r) -> assertEquals(iso(r), city.lookup(a).country(), a.toString()));
            assertEquals("GB", city.lookup(IpAddress.parse("81.2.69.142")).country(), "the README's London example");
            assertNull(country.lookup(IpAddress.parse("192.168.1.7")).country(), "private space is not looked up");
            assertEquals(Geo.NONE, country.lookup(IpAddress.parse("1.1.1.1")), "not in the test database");
        }
    }

    @Test
    void asnsEqualTheAsnDatabasesSource() throws Exception {
        try (GeoIp asn = GeoIp.open(null, null, GEO.resolve("GeoLite2-ASN-Test.mmdb"))) {
            eachNetwork("GeoLite2-ASN-Test.json", (a, r) -> {
                Geo g = asn.lookup(a);
                assertEquals(r.getLong("autonomous_system_number"), g.asn(), a.toString());
                assertEquals(r.getString("autonomous_system_organization"), g.asOrg(), a.toString());
            });
            Geo telstra = asn.lookup(IpAddress.parse("1.128.0.1"));
            assertEquals(new Geo(null, 1221L, "Telstra Pty Ltd"), telstra);
            assertEquals("AS1221 Telstra Pty Ltd", telstra.describe());
            assertEquals(new JsonObject().put("asn", 1221L).put("as_org", "Telstra Pty Ltd"), telstra.toJson());
        }
    }

    @Test
    void aDatabaseOfTheWrongKindOrNoDatabaseIsRefusedByName() {
        IOException wrong = assertThrows(IOException.class, () -> GeoIp.open(null, null, GEO.resolve("GeoLite2-Country-Test.mmdb")));
        assertTrue(wrong.getMessage().startsWith("enrichment.geoip_asn_db: ") && wrong.getMessage().contains("not an ASN one"), wrong.getMessage());
        IOException notDb = assertThrows(IOException.class, () -> GeoIp.open(GEO.resolve("README.md"), null, null));
        assertTrue(notDb.getMessage().startsWith("enrichment.geoip_country_db: "), notDb.getMessage());
    }
}
