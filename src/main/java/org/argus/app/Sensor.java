package org.argus.app;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.argus.capture.CaptureVerticle;
import java.nio.file.Path;
import org.argus.anon.Anonymizer;
import org.argus.csv.FreeSpace;
import org.argus.http.Dashboard;
import org.argus.http.DashboardFeedVerticle;
import org.argus.status.HealthMonitorVerticle;
import org.argus.cluster.ClusterSigner;
import org.argus.cluster.ClusterVerticle;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BlacklistVerticle;
import org.argus.config.ArgusConfig;
import org.argus.enforce.Commands;
import org.argus.blacklist.BanPolicy;
import org.argus.blacklist.BlacklistSettings;
import org.argus.enforce.Enforcer;
import org.argus.enforce.EnforcementSettings;
import org.argus.stats.StatsDocument;
import org.argus.enforce.EnforcementVerticle;
import org.argus.enforce.Firewall;
import org.argus.staging.StagingSettings;
import org.argus.staging.StagingVerticle;
import org.argus.staging.StorageFactory;
import org.argus.csv.CsvVerticle;
import org.argus.detect.DetectionSettings;
import org.argus.detect.PredictionVerticle;
import org.argus.flow.FlowWindowVerticle;
import org.argus.http.HttpVerticle;
import org.argus.status.SensorHealth;
import org.argus.stats.SensorStats;

/**
 * The running sensor: deploys the pipeline's verticles downstream first (staging, CSV, blacklist, enforcement,
 * prediction, flow windows, capture), so
 * nothing is published before its consumer listens, then HTTP; {@link #stop()} undeploys them upstream first
 * (capture, flow windows, prediction, CSV, HTTP), so a clean stop flushes the open window into the CSV file (and
 * scores it) and closes the file under its final name.
 * The verticles are deployed side by side (not as children of one parent) so that this order is ours, not Vert.x's.
 */
