package org.argus.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.argus.detect.DetectionSettings;
import org.argus.detect.Detector;
import org.argus.detect.ModelManager;

/** Builds a detector for the offline commands (replay, train checks): the configured model folder or another one. */
final class Detection {
    private Detection() {
    }

    /**
     * A detector with the newest usable model of {@code modelsDir} (or {@code model.model_local_path}); offline, the
     * minimum model age does not apply.
     *
     * @param notice told why no model is used, when none is
     */
    static Detector detector(DetectionSettings s, Path modelsDir, Consumer<String> notice) {
        DetectionSettings.Models m = s.models();
        DetectionSettings.Models offline = new DetectionSettings.Models(modelsDir != null ? modelsDir : m.dir(),
                java.time.Duration.ZERO, m.maxAge(), m.useFallback(), m.reloadInterval(), m.learning(),
                m.learningMaxRows(), m.train());
        ModelManager manager = new ModelManager(offline, s.features(), Clock.systemUTC());
        manager.refresh();
        if (manager.current() == null) {
            notice.accept("no model (" + manager.problem() + "): heuristics only");
        }
        return new Detector(s, manager, a -> a.toString(), false);
    }

    /**
     * The threat-feed matcher for an offline command: every configured feed loaded now (files, or URLs with the
     * cache as fallback), sanitized without the host's own allowlist (the file is another network's), local
     * networks as the device inventory has them; null when no feed is configured.
     *
     * @param notice told each feed's outcome
     */
    static org.argus.detect.ThreatIntelDetector threatIntel(org.argus.config.ArgusConfig c, Consumer<String> notice) {
        if (!c.intel().enabled()) {
            return null;
        }
        org.argus.intel.IntelLoader loader = new org.argus.intel.IntelLoader(c.intel(),
                new org.argus.intel.ThreatIntel.Sanitizer(c.intel().refusePrivate(), org.argus.blacklist.Allowlist.of(
                        c.blacklist().allowlist().stream().collect(java.util.stream.Collectors.toMap(x -> x, x -> "configured allowlist " + x,
                                (x, y) -> x, java.util.LinkedHashMap::new)))), Clock.systemUTC());
        org.argus.intel.ThreatIntel intel = loader.refresh(true);
        for (org.argus.intel.ThreatIntel.FeedStatus st : loader.status()) {
            notice.accept("intel feed " + st.name() + ": " + st.entries() + " entries, " + st.badLines() + " bad lines, "
                    + st.refused().values().stream().mapToInt(Integer::intValue).sum() + " refused"
                    + (st.error() == null ? "" : ", error: " + st.error()));
        }
        org.argus.intel.ThreatIntel loaded = intel == null ? org.argus.intel.ThreatIntel.empty() : intel;
        List<org.argus.blacklist.BanTarget> local = Sensor.localNetworks(c);
        return new org.argus.detect.ThreatIntelDetector(() -> loaded, a -> org.argus.blacklist.BanTarget.anyContains(local, a));
    }

    /**
     * Opens the configured GeoIP databases, or says once that there are none.
     *
     * @return the enricher, or null without databases
     * @throws java.io.IOException naming the key and file of a database that cannot be used
     */
    static org.argus.enrich.GeoIp geoIp(org.argus.enrich.EnrichmentSettings s, Consumer<String> notice) throws java.io.IOException {
        org.argus.enrich.GeoIp geo = org.argus.enrich.GeoIp.open(s.countryDb(), s.cityDb(), s.asnDb());
        notice.accept(geo == null ? "event=geoip_off reason=\"no database configured (enrichment.geoip_*_db): decisions carry no country or ASN\""
                : "event=geoip_on databases=\"" + String.join(", ", geo.databases()) + "\"");
        return geo;
    }

    /**
     * The payload classifier for the escalation path: the newest checked model in {@code modelsDir} (or
     * {@code model.model_local_path}), or null — with the reason told — when {@code payload.enabled} is false or no
     * usable model is there. Payloads are captured only when this is not null.
     */
    static org.argus.payload.PayloadModel payloadModel(org.argus.config.ArgusConfig c, Path modelsDir, Consumer<String> notice) {
        if (!c.payload().enabled()) {
            notice.accept("event=payload_inspection_off reason=\"payload.enabled is false\"");
            return null;
        }
        Path dir = modelsDir != null ? modelsDir : c.detection().models().dir();
        try {
            org.argus.payload.PayloadModel m = org.argus.payload.PayloadModel.loadNewest(dir);
            notice.accept("event=payload_inspection_on classes=" + m.classes().size() + " capture_bytes=" + c.payload().captureBytes()
                    + " sample=" + c.payload().sample() + " threshold=" + c.payload().threshold());
            return m;
        } catch (java.io.IOException e) {
            notice.accept("event=payload_inspection_off reason=\"" + org.argus.log.LogText.escape(e.getMessage()) + "\"");
            return null;
        }
    }

    /** The fast path and, with a payload model, the escalation path of {@code d}. */
    static void routing(Detector d, org.argus.config.ArgusConfig c, org.argus.payload.PayloadModel payloadModel) {
        if (!c.fastPath().empty()) {
            d.fastPath(c.fastPath());
        }
        if (payloadModel != null) {
            d.payloadInspector(new org.argus.detect.PayloadInspector(c.payload(), payloadModel));
        }
    }

    /** {@code flow} keeping payloads when {@code payloadModel} is not null. */
    static org.argus.flow.FlowSettings flow(org.argus.config.ArgusConfig c, org.argus.payload.PayloadModel payloadModel) {
        return payloadModel == null ? c.flow() : c.flow().withPayload(c.payload().captureBytes(), c.payload().windowBytes());
    }

    /** Everything a detector does besides heuristics and the model: feeds, GeoIP facts, the alert-countries rule. */
    static void extras(Detector d, org.argus.detect.ThreatIntelDetector intel, org.argus.enrich.GeoIp geo,
                       org.argus.enrich.EnrichmentSettings s) {
        d.threatIntel(intel);
        if (geo != null) {
            d.geo(geo::lookup);
            if (!s.alertCountries().isEmpty()) {
                d.geoAlert(new org.argus.detect.GeoAlertDetector(geo::lookup, s.alertCountries()));
            }
        }
    }

}
