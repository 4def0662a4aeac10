package org.argus.bus;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON codec for Argus: Jackson's streaming core ({@link JacksonCodec}) rather than the databind
 * {@code ObjectMapper} Vert.x picks whenever jackson-databind is on the class path (it is, for the Cloud Storage
 * client). Argus only encodes and decodes {@code JsonObject}/{@code JsonArray} trees, which both codecs write the
 * same way; databind's start costs ~0.2 s of every start-up and replay. Registered through
 * {@code META-INF/services/io.vertx.core.spi.JsonFactory}; its {@link #order} wins over Vert.x's own factory.
 */
public final class CoreJsonFactory implements JsonFactory {
    private static final JacksonCodec CODEC = new JacksonCodec();

    @Override
    public int order() {
        return 0;
    }

    @Override
    public JsonCodec codec() {
        return CODEC;
    }
}
