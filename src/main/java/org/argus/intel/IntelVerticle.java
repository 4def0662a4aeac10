package org.argus.intel;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.argus.blacklist.Allowlist;
import org.argus.bus.Addresses;
import org.argus.flow.IpAddress;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the threat-feed snapshot ({@link IntelStats#current}) fresh: the first load of files and cached copies
 * finishes before the deployment does (so a capture file's first window is already checked; a URL feed without a
 * cached copy is fetched right after, never holding up the start), then every {@value #CHECK_SECONDS} s the
 * {@link IntelLoader} looks for feeds that are due or whose file changed, on the shared worker executor
 * {@code argus-intel} (1 thread); a new snapshot replaces the old one in one atomic swap. Answers
 * {@link Addresses#INTEL_RELOAD} and {@link Addresses#INTEL_LOOKUP}. With {@code intel.block_listed}, each new snapshot's
 * blocks are published on {@link Addresses#INTEL_BLOCKS} for the kernel's feed sets. A feed that cannot be loaded leaves its previous
 * entries in use and the {@code intel} health component degraded, naming it.
 */
public final class IntelVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IntelVerticle.class);
    static final int CHECK_SECONDS = 10;

    private final IntelSettings settings;
    private final Allowlist allowlist;
    private final IntelStats stats;
    private final SensorHealth health;
    private WorkerExecutor worker;
    private IntelLoader loader;
    private long timer = -1;

    public IntelVerticle(IntelSettings settings, Allowlist allowlist, IntelStats stats, SensorHealth health) {
        this.settings = settings;
        this.allowlist = allowlist;
        this.stats = stats;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        org.argus.bus.LocalCodec.registerFor(vertx.eventBus(), ListedBlocks.class);
        worker = vertx.createSharedWorkerExecutor("argus-intel", 1);
        loader = new IntelLoader(settings, new ThreatIntel.Sanitizer(settings.refusePrivate(), allowlist), Clock.systemUTC());
        // files and cached copies before the deployment completes; URL feeds without a cached copy right after
        return refresh(true, false).compose(v -> {
            refresh(false, true);
            timer = vertx.setPeriodic(CHECK_SECONDS * 1000L, id -> refresh(false, true));
            MessageConsumer<Object> reload = vertx.eventBus().localConsumer(Addresses.INTEL_RELOAD, m -> refresh(true, true)
                    .onSuccess(x -> m.reply(stats.toJson())).onFailure(e -> m.fail(503, String.valueOf(e.getMessage()))));
            MessageConsumer<String> lookup = vertx.eventBus().localConsumer(Addresses.INTEL_LOOKUP, m -> {
                IpAddress a;
                try {
                    a = IpAddress.parse(m.body());
                } catch (IllegalArgumentException e) {
                    m.fail(400, "not an IP address: \"" + LogText.escape(String.valueOf(m.body())) + "\"");
                    return;
                }
                m.reply(lookup(stats.current(), a));
            });
            return Future.all(reload.completion(), lookup.completion());
        });
    }

    /** {@code {"address", "listed", "block", "feeds": [...], "note"}} for one address. */
    static JsonObject lookup(ThreatIntel ti, IpAddress a) {
        JsonObject out = new JsonObject().put("address", a.toString());
        var m = ti.match(a);
        if (m.isEmpty()) {
            return out.put("listed", false);
        }
        JsonArray feeds = new JsonArray();
        m.get().feeds().forEach(f -> feeds.add(new JsonObject().put("name", f.name()).put("category", f.category()).put("score", f.score())));
        return out.put("listed", true).put("block", m.get().block().toString()).put("feeds", feeds).put("note", m.get().note())
                .put("reason", m.get().describe());
    }

    /** Loads what is due (everything with {@code force}) on the worker and swaps the snapshot in. */
    private Future<Void> refresh(boolean force, boolean fetch) {
        return worker.executeBlocking(() -> {
            ThreatIntel fresh = loader.refresh(force, fetch);
            stats.feeds.set(loader.status());
            if (fresh != null) {
                stats.current.set(fresh);
                stats.loads.increment();
                if (settings.blockListed()) {
                    vertx.eventBus().publish(Addresses.INTEL_BLOCKS, new ListedBlocks(fresh.blocks(), fresh.builtAt()));
                }
                LOG.info("event=intel_loaded entries={} feeds={} ranges_v4={} ranges_v6={}", fresh.size(), fresh.feeds().size(),
                        fresh.prefixSet().ranges()[0], fresh.prefixSet().ranges()[1]);
            }
            StringBuilder failing = new StringBuilder();
            for (ThreatIntel.FeedStatus s : loader.status()) {
                if (s.error() != null) {
                    failing.append(failing.isEmpty() ? "" : "; ").append(s.name()).append(": ").append(s.error());
                    if (fresh != null || force) {
                        LOG.warn("event=intel_feed_failed feed={} reason=\"{}\" entries_kept={}", s.name(), LogText.escape(s.error()), s.entries());
                    }
                }
            }
            String detail = stats.current().size() + " entries from " + settings.feeds().size() + " feeds";
            health.set(SensorHealth.INTEL, true, failing.isEmpty() ? "running" : "degraded",
                    failing.isEmpty() ? detail : detail + "; failing: " + failing);
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return worker == null ? Future.succeededFuture() : worker.close();
    }
}
