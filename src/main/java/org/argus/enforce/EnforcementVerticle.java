package org.argus.enforce;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires an {@link Enforcer} to the bus and to its threads; the modes, the desired set, batching and reconciliation
 * are the enforcer's. Every enforcer step runs on one ordered worker thread ({@code argus-enforcement}), so changes
 * reach the kernel in the order they were decided, batched when they come together ({@code argus.blacklist.changed}).
 *
 * <p>Emergency stop ({@code argus.control.emergency}, or the stop file appearing) runs on a thread of its own
 * ({@code argus-emergency}), not behind the worker's queue and without the database: it writes the stop file,
 * removes every rule, chain and set ({@link Enforcer#emergencyStopNow}) and answers; the worker then repeats the
 * removal after whatever was in flight. Restore deletes the file and reconciles. The file is polled every 250 ms, so
 * {@code touch}/{@code rm} work too.
 */
public final class EnforcementVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementVerticle.class);
    private static final long WATCH_MILLIS = 250;

    private final EnforcementSettings settings;
    private final Enforcer enforcer;
    private final SensorHealth health;
    private final Clock clock;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private ExecutorService worker;
    private ScheduledExecutorService watcher;
    private Context context;
    // Watcher thread only: whether the stop file existed at the last look.
    private boolean fileSeen;

    public EnforcementVerticle(EnforcementSettings settings, Enforcer enforcer, SensorHealth health, Clock clock) {
        this.settings = settings;
        this.enforcer = enforcer;
        this.health = health;
        this.clock = clock;
    }

    /**
     * The firewall for a backend setting (null for {@code none}).
     *
     * @param topology where the sensor sits ({@link Topology#NONE} when unknown: removal works without it)
     */
    public static Firewall firewallFor(EnforcementSettings s, Commands sh, Topology topology) {
        return firewallFor(s, sh, topology, List.of());
    }

    /**
     * @param reachable what a quarantined device may still reach: gateways, DNS servers, the sensor's own addresses
     */
    public static Firewall firewallFor(EnforcementSettings s, Commands sh, Topology topology, List<org.argus.blacklist.BanTarget> reachable) {
        return switch (s.backend()) {
            case IPSET -> new IpsetBackend(sh, s.chain(), topology, s.rateLimit(), reachable);
            case NFTABLES -> new NftBackend(sh, s.chain(), topology, s.rateLimit(), reachable);
            case XDP -> new XdpBackend(sh, s.xdp().iface(), s.xdp().pins(), s.xdp().mode());
            case NONE -> null;
        };
    }

    @Override
    public Future<?> start() {
        context = vertx.getOrCreateContext();
        for (Class<?> c : new Class<?>[] {BanChange.class, BlacklistSnapshot.class, EmergencyCommand.class, org.argus.intel.ListedBlocks.class}) {
            LocalCodec.registerFor(vertx.eventBus(), c);
        }
        worker = Executors.newSingleThreadExecutor(r -> daemon(r, "argus-enforcement"));
        watcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "argus-emergency"));
        vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> onChange(m.body()));
        vertx.eventBus().<EmergencyCommand>localConsumer(Addresses.EMERGENCY, this::onEmergency);
        vertx.eventBus().<org.argus.intel.ListedBlocks>localConsumer(Addresses.INTEL_BLOCKS, m -> step(() -> enforcer.listed(m.body().blocks())));
        Future<Boolean> stopFile = on(watcher, () -> {
            fileSeen = Files.exists(settings.emergencyStopFile());
            return fileSeen;
        });
        return stopFile
                .compose(stopped -> vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null,
                        new DeliveryOptions().setSendTimeout(60_000)).map(Message::body))
                .compose(snap -> {
                    boolean stopped = stopFile.result();
                    if (stopped) {
                        LOG.warn("event=emergency_stop_in_force file={}", settings.emergencyStopFile());
                    }
                    java.util.Map<org.argus.blacklist.BanTarget, org.argus.blacklist.Action> active = new java.util.LinkedHashMap<>();
                    snap.bans().forEach(b -> active.put(b.target(), b.action()));
                    return step(() -> enforcer.start(snap.firstStart(), active, stopped,
                            "the stop file " + settings.emergencyStopFile() + " exists"));
                }, e -> step(() -> enforcer.unavailable("blacklist unavailable: " + e.getMessage())))
                .onComplete(v -> {
                    watcher.scheduleWithFixedDelay(this::watchFile, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
                    vertx.setPeriodic(5_000, id -> step(enforcer::tick));
                });
    }

    @Override
    public Future<?> stop() {
        return step(enforcer::stop).andThen(v -> {
            watcher.shutdownNow();
            worker.shutdown();
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs {@code task} on one of our threads and completes on this verticle's context. */
    private <T> Future<T> on(ExecutorService ex, Callable<T> task) {
        Promise<T> p = Promise.promise();
        ex.execute(() -> {
            try {
                T v = task.call();
                context.runOnContext(x -> p.complete(v));
            } catch (Exception e) {
                context.runOnContext(x -> p.fail(e));
            }
        });
        return p.future();
    }

    /** Runs an enforcer step on the worker, then reports its state to {@code /health}. Never fails. */
    private Future<Void> step(Runnable r) {
        return on(worker, () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("event=enforcement_step_failed", e);
            }
            report();
            return (Void) null;
        });
    }

    private void report() {
        EnforcementStatus s = enforcer.status();
        health.set(SensorHealth.ENFORCEMENT, s.healthy(), s.healthState(), s.healthDetail());
    }

    private void onChange(BanChange c) {
        worker.execute(() -> enforcer.change(c));
        if (flushQueued.compareAndSet(false, true)) {
            worker.execute(() -> {
                flushQueued.set(false);
                enforcer.flush();
                report();
            });
        }
    }

    private void onEmergency(Message<EmergencyCommand> m) {
        EmergencyCommand cmd = m.body();
        if (cmd.stop()) {
            long t0 = System.nanoTime();
            on(watcher, () -> {
                List<String> errors = new ArrayList<>();
                try {
                    Files.createDirectories(settings.emergencyStopFile().toAbsolutePath().getParent());
                    Files.writeString(settings.emergencyStopFile(), new JsonObject().put("since", clock.instant().toString())
                            .put("reason", cmd.reason()).put("origin", cmd.origin()).encode() + "\n");
                    fileSeen = true;
                } catch (Exception e) {
                    errors.add("could not write " + settings.emergencyStopFile() + ": " + e.getMessage()
                            + " (the stop holds until restore or restart)");
                }
                String removal = enforcer.emergencyStopNow(cmd.reason(), cmd.origin());
                if (removal != null) {
                    errors.add(removal);
                }
                report();
                return errors;
            }).onComplete(ar -> {
                List<String> errors = ar.succeeded() ? ar.result() : List.of(String.valueOf(ar.cause().getMessage()));
                step(() -> enforcer.emergencyStopped(cmd.reason(), cmd.origin()));
                JsonObject reply = enforcer.status().toJson().put("took_ms", (System.nanoTime() - t0) / 1_000_000)
                        .put("rules_removed", errors.stream().noneMatch(e -> !e.startsWith("could not write")));
                if (!errors.isEmpty()) {
                    reply.put("errors", new JsonArray(errors));
                }
                m.reply(reply);
            });
        } else {
            on(watcher, () -> {
                Files.deleteIfExists(settings.emergencyStopFile());
                fileSeen = false;
                return null;
            }).compose(v -> step(() -> enforcer.restored(cmd.reason(), cmd.origin())))
                    .onSuccess(v -> m.reply(enforcer.status().toJson()))
                    .onFailure(e -> m.fail(500, "could not delete " + settings.emergencyStopFile() + ": " + e.getMessage()
                            + "; the emergency stop stays in force"));
        }
    }

    /** Watcher thread: the stop file appearing stops, disappearing restores. */
    private void watchFile() {
        boolean exists = Files.exists(settings.emergencyStopFile());
        if (exists == fileSeen) {
            return;
        }
        fileSeen = exists;
        if (exists) {
            String why = "the stop file " + settings.emergencyStopFile() + " appeared";
            enforcer.emergencyStopNow(why, "file");
            report();
            context.runOnContext(v -> step(() -> enforcer.emergencyStopped(why, "file")));
        } else {
            context.runOnContext(v -> step(() -> enforcer.restored("the stop file " + settings.emergencyStopFile() + " was removed", "file")));
        }
    }
}
