package org.argus.capture;

import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The bounded hand-over from a capture thread to the flow stage: at most {@code capacity} batches in flight. A batch
 * frees its slot when the consumer calls {@link PacketBatch#release()}. When full, a live capture drops the batch
 * (counted in {@link CaptureStats#queueDroppedBatches}/{@link CaptureStats#queueDroppedPackets}) rather than stall the
 * kernel ring; a file read waits instead, so replay loses nothing.
 */
public final class BatchQueue {
    private final Semaphore slots;
    private final int capacity;
    private final Consumer<PacketBatch> downstream;
    private final CaptureStats stats;

    /**
     * @param capacity   batches in flight at most
     * @param downstream hands a batch on (e.g. an event-bus send); must not block
     * @param stats      where drops are counted
     */
    public BatchQueue(int capacity, Consumer<PacketBatch> downstream, CaptureStats stats) {
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
        this.downstream = downstream;
        this.stats = stats;
    }

    /**
     * Hands a batch on.
     *
     * @param wait true to wait for a free slot (files), false to drop when full (live)
     * @return false when the batch was dropped
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean offer(PacketBatch batch, boolean wait) throws InterruptedException {
        if (wait) {
            slots.acquire();
        } else if (!slots.tryAcquire()) {
            stats.queueDroppedBatches.increment();
            stats.queueDroppedPackets.add(batch.size());
            return false;
        }
        int n = batch.size();
        stats.queuedPackets.addAndGet(n);
        batch.onRelease(() -> {
            stats.queuedPackets.addAndGet(-n);
            slots.release();
        });
        downstream.accept(batch);
        return true;
    }

    /** Batches in flight now. */
    public int inFlight() {
        return capacity - slots.availablePermits();
    }

    /** Waits until every batch handed on has been released (end of a file). */
    public void drain() throws InterruptedException {
        slots.acquire(capacity);
        slots.release(capacity);
    }
}
