package org.argus.eve;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.argus.bus.Addresses;
import org.argus.detect.Decision;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.log.LogText;
import org.argus.stats.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Suricata-compatible {@code eve.json} ({@code eve.enabled}): {@code flow} events as flows end
 * ({@link EveFlows}: windows summed per flow), an {@code alert} per decision above low, and a {@code stats} event every
 * {@code eve.stats_interval_seconds}. Formatting and file work run on the thread {@code argus-eve} it owns, in order;
 * the event loop only hands windows and decisions on. Live, at most {@value #MAX_PENDING_WINDOWS} windows wait for the
 * thread; more are shed and counted ({@code export.eve.windows_shed}: their flows are missing from later flow events).
 * At a stop every open flow is written with reason {@code shutdown}.
 */
public final class EveVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(EveVerticle.class);
    static final int MAX_PENDING_WINDOWS = 4;

    private final EveSettings settings;
    private final FlowSettings flowSettings;
    private final SensorStats stats;
    private final Function<IpAddress, String> namer;
    private final Clock clock;
    private final boolean live;
    private final AtomicInteger pending = new AtomicInteger();
    private ExecutorService thread;
    private EveWriter writer;
    private EveFlows flows;
    private long timer = -1;

    /**
     * @param namer how addresses are written (real text, or the CSVs' pseudonyms with {@code eve.anonymize})
     * @param live  a live interface (windows may be shed when behind); from a file nothing is shed
     */
    public EveVerticle(EveSettings settings, FlowSettings flowSettings, SensorStats stats, Function<IpAddress, String> namer, Clock clock,
                       boolean live) {
        this.settings = settings;
        this.flowSettings = flowSettings;
        this.stats = stats;
        this.namer = namer;
        this.clock = clock;
        this.live = live;
    }

    @Override
    public Future<?> start() {
        thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("argus-eve").daemon(true).factory());
        flows = new EveFlows(flowSettings, settings.maxFlows());
        return vertx.executeBlocking(() -> {
            writer = new EveWriter(settings.file(), settings.maxBytes(), settings.keepFiles());
            return null;
        }).onSuccess(v -> {
            stats.eve.enabled = true;
            vertx.eventBus().<FlowWindow>localConsumer(Addresses.WINDOW_CLOSED, m -> {
                if (pending.incrementAndGet() > MAX_PENDING_WINDOWS && live) {
                    pending.decrementAndGet();
                    stats.eve.windowsShed.increment();
                    return;
                }
                FlowWindow w = m.body();
                thread.execute(() -> {
                    try {
                        write(EveFormat.flowLines(flows.window(w), namer), stats.eve.flows);
                    } finally {
                        pending.decrementAndGet();
                    }
                });
            });
            vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> {
                Decision d = m.body();
                if (d.risk() != org.argus.detect.Risk.LOW) {
                    thread.execute(() -> write(List.of(EveFormat.alert(d, namer).encode()), stats.eve.alerts));
                }
            });
            timer = vertx.setPeriodic(settings.statsInterval().toMillis(),
                    id -> thread.execute(() -> write(List.of(EveFormat.stats(stats, clock.instant()).encode()), stats.eve.stats)));
            LOG.info("event=eve_started file={} anonymized={} max_mb={} keep_files={}", settings.file(), settings.anonymize(),
                    settings.maxBytes() >> 20, settings.keepFiles());
        });
    }

    private void write(List<String> lines, java.util.concurrent.atomic.LongAdder counter) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            writer.write(lines);
            counter.add(lines.size());
        } catch (IOException e) {
            stats.eve.writeErrors.increment();
            stats.eve.lastError.set(e.toString());
            LOG.warn("event=eve_write_failed file={} lines={} reason=\"{}\"", settings.file(), lines.size(), LogText.escape(e.toString()));
        }
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (writer == null) {
            thread.shutdownNow();
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            thread.submit(() -> {
                write(EveFormat.flowLines(flows.flush(), namer), stats.eve.flows);
                writer.close();
                return null;
            }).get(30, java.util.concurrent.TimeUnit.SECONDS);
            thread.shutdown();
            return null;
        });
    }
}
