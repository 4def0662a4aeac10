package org.argus.enrich;

import java.nio.file.Path;
import java.util.Set;

/**
 * {@code enrichment.*} and the GeoIP rule {@code heuristics.alert_countries}.
 *
 * @param countryDb      a MaxMind Country database ({@code geoip_country_db}), or null
 * @param cityDb         a MaxMind City database ({@code geoip_city_db}; its country is used when no Country database
 *                       is given), or null
 * @param asnDb          a MaxMind ASN database ({@code geoip_asn_db}), or null
 * @param alertCountries ISO 3166-1 alpha-2 codes: an outside address located there that originates flows is a
 *                       {@code geo_alert} finding ({@code heuristics.alert_countries}; needs a country database)
 * @param extraColumns   add {@code src_country,src_asn,dst_country,dst_asn} to the CSV rows
 *                       ({@code aggregation.extra_columns}; needs a database)
 */
public record EnrichmentSettings(Path countryDb, Path cityDb, Path asnDb, Set<String> alertCountries, boolean extraColumns) {
    public EnrichmentSettings {
        alertCountries = Set.copyOf(alertCountries);
    }

    /** Whether any database is configured. */
    public boolean enabled() {
        return countryDb != null || cityDb != null || asnDb != null;
    }
}
