package org.argus.status;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One active health alert (the Retina seed's health monitoring). Immutable.
 *
 * @param name     stable key: {@code packet_loss}, {@code queue}, {@code interface_down}, {@code disk}, {@code model_missing},
 *                 {@code upload_backlog}, or {@code component:<name>} for a component that is not healthy
 * @param severity {@code critical} or {@code warning}
 * @param message  what is wrong, with the numbers and the config key involved
 * @param since    when it was first seen (this episode)
 */
public record Alert(String name, String severity, String message, Instant since) {
    /** As JSON for {@code /health}, {@code /status} and the webhook. */
    public JsonObject toJson() {
        return new JsonObject().put("alert", name).put("severity", severity).put("message", message).put("since", since.toString());
    }
}
