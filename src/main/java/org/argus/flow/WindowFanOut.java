package org.argus.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands each closed window to several stages (for example CSV writing and detection), each on a platform thread of
 * its own, so they run beside each other and beside the window assembly instead of one after the other. Every stage
 * sees every window, in the order given, on its one thread, so its output is exactly that of a single-threaded run.
 * Windows are immutable; at most {@code depth} wait per stage, so {@link #accept} blocks (back-pressure) rather than
 * queueing without bound.
 *
 * <p>A stage that throws gets no further windows; {@link #close} waits for every stage to finish what it was given
 * and rethrows the first failure. Not for concurrent callers: one thread calls {@code accept} and {@code close}.
 */
public final class WindowFanOut implements Consumer<FlowWindow>, AutoCloseable {
    /** A stage: takes one window, may fail. */
    @FunctionalInterface
    public interface Stage {
        void accept(FlowWindow w) throws Exception;
    }

    private static final FlowWindow END = new FlowWindow(0, 0, new WindowTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), List.of());

    private final List<BlockingQueue<FlowWindow>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Exception[] failures;
    private volatile boolean failed;
    private boolean closed;

    /**
     * @param name   thread name prefix ({@code name-0}, {@code name-1}, …)
     * @param depth  windows that may wait per stage (≥ 1)
     * @param stages the stages, each started on its own thread now
     */
    public WindowFanOut(String name, int depth, List<Stage> stages) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1");
        }
        failures = new Exception[stages.size()];
        for (int i = 0; i < stages.size(); i++) {
            BlockingQueue<FlowWindow> q = new ArrayBlockingQueue<>(depth);
            Stage stage = stages.get(i);
            int index = i;
            Thread t = Thread.ofPlatform().name(name + "-" + i).daemon().unstarted(() -> {
                try {
                    for (FlowWindow w = q.take(); w != END; w = q.take()) {
                        if (failures[index] == null) {
                            try {
                                stage.accept(w);
                            } catch (Exception e) {
                                failures[index] = e;
                                failed = true;
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            queues.add(q);
            threads.add(t);
            t.start();
        }
    }

    /** Gives the window to every stage; blocks while a stage has {@code depth} windows waiting. */
    @Override
    public void accept(FlowWindow w) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        try {
            for (BlockingQueue<FlowWindow> q : queues) {
                q.put(w);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing on a window", e);
        }
    }

    /** True once a stage has failed (it takes no further windows; {@link #close} rethrows). */
    public boolean failed() {
        return failed;
    }

    /**
     * Waits until every stage has handled every window given, then rethrows the first stage failure (by stage
     * order), if any.
     */
    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        for (BlockingQueue<FlowWindow> q : queues) {
            q.put(END);
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Exception e : failures) {
            if (e != null) {
                throw e;
            }
        }
    }
}
