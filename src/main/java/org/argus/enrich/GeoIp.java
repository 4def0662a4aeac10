package org.argus.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.argus.flow.IpAddress;

/**
 * Country and ASN of addresses from user-supplied MaxMind DB files ({@code .mmdb}: GeoLite2/GeoIP2 Country or City,
 * GeoLite2 ASN, or DB-IP lite in the same format) through MaxMind's {@code geoip2} library, memory-mapped, with its
 * node cache. Private, loopback and other non-global addresses are not looked up. Thread-safe (the readers are).
 */
public final class GeoIp implements AutoCloseable {
    private final DatabaseReader location;
    private final boolean city;
    private final DatabaseReader asn;
    private final List<String> describe;
    /** Lookups made and lookups that found something. */
    public final LongAdder lookups = new LongAdder(), found = new LongAdder();

    private GeoIp(DatabaseReader location, boolean city, DatabaseReader asn, List<String> describe) {
        this.location = location;
        this.city = city;
        this.asn = asn;
        this.describe = List.copyOf(describe);
    }

    /**
     * Opens the configured databases; null paths are skipped. Each file's database type is checked against its key.
     *
     * @param countryDb a Country database ({@code enrichment.geoip_country_db}), or null
     * @param cityDb    a City database ({@code enrichment.geoip_city_db}; used for the country when no Country
     *                  database is given), or null
     * @param asnDb     an ASN database ({@code enrichment.geoip_asn_db}), or null
     * @return the enricher, or null when no path is given
     * @throws IOException naming the key and file when a file cannot be read or is of the wrong type
     */
    public static GeoIp open(Path countryDb, Path cityDb, Path asnDb) throws IOException {
        DatabaseReader location = null, as = null;
        boolean city = false;
        List<String> d = new ArrayList<>();
        try {
            if (countryDb != null) {
                location = reader(countryDb, "enrichment.geoip_country_db", "Country");
                d.add(location.metadata().databaseType() + " " + countryDb);
            } else if (cityDb != null) {
                location = reader(cityDb, "enrichment.geoip_city_db", "City");
                city = true;
                d.add(location.metadata().databaseType() + " " + cityDb);
            }
            if (asnDb != null) {
                as = reader(asnDb, "enrichment.geoip_asn_db", "ASN");
                d.add(as.metadata().databaseType() + " " + asnDb);
            }
        } catch (IOException | RuntimeException e) {
            if (location != null) {
                location.close();
            }
            throw e;
        }
        return location == null && as == null ? null : new GeoIp(location, city, as, d);
    }

    private static DatabaseReader reader(Path file, String key, String kind) throws IOException {
        DatabaseReader r;
        try {
            r = new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache()).build();
        } catch (IOException | RuntimeException e) {
            throw new IOException(key + ": " + file + " is not a readable MaxMind DB file (" + e.getMessage() + ")", e);
        }
        String type = r.metadata().databaseType();
        if (!type.contains(kind)) {
            r.close();
            throw new IOException(key + ": " + file + " is a " + type + " database, not " + (kind.equals("ASN") ? "an " : "a ") + kind + " one");
        }
        return r;
    }

    /** The databases in use, {@code <type> <path>} each (for the status and the start-up log). */
    public List<String> databases() {
        return describe;
    }

    /** What the databases say about an address; {@link Geo#NONE} for a non-global address or when nothing is found. */
    public Geo lookup(IpAddress a) {
        if (!global(a)) {
            return Geo.NONE;
        }
        lookups.increment();
        InetAddress ia = a.toInetAddress();
        String country = null, org = null;
        Long number = null;
        try {
            if (location != null) {
                var rec = city ? location.tryCity(ia).map(c -> iso(c.country(), c.registeredCountry()))
                        : location.tryCountry(ia).map(c -> iso(c.country(), c.registeredCountry()));
                country = rec.orElse(null);
            }
            if (asn != null) {
                var r = asn.tryAsn(ia);
                if (r.isPresent()) {
                    number = r.get().autonomousSystemNumber();
                    org = r.get().autonomousSystemOrganization();
                }
            }
        } catch (IOException | GeoIp2Exception e) {
            return Geo.NONE; // a corrupt record: nothing known about this one address
        }
        Geo g = new Geo(country, number, org);
        if (g.known()) {
            found.increment();
        }
        return g;
    }

    private static String iso(com.maxmind.geoip2.record.Country located, com.maxmind.geoip2.record.Country registered) {
        return located != null && located.isoCode() != null ? located.isoCode() : registered == null ? null : registered.isoCode();
    }

    /** Public unicast space: not private, loopback, link-local, multicast, unspecified, documentation or shared. */
    static boolean global(IpAddress a) {
        if (!a.v6()) {
            long v = a.lo();
            int first = (int) (v >>> 24), second = (int) (v >>> 16) & 0xff;
            return !(first == 0 || first == 10 || first == 127 || first >= 224 || (first == 169 && second == 254)
                    || (first == 172 && second >= 16 && second < 32) || (first == 192 && second == 168)
                    || (first == 100 && second >= 64 && second < 128));
        }
        long hi = a.hi();
        int top = (int) (hi >>> 48);
        return !(hi == 0 || (top & 0xfe00) == 0xfc00 || (top & 0xffc0) == 0xfe80 || (top & 0xff00) == 0xff00);
    }

    @Override
    public void close() throws IOException {
        if (location != null) {
            location.close();
        }
        if (asn != null) {
            asn.close();
        }
    }
}
