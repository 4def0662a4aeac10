package org.argus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on a Vert.x timer, never on the test thread: for a verticle test whose outcome shows in counters rather than
 * in a message (windows scored, files polled). The future fails with {@code what} and the last state when time is up.
 */
public final class VertxWait {
    private VertxWait() {
    }

    /**
     * Completes once {@code condition} holds (checked every 20 ms on the event loop), or fails after {@code limit}.
     * One-shot timers, never a cancelled periodic one: cancelling a periodic timer from inside its first run races
     * with Vert.x storing its handle (an NPE that left the future open).
     */
    public static Future<Void> until(Vertx vertx, Duration limit, BooleanSupplier condition, Supplier<String> what) {
        return untilAsync(vertx, limit, () -> Future.succeededFuture(condition.getAsBoolean()), what);
    }

    /** As {@link #until}, for a check that itself asks over the bus: the next check starts when the last one answered. */
    public static Future<Void> untilAsync(Vertx vertx, Duration limit, Supplier<Future<Boolean>> check, Supplier<String> what) {
        Promise<Void> p = Promise.promise();
        long deadline = System.nanoTime() + limit.toNanos();
        attempt(vertx, deadline, limit, check, what, p);
        return p.future();
    }

    private static void attempt(Vertx vertx, long deadline, Duration limit, Supplier<Future<Boolean>> check, Supplier<String> what,
                                Promise<Void> p) {
        check.get().onComplete(ar -> {
            if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
                p.tryComplete();
            } else if (System.nanoTime() > deadline) {
                p.tryFail("not within " + limit.toSeconds() + " s: " + what.get());
            } else {
                vertx.setTimer(20, id -> attempt(vertx, deadline, limit, check, what, p));
            }
        });
    }
}
