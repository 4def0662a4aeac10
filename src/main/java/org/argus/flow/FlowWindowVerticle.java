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
 *
 * <p>Early firing (live, when configured): every {@value #EARLY_TICK_MILLIS} ms, when packets came since the last
 * look, the open window's busy originators ({@link WindowAssembler#peekBusy}) go to {@link Addresses#WINDOW_EARLY} as
 * a request; at most one is in flight, looks are spaced at least twenty times their own cost apart (so a flood's
 * large table never takes more than a twentieth of the event loop) and twice the heuristics' answer time (so
 * the early thread stays under a third of a core), and originators already decided on are left out for the rest of
 * the window.
 */
public final class FlowWindowVerticle extends VerticleBase {
    private final org.argus.capture.PayloadCapture payloads;
    private static final long TICK_MILLIS = 250;
    private static final long EARLY_TICK_MILLIS = 100;

    private final FlowSettings settings;
    private final FlowStats stats;
    private final SensorHealth health;
    private final boolean live;
    private final long stallMillis;
    private final WindowAssembler.Busy early;
    private WindowAssembler assembler;
    private long timer = -1;
    private long earlyTimer = -1;
    private boolean looking;
    private long nextLookNanos;
    private long lookedAtPackets = -1;
    private long lookedAtNanos;
    private long skipWindow = Long.MIN_VALUE;
    private final java.util.Set<IpAddress> skip = new java.util.HashSet<>();

    /**
     * @param settings    window and flow-table settings
     * @param live        true for a live interface (wall-clock closing), false for a file
     * @param stallMillis heartbeat limit for health
     * @param early       what makes an originator worth an early look; null: no early firing (always off for files)
     */
    public FlowWindowVerticle(FlowSettings settings, FlowStats stats, SensorHealth health, boolean live, long stallMillis,
                              WindowAssembler.Busy early) {
        this(settings, stats, health, live, stallMillis, early, null);
    }

    /**
     * @param payloads switches payload keeping on at run time (a payload model appeared), or null
     */
    public FlowWindowVerticle(FlowSettings settings, FlowStats stats, SensorHealth health, boolean live, long stallMillis,
                              WindowAssembler.Busy early, org.argus.capture.PayloadCapture payloads) {
        this.payloads = payloads;
        this.early = live ? early : null;
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
        assembler = new WindowAssembler(settings, stats, w -> vertx.eventBus().publish(Addresses.WINDOW_CLOSED, w), payloads);
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
        if (early != null) {
            LocalCodec.registerFor(vertx.eventBus(), EarlyLook.class);
            LocalCodec.registerFor(vertx.eventBus(), EarlyLook.Fired.class);
            earlyTimer = vertx.setPeriodic(EARLY_TICK_MILLIS, id -> look());
        }
        health.heartbeat(SensorHealth.WINDOWING, stallMillis);
        health.set(SensorHealth.WINDOWING, true, "running", "");
        return consumer.completion();
    }

    private void look() {
        long now = System.nanoTime();
        long windowStart = assembler.openWindowStart();
        if (looking || now < nextLookNanos || windowStart == Long.MIN_VALUE) {
            return;
        }
        if (windowStart != skipWindow) {
            skipWindow = windowStart;
            skip.clear();
            lookedAtPackets = -1;
        }
        long packets = assembler.openWindowPackets();
        if (packets == lookedAtPackets && now - lookedAtNanos < early.settleNanos()) {
            return; // nothing new: look again only once unanswered flows may have settled
        }
        lookedAtPackets = packets;
        lookedAtNanos = now;
        FlowWindow partial = assembler.peekBusy(early, skip, health.clock().millis() * 1_000_000L);
        nextLookNanos = now + 20 * (System.nanoTime() - now);
        if (partial == null) {
            return;
        }
        looking = true;
        long sent = System.nanoTime();
        vertx.eventBus().<EarlyLook.Fired>request(Addresses.WINDOW_EARLY, new EarlyLook(partial, assembler.latestPacketNanos()))
                .onSuccess(m -> {
                    if (partial.startNanos() == skipWindow) {
                        skip.addAll(m.body().originators());
                    }
                })
                .onComplete(r -> {
                    looking = false;
                    // the heuristics' own time counts too: a busy but benign host (a proxy, a NAS) is looked at again
                    // only after twice as long again, so the early thread stays under a third of a core
                    long done = System.nanoTime();
                    nextLookNanos = Math.max(nextLookNanos, done + 2 * (done - sent));
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        vertx.cancelTimer(earlyTimer);
        assembler.flush();
        health.set(SensorHealth.WINDOWING, true, "stopped", "");
        return Future.succeededFuture();
    }
}
