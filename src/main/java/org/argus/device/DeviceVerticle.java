package org.argus.device;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.argus.blacklist.BanTarget;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.flow.FlowWindow;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device inventory ({@code devices.*}): each closed window's sightings ({@link DeviceInventory}) go into the
 * SQLite store ({@link DeviceStore}) on the shared worker executor {@code argus-devices} (1 thread, ordered). A
 * device seen for the first time ever is logged ({@code event=new_device}) and published on
 * {@link Addresses#DEVICE_NEW}. Answers {@link Addresses#DEVICE_LIST} (JSON of every device) and
 * {@link Addresses#DEVICE_GET} (one device's detail by MAC, key or address; fails 404 when unknown).
 *
 * <p>At most {@value #MAX_PENDING} windows wait for the worker; a window beyond that is skipped and counted
 * ({@link Stats#windowsSkipped}): devices reappear in the next windows, memory does not grow under a flood.
 */
public final class DeviceVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceVerticle.class);
    static final int MAX_PENDING = 2;

    /** Counters for {@code /status} and {@code /metrics}. Thread-safe. */
    public static final class Stats {
        public final LongAdder windowsSeen = new LongAdder();
        public final LongAdder windowsSkipped = new LongAdder();
        public final LongAdder newDevices = new LongAdder();
        public final LongAdder refused = new LongAdder();
        public final LongAdder writeFailures = new LongAdder();
        /** Devices known (−1 before the store opens). */
        public final AtomicInteger known = new AtomicInteger(-1);
        /** Vendor prefixes loaded (0: no manuf file). */
        public final AtomicInteger vendorPrefixes = new AtomicInteger();

        /** As JSON for {@code /status}. */
        public JsonObject toJson() {
            return new JsonObject().put("known", known.get()).put("new_devices", newDevices.sum())
                    .put("windows_seen", windowsSeen.sum()).put("windows_skipped", windowsSkipped.sum())
                    .put("refused_beyond_max_devices", refused.sum()).put("write_failures", writeFailures.sum())
                    .put("vendor_prefixes", vendorPrefixes.get());
        }
    }

    private final DeviceSettings settings;
    private final List<BanTarget> localNetworks;
    private final Stats stats;
    private final SensorHealth health;
    private final AtomicInteger pending = new AtomicInteger();
    private WorkerExecutor worker;
    private DeviceInventory inventory;
    private DeviceStore store;

    /**
     * @param localNetworks the networks resolved at start (configured, the interface's subnets, or the private
     *                      ranges: see {@link DeviceSettings#localNetworks()})
     */
    public DeviceVerticle(DeviceSettings settings, List<BanTarget> localNetworks, Stats stats, SensorHealth health) {
        this.settings = settings;
        this.localNetworks = List.copyOf(localNetworks);
        this.stats = stats;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        LocalCodec.registerFor(vertx.eventBus(), Device.class);
        worker = vertx.createSharedWorkerExecutor("argus-devices", 1);
        return worker.executeBlocking(() -> {
            Oui oui = Oui.empty();
            String vendorNote = "";
            if (Files.isReadable(settings.manufPath())) {
                try {
                    oui = Oui.load(settings.manufPath());
                } catch (IOException e) {
                    vendorNote = "; no vendors: " + settings.manufPath() + " unreadable (" + e.getMessage() + ")";
                }
            } else {
                vendorNote = "; no vendors: " + settings.manufPath() + " not found (Debian: apt-get install libwireshark-data)";
            }
            stats.vendorPrefixes.set(oui.entries());
            inventory = new DeviceInventory(localNetworks);
            store = DeviceStore.open(settings.dbPath(), oui, settings.maxDevices(), settings.maxAddresses());
            stats.known.set(store.size());
            String detail = store.size() + " devices in " + settings.dbPath() + ", local networks " + localNetworks + vendorNote;
            health.set(SensorHealth.DEVICES, true, vendorNote.isEmpty() ? "running" : "degraded", detail);
            LOG.info("event=devices_started known={} db={} local_networks=\"{}\" vendor_prefixes={}", store.size(),
                    settings.dbPath(), localNetworks, oui.entries());
            if (!vendorNote.isEmpty()) {
                LOG.warn("event=devices_no_vendors reason=\"{}\"", LogText.escape(vendorNote.substring(2)));
            }
            return null;
        }).compose(v -> {
            MessageConsumer<FlowWindow> windows = vertx.eventBus().localConsumer(Addresses.WINDOW_CLOSED, m -> observe(m.body()));
            MessageConsumer<Object> list = vertx.eventBus().localConsumer(Addresses.DEVICE_LIST, m -> worker.executeBlocking(() -> {
                JsonArray out = new JsonArray();
                store.list().forEach(d -> out.add(d.toJson()));
                return new JsonObject().put("devices", out);
            }).onComplete(r -> {
                if (r.succeeded()) {
                    m.reply(r.result());
                } else {
                    m.fail(503, "device database: " + r.cause().getMessage());
                }
            }));
            MessageConsumer<String> get = vertx.eventBus().localConsumer(Addresses.DEVICE_GET, m -> worker.executeBlocking(
                    () -> store.find(m.body())).onComplete(r -> {
                if (r.failed()) {
                    m.fail(503, "device database: " + r.cause().getMessage());
                } else if (r.result().isEmpty()) {
                    m.fail(404, "no device " + m.body());
                } else {
                    m.reply(r.result().get().toDetailJson());
                }
            }));
            return Future.all(windows.completion(), list.completion(), get.completion());
        });
    }

    private void observe(FlowWindow w) {
        stats.windowsSeen.increment();
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            stats.windowsSkipped.increment();
            return;
        }
        worker.executeBlocking(() -> {
            try {
                long refusedBefore = store.refused();
                List<Device> fresh = store.record(inventory.observe(w));
                stats.refused.add(store.refused() - refusedBefore);
                stats.known.set(store.size());
                return fresh;
            } finally {
                pending.decrementAndGet();
            }
        }).onSuccess(fresh -> {
            for (Device d : fresh) {
                stats.newDevices.increment();
                LOG.info("event=new_device key={} mac={} vendor=\"{}\" randomized_mac={} addresses=\"{}\" hostname=\"{}\"", d.key(),
                        d.mac(), LogText.escape(String.valueOf(d.vendor())), d.randomizedMac(),
                        d.addresses().stream().map(Device.Address::address).toList(), LogText.escape(String.valueOf(d.hostName())));
                vertx.eventBus().publish(Addresses.DEVICE_NEW, d);
            }
        }).onFailure(e -> {
            stats.writeFailures.increment();
            health.set(SensorHealth.DEVICES, true, "degraded", "device database: " + e.getMessage());
            LOG.error("event=devices_write_failed window_start_ns={} reason=\"{}\"", w.startNanos(), LogText.escape(String.valueOf(e.getMessage())));
        });
    }

    @Override
    public Future<?> stop() {
        if (worker == null) {
            return Future.succeededFuture();
        }
        return worker.executeBlocking(() -> {
            if (store != null) {
                store.close();
            }
            return null;
        }).eventually(() -> worker.close());
    }
}
