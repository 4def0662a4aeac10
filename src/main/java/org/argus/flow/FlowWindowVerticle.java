package org.argus.flow;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.capture.PacketBatch;
import org.argus.status.SensorHealth;

/**
 * Wires a {@link WindowAssembler} to the bus: consumes {@link PacketBatch}es from {@link Addresses#CAPTURE_BATCH},
 * publishes each closed {@link FlowWindow} on {@link Addresses#WINDOW_CLOSED}. Live, a 250 ms timer closes the
 * window once the wall clock is past its end plus the grace; with a file, packet time alone closes windows and the
 * end-of-input marker flushes the last one. A clean stop flushes the open window.
 */
public final class FlowWindowVerticle extends VerticleBase {
    private static final long TICK_MILLIS = 250;

    private final FlowSettings settings;
    private final FlowStats stats;
    private final SensorHealth health;
    private final boolean live;
    private final long stallMillis;
    private WindowAssembler assembler;
    private long timer = -1;

    /**
     * @param settings    window and flow-table settings
     * @param live        true for a live interface (wall-clock closing), false for a file
     * @param stallMillis heartbeat limit for health
     */
    public FlowWindowVerticle(FlowSettings settings, FlowStats stats, SensorHealth health, boolean live, long stallMillis) {
        this.settings = settings;
        this.stats = stats;
        this.health = health;
        this.live = live;
        this.stallMillis = stallMillis;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), PacketBatch.class);
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        assembler = new WindowAssembler(settings, stats, w -> vertx.eventBus().publish(Addresses.WINDOW_CLOSED, w));
        MessageConsumer<PacketBatch> consumer = vertx.eventBus().localConsumer(Addresses.CAPTURE_BATCH, m -> {
            PacketBatch b = m.body();
            try {
                if (b.isEndOfInput()) {
                    assembler.flush();
                } else {
                    assembler.accept(b);
                }
            } finally {
                b.release();
            }
        });
        timer = vertx.setPeriodic(TICK_MILLIS, id -> {
            if (live) {
                assembler.advanceClock(health.clock().millis() * 1_000_000L);
            }
            health.heartbeat(SensorHealth.WINDOWING, stallMillis);
        });
        health.heartbeat(SensorHealth.WINDOWING, stallMillis);
        health.set(SensorHealth.WINDOWING, true, "running", "");
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        assembler.flush();
        health.set(SensorHealth.WINDOWING, true, "stopped", "");
        return Future.succeededFuture();
    }
}
