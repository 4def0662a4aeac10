package org.argus.app;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.argus.capture.CaptureVerticle;
import org.argus.config.ArgusConfig;
import org.argus.csv.CsvVerticle;
import org.argus.flow.FlowWindowVerticle;
import org.argus.http.HttpVerticle;
import org.argus.status.SensorHealth;
import org.argus.status.SensorStats;

/**
 * The running sensor: deploys the pipeline's verticles downstream first (CSV, flow windows, capture), so nothing is
 * published before its consumer listens, then HTTP; {@link #stop()} undeploys them upstream first (capture, flow
 * windows, CSV, HTTP), so a clean stop flushes the open window into the CSV file and closes it under its final name.
 * The verticles are deployed side by side (not as children of one parent) so that this order is ours, not Vert.x's.
 */
public final class Sensor {
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

    /** Deploys everything; fails (after undeploying what started) if any verticle fails to start. */
    public Future<Void> start() {
        long stallMillis = config.healthStall().toMillis();
        boolean live = !config.capture().offline();
        http = config.http().enabled() ? new HttpVerticle(config.http(), stats, health) : null;
        List<String> ids = new ArrayList<>();
        Future<Void> f = deploy(new CsvVerticle(config.csv(), salt, stats, health), ids)
                .compose(v -> deploy(new FlowWindowVerticle(config.flow(), stats, health, live, stallMillis), ids))
                .compose(v -> deploy(new CaptureVerticle(config.capture(), stats, health), ids))
                .compose(v -> http != null ? deploy(http, ids) : Future.succeededFuture());
        return f.andThen(ar -> {
            // capture, windows, csv, then http
            List<String> pipeline = ids.subList(0, Math.min(3, ids.size()));
            for (int i = pipeline.size() - 1; i >= 0; i--) {
                stopOrder.add(pipeline.get(i));
            }
            stopOrder.addAll(ids.subList(pipeline.size(), ids.size()));
        }).recover(e -> stop().transform(ignored -> Future.failedFuture(e)));
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

    private Future<Void> deploy(Deployable v, List<String> ids) {
        return vertx.deployVerticle(v).map(id -> {
            ids.add(id);
            return null;
        });
    }
}
