package org.argus.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.detect.Decision;
import org.argus.flow.FlowWindow;

/**
 * Feeds the {@link Dashboard} from {@link Addresses#WINDOW_CLOSED}, {@link Addresses#DECISION} and
 * {@link Addresses#DEVICE_SUMMARY} and {@link Addresses#FEEDBACK_RECORDED} (local consumers).
 * Deployed before the stages that publish them (the HTTP verticle itself comes last), so a replayed file's windows
 * are on the page too. Top talkers cost one pass over the window's flows on the event loop, every window.
 */
public final class DashboardFeedVerticle extends VerticleBase {
    private final Dashboard dashboard;

    public DashboardFeedVerticle(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        LocalCodec.registerFor(vertx.eventBus(), Decision.class);
        var windows = vertx.eventBus().<FlowWindow>localConsumer(Addresses.WINDOW_CLOSED, m -> dashboard.onWindow(m.body()));
        var decisions = vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> dashboard.onDecision(m.body()));
        var devices = vertx.eventBus().<io.vertx.core.json.JsonArray>localConsumer(Addresses.DEVICE_SUMMARY, m -> dashboard.onDevices(m.body()));
        LocalCodec.registerFor(vertx.eventBus(), org.argus.blacklist.FeedbackRequest.class);
        var verdicts = vertx.eventBus().<org.argus.blacklist.FeedbackRequest>localConsumer(Addresses.FEEDBACK_RECORDED,
                m -> dashboard.onVerdict(m.body()));
        return Future.all(windows.completion(), decisions.completion(), devices.completion(), verdicts.completion());
    }
}