public final class Sensor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Sensor.class);
    /** Most flows in one early look (early firing). */
    private static final int EARLY_MAX_FLOWS = 20_000;
    private final Vertx vertx;
    private final ArgusConfig config;
    private final String salt;
    private final SensorStats stats;
    private final SensorHealth health;
    private final List<String> stopOrder = new ArrayList<>();
    private HttpVerticle http;

    /**
     * @param salt the anonymization salt in force (configured, or generated for a demo)
     */
    public Sensor(Vertx vertx, ArgusConfig config, String salt, SensorStats stats, SensorHealth health) {
        this.vertx = vertx;
        this.config = config;
        this.salt = salt;
        this.stats = stats;
        this.health = health;
    }

    /**
     * Deploys everything; fails (after undeploying what started) if any verticle fails to start. With
     * {@code polling.enabled} the sensor is prediction-only: no capture, windows or CSV, just prediction over the
     * polled CSV folder (and HTTP).
     */
    public Future<Void> start() {
        long stallMillis = config.healthStall().toMillis();
        boolean live = !config.capture().offline();
        boolean polling = config.detection().polling().enabled();
        EnforcementSettings es = config.enforcement();
        List<String> peers = new ArrayList<>();
        if (config.cluster().enabled()) {
            peers.add(config.cluster().host());
            peers.addAll(config.cluster().members());
        }
        BlacklistSettings bs = config.blacklist();
        Allowlist allowlist = Allowlist.discover(bs.allowlist(), peers, Path.of("/proc/net"), Path.of("/etc/resolv.conf"));
        config.intel().feeds().forEach(f -> stats.intel.names.add(f.name()));
        Dashboard dashboard = new Dashboard(config.http().dashboardShowsAddresses() ? null : new Anonymizer(salt));
        http = config.http().enabled() ? new HttpVerticle(config.http(), stats, health, allowlist,
                org.argus.metrics.ArgusMetrics.bind(stats), config.cluster().sensorId(),
                dashboard) : null;
        if (http != null) {
            http.blocklistMirror(config.mirror().clients(), config.mirror().serveDryRun());
            if (config.mirror().enabled()) {
                try {
                    http.lapi(org.argus.lapi.BouncerStore.open(config.mirror().bouncersDb()));
                } catch (java.sql.SQLException e) {
                    return Future.failedFuture("lapi.bouncers_db: " + e.getMessage());
                }
                LOG.info("event=lapi_on bouncers_db={} http={}:{}", config.mirror().bouncersDb(), config.http().host(), config.http().port());
            }
        } else if (config.mirror().enabled()) {
            LOG.warn("event=lapi_off reason=\"lapi.enabled needs http.enabled\"");
        }
        org.argus.enforce.Topology topology = config.capture().offline() || polling ? org.argus.enforce.Topology.NONE
                : org.argus.enforce.Topology.detect(Path.of("/sys/class/net"), Path.of("/proc/sys"), config.capture().interfaceName());
        Firewall firewall = EnforcementVerticle.firewallFor(es, new Commands(List.of(), es.commandTimeout().toMillis()), topology,
                allowlist.infrastructure());
        stats.enforcement.topology.set(topology);
        if (firewall != null) {
            stats.enforcement.hook.set(firewall.hook());
            if (topology.bridged()) {
                LOG.info("event=topology role={} bridge={} interface={} br_netfilter={} enforced_at=\"{}\"", topology.role(), topology.bridge(),
                        topology.iface(), topology.brNetfilter(), firewall.hook());
                if (firewall instanceof org.argus.enforce.IpsetBackend && !topology.brNetfilter()) {
                    LOG.warn("event=bridged_traffic_not_enforced bridge={} why=\"{}\"", topology.bridge(), firewall.hook());
                }
            }
        }
        BlacklistVerticle blacklist = new BlacklistVerticle(bs, new BanPolicy(bs, allowlist), stats.blacklist, health, health.clock());
        EnforcementVerticle enforcement = new EnforcementVerticle(es,
                new Enforcer(es, firewall, allowlist, health.clock(), stats.enforcement), health, health.clock());
        org.argus.detect.ThreatIntelDetector threatIntel = null;
        if (config.intel().enabled() && !polling) {
            List<org.argus.blacklist.BanTarget> local = localNetworks(config);
            threatIntel = new org.argus.detect.ThreatIntelDetector(stats.intel::current, a -> org.argus.blacklist.BanTarget.anyContains(local, a))
                    .counting(stats.intel::matched);
        }
        org.argus.enrich.GeoIp geo;
        try {
            geo = Detection.geoIp(config.enrichment(), LOG::info);
        } catch (java.io.IOException e) {
            return Future.failedFuture(e.getMessage());
        }
        stats.geo.set(geo);
        if (geo != null) {
            dashboard.geo(geo::lookup);
        }
        org.argus.detect.ThreatIntelDetector intelForWindows = threatIntel;
        org.argus.payload.PayloadModel payloadModel = polling ? null : Detection.payloadModel(config, null, LOG::info);
        PredictionVerticle prediction = new PredictionVerticle(config.detection(), config.csv().outputDir(),
                config.csv().fsync(), stats.detection, health, d -> {
                    Detection.extras(d, intelForWindows, geo, config.enrichment());
                    Detection.routing(d, config, payloadModel);
                });
        if (!polling) {
            Anonymizer csvNames = new Anonymizer(salt);
            prediction.baseline(config.detection().models().dir().resolve("baseline"), List.of(config.csv().outputDir(),
                    config.staging().stagingDir(), config.staging().uploadedDir(), config.archive().dir()), csvNames::anonymize);
        }
        org.argus.capture.PayloadCapture payloadCapture = null;
        if (!polling && config.payload().enabled() && live) {
            payloadCapture = new org.argus.capture.PayloadCapture(config.payload().captureBytes(), config.payload().windowBytes(),
                    payloadModel != null);
            prediction.payloadsOnDemand(payloadCapture, m -> new org.argus.detect.PayloadInspector(config.payload(), m));
        }
        org.argus.capture.PacketRing ring = null;
        org.argus.evidence.EvidenceRecorder evidence = null;
        if (config.evidence().enabled() && !polling) {
            ring = new org.argus.capture.PacketRing(config.evidence().ringBytes());
            evidence = new org.argus.evidence.EvidenceRecorder(config.evidence(), ring, config.flow().window(), stats.evidence,
                    health.clock());
            prediction.claimingWith(evidence::claim);
        }
        // Downstream first; stopped in reverse (capture, windows, prediction, enforcement, blacklist, csv, staging, then http).
        StagingSettings ss = config.staging();
        StagingVerticle staging = new StagingVerticle(ss, ss.firebase() == null ? null : () -> StorageFactory.create(ss.firebase()),
                stats.staging, health, health.clock(), new StagingVerticle.Sync(!polling, config.detection().models().dir(),
                        bs.exportAnonymized() ? new Anonymizer(salt) : null, config.archive()));
        List<Deployable> pipeline = new ArrayList<>();
        if (!polling || ss.firebase() != null) {
            pipeline.add(staging);
        }
        if (!polling) {
            CsvVerticle csv = new CsvVerticle(config.csv(), salt, stats.csv, health);
            if (geo != null && config.enrichment().extraColumns()) {
                csv.geoColumns(geo::lookup);
            }
            pipeline.add(csv);
        }
        if (http != null) {
            pipeline.add(new DashboardFeedVerticle(dashboard));
        }
        if (config.influx().enabled()) { // early in the chain, so it stops late: it gets the last window and decisions
            pipeline.add(new org.argus.export.InfluxExportVerticle(config.influx(), config.cluster().sensorId(), salt, stats.influx,
                    () -> healthFields(stats), health.clock(), live));
        }
        if (!config.notifications().channels().isEmpty()) {
            pipeline.add(new org.argus.notify.NotifyVerticle(config.notifications(), stats, config.cluster().sensorId(), health.clock()));
        }
        if (config.eve().enabled() && !polling) { // early in the chain, so it stops late: it ends the open flows last
            pipeline.add(new org.argus.eve.EveVerticle(config.eve(), config.flow(), stats,
                    config.eve().anonymize() ? new Anonymizer(salt)::anonymize : org.argus.flow.IpAddress::toString, health.clock(), live));
        }
        pipeline.addAll(List.of(blacklist, enforcement));
        if (config.cluster().enabled()) {
            pipeline.add(new ClusterVerticle(config.cluster(), new ClusterSigner(config.cluster().secret(), health.clock(),
                    config.cluster().maxClockSkew()), stats.cluster));
        }
        if (threatIntel != null) { // loaded before prediction and capture start: the first window is checked
            pipeline.add(new org.argus.intel.IntelVerticle(config.intel(), allowlist, stats.intel, health));
        }
        if (evidence != null) { // before prediction, so it stops after it: the last decisions' captures are written
            pipeline.add(new org.argus.evidence.EvidenceVerticle(evidence));
        }
        pipeline.add(prediction);
        if (!polling && config.devices().enabled()) {
            pipeline.add(new org.argus.device.DeviceVerticle(config.devices(), localNetworks(config), live, stats.devices, health));
        }
        if (!polling) {
            pipeline.add(new FlowWindowVerticle(Detection.flow(config, payloadModel), stats.flow, health, live, stallMillis, earlyLook(config),
                    payloadCapture));
            pipeline.add(new CaptureVerticle(payloadModel == null ? config.capture()
                    : config.capture().withPayloadBytes(config.payload().captureBytes()), stats.capture, health, ring).payloads(payloadCapture));
        }
        String sensorId = config.cluster().sensorId();
        pipeline.add(new HealthMonitorVerticle(config.alerts(), stats.health,
                () -> new HealthMonitorVerticle.Counters(stats.flow.packets.sum(), stats.droppedPackets(),
                        stats.capture.queuedPackets.get(), stats.detection.modelVersion.get()),
                () -> StatsDocument.of(stats, sensorId, stats.startedAt, health.clock().instant(), health.overall(),
                        stats.health.healthChecksPassed.sum()),
                health, sensorId, live && !polling ? config.capture().interfaceName() : null,
                polling ? null : config.csv().outputDir(), config.csv().minFreeBytes(), FreeSpace.DISK::usableBytes, 5000));
        health.expect(polling
                ? new String[] {SensorHealth.PREDICTION, SensorHealth.BLACKLIST, SensorHealth.ENFORCEMENT}
                : new String[] {SensorHealth.CAPTURE, SensorHealth.WINDOWING, SensorHealth.CSV, SensorHealth.PREDICTION,
                        SensorHealth.BLACKLIST, SensorHealth.ENFORCEMENT, SensorHealth.STAGING});
        List<String> ids = new ArrayList<>(), httpId = new ArrayList<>();
        Future<Void> f = Future.succeededFuture();
        for (Deployable d : pipeline) {
            f = f.compose(v -> deploy(d, ids));
        }
        // HTTP beside the pipeline, not after it: it only reads shared state and asks over the bus, so it may answer
        // (503 "starting" from /health) while the rest deploys; its ~0.2 s of class loading no longer adds to start-up
        Future<Void> web = http != null ? deploy(http, httpId) : Future.succeededFuture();
        return Future.join(f, web).<Void>mapEmpty().andThen(ar -> {
            for (int i = ids.size() - 1; i >= 0; i--) {
                stopOrder.add(ids.get(i));
            }
            stopOrder.addAll(httpId);
        }).recover(e -> stop().transform(ignored -> Future.failedFuture(e)));
    }

    /** {@code argus_health} fields: the sensor's own counters (totals since start, gauges now). */
    static java.util.Map<String, Number> healthFields(SensorStats s) {
        java.util.Map<String, Number> m = new java.util.LinkedHashMap<>();
        m.put("packets", s.flow.packets.sum());
        m.put("dropped_packets", s.droppedPackets());
        m.put("kernel_dropped", s.capture.kernelDropped.get());
        m.put("queue_dropped_packets", s.capture.queueDroppedPackets.sum());
        m.put("malformed", s.malformedTotal());
        m.put("decisions", s.detection.decisionsByRisk().values().stream().mapToLong(Long::longValue).sum());
        m.put("csv_rows", s.csv.csvRows.sum());
        m.put("bans_active", s.blacklist.bansActive.get());
        return m;
    }

    /** The HTTP port actually bound, or -1 without HTTP. */
    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** Undeploys upstream first; never fails (each step's failure is logged by Vert.x and the next goes on). */
    public Future<Void> stop() {
        Future<Void> chain = Future.succeededFuture();
        for (String id : stopOrder) {
            chain = chain.compose(v -> vertx.undeploy(id)).recover(e -> Future.succeededFuture());
        }
        stopOrder.clear();
        return chain;
    }

    /**
     * {@code devices.local_networks}, else the capture interface's own subnets, else (a file, or an interface without
     * addresses yet) the private ranges.
     */
    static List<org.argus.blacklist.BanTarget> localNetworks(ArgusConfig config) {
        if (!config.devices().localNetworks().isEmpty()) {
            return config.devices().localNetworks();
        }
        List<org.argus.blacklist.BanTarget> out = new ArrayList<>();
        if (!config.capture().offline()) {
            try {
                java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(config.capture().interfaceName());
                if (nif != null) {
                    for (java.net.InterfaceAddress a : nif.getInterfaceAddresses()) {
                        String host = a.getAddress().getHostAddress();
                        int pct = host.indexOf('%');
                        out.add(org.argus.blacklist.BanTarget.parseCidr((pct < 0 ? host : host.substring(0, pct)) + "/" + a.getNetworkPrefixLength()));
                    }
                }
            } catch (java.net.SocketException | IllegalArgumentException e) {
                // fall back to the private ranges below
            }
        }
        if (out.isEmpty()) {
            org.argus.device.DeviceSettings.PRIVATE_RANGES.forEach(r -> out.add(org.argus.blacklist.BanTarget.parseCidr(r)));
        }
        return out;
    }

    private Future<Void> deploy(Deployable v, List<String> ids) {
        long t0 = System.nanoTime();
        return vertx.deployVerticle(v).map(id -> {
            ids.add(id);
            LOG.debug("event=deployed verticle={} took_ms={}", v.getClass().getSimpleName(), (System.nanoTime() - t0) / 1_000_000);
            return null;
        });
    }

    /** Early firing's look ({@code prediction.early_*}), or null when it is off. */
    private static org.argus.flow.WindowAssembler.Busy earlyLook(ArgusConfig config) {
        DetectionSettings d = config.detection();
        if (!d.early().enabled() || !d.heuristics().enabled()) {
            return null;
        }
        return new org.argus.flow.WindowAssembler.Busy(d.earlyMinFlows(), d.earlyMinPackets(), d.early().settle().toNanos(),
                EARLY_MAX_FLOWS);
    }

}
