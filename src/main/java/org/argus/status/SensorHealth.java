package org.argus.status;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health of the pipeline components, written by each component and read by {@code /health}. Thread-safe.
 *
 * <p>A component is also unhealthy when it has not reported a heartbeat for longer than its stall limit: a stuck
 * event loop or worker shows up as {@code stalled} even though nothing set it.
 */
public final class SensorHealth {
    /** Component names used by the pipeline. */
    public static final String CAPTURE = "capture";
    public static final String WINDOWING = "windowing";
    public static final String CSV = "csv";
    public static final String PREDICTION = "prediction";
    public static final String BLACKLIST = "blacklist";
    public static final String ENFORCEMENT = "enforcement";
    public static final String STAGING = "staging";
    public static final String DEVICES = "devices";
    public static final String INTEL = "intel";

    private final Clock clock;
    private final Map<String, ComponentState> states = new ConcurrentHashMap<>();
    private final Map<String, Long> heartbeats = new ConcurrentHashMap<>();
    private final Map<String, Long> stallLimits = new ConcurrentHashMap<>();
    private volatile String[] expected = {CAPTURE, WINDOWING, CSV};

    public SensorHealth(Clock clock) {
        this.clock = clock;
    }

    /** The clock components use for their timestamps. */
    public Clock clock() {
        return clock;
    }

    /** The components that must report before the sensor is healthy (in {@code /health} order). */
    public void expect(String... components) {
        expected = components.clone();
    }

    /** Sets a component's state (keeps {@code sinceMillis} when the state word and health did not change). */
    public void set(String component, boolean healthy, String state, String detail) {
        long now = clock.millis();
        states.compute(component, (k, old) -> old != null && old.healthy() == healthy && old.state().equals(state)
                ? new ComponentState(healthy, state, detail, old.sinceMillis())
                : new ComponentState(healthy, state, detail, now));
    }

    /** Records that a component is alive; with {@code stallLimitMillis} &gt; 0 it is unhealthy after that long without one. */
    public void heartbeat(String component, long stallLimitMillis) {
        heartbeats.put(component, clock.millis());
        stallLimits.put(component, stallLimitMillis);
    }

    /** Every component's effective state (stall applied), in registration order of names. */
    public Map<String, ComponentState> snapshot() {
        long now = clock.millis();
        Map<String, ComponentState> out = new LinkedHashMap<>();
        for (String name : expected) {
            ComponentState s = states.get(name);
            if (s == null) {
                s = ComponentState.bad("starting", "not started yet", now);
            }
            Long beat = heartbeats.get(name);
            Long limit = stallLimits.get(name);
            if (s.healthy() && beat != null && limit != null && limit > 0 && now - beat > limit) {
                s = ComponentState.bad("stalled", "no heartbeat for " + (now - beat) + " ms", beat);
            }
            out.put(name, s);
        }
        for (Map.Entry<String, ComponentState> e : states.entrySet()) {
            out.putIfAbsent(e.getKey(), e.getValue());
        }
        return out;
    }

    /** True when every component is healthy. */
    public boolean healthy() {
        return snapshot().values().stream().allMatch(ComponentState::healthy);
    }

    /** {@code unhealthy} when a component is not healthy, else {@code degraded} when one says so, else {@code ok}. */
    public String overall() {
        Map<String, ComponentState> snap = snapshot();
        if (snap.values().stream().anyMatch(c -> !c.healthy())) {
            return "unhealthy";
        }
        return snap.values().stream().anyMatch(c -> c.state().equals("degraded")) ? "degraded" : "ok";
    }
}
