package org.argus.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable object (or a batch whose ownership moves with the message) by reference on the local event
 * bus. It refuses the wire: these types never leave the JVM (cluster traffic uses JSON at the edge).
 *
 * @param <T> the message type
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
    private final String name;

    private LocalCodec(Class<T> type) {
        this.name = "argus-local-" + type.getName();
    }

    /** Registers the codec as the default for {@code type}, once per Vert.x instance (repeat calls are ignored). */
    public static <T> void registerFor(EventBus bus, Class<T> type) {
        try {
            bus.registerDefaultCodec(type, new LocalCodec<>(type));
        } catch (IllegalStateException alreadyRegistered) {
            // another verticle of this Vert.x instance did it
        }
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
