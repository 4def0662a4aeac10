package org.argus.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanPolicy;
import org.argus.blacklist.BanRequest;
import org.argus.detect.Risk;

/**
 * Coverage-guided fuzzing (Jazzer) of what the HTTP control API does with a request body: {@code POST /blacklist}
 * through the body reader and the ban policy, and the emergency endpoints' reason. Only an
 * {@link IllegalArgumentException} (a 400 answer) may come out; a ban that passes has a target that can be a sender, a
 * reason of at most 501 characters and a TTL in (0, 87600 h]; an emergency reason is never empty.
 */
class ControlInputFuzzTest {
    private static final BanPolicy POLICY = new BanPolicy(Map.of(Risk.HIGH, 24.0),
            Allowlist.of(Map.of("127.0.0.0/8", "loopback", "10.0.0.0/8", "configured")));

    @FuzzTest(maxDuration = "8s")
    void banBody(FuzzedDataProvider in) {
        boolean json = in.consumeBoolean();
        String text = json ? jsonish(in) : in.consumeRemainingAsString();
        Buffer body = Buffer.buffer(text);
        String reason = ControlRequests.reasonOf(body);
        assertTrue(reason == null || (!reason.isEmpty() && reason.length() <= BanPolicy.MAX_REASON + 1));
        BanRequest r;
        try {
            r = ControlRequests.banRequest(body);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return;
        }
        switch (POLICY.onRequest(r)) {
            case BanPolicy.Ban b -> {
                assertTrue(b.target() != null && b.target().neverASender() == null);
                assertTrue(b.reason().length() <= BanPolicy.MAX_REASON + 1);
                assertTrue(b.ttl() == null || (!b.ttl().isNegative() && b.ttl().toHours() <= 24 * 3650));
            }
            case BanPolicy.Refused refused -> assertTrue(refused.code() == 400 || refused.code() == 409);
            default -> throw new AssertionError("a request is a ban or a refusal");
        }
    }

    /** A JSON object with the expected keys holding values of any type, then any text. */
    private static String jsonish(FuzzedDataProvider in) {
        StringBuilder b = new StringBuilder("{");
        String[] keys = {"address", "reason", "risk_level", "ttl_hours", "other"};
        int n = in.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(in.pickValue(keys)).append("\":");
            switch (in.consumeInt(0, 5)) {
                case 0 -> b.append(in.consumeDouble());
                case 1 -> b.append(in.consumeLong());
                case 2 -> b.append("null");
                case 3 -> b.append(in.consumeBoolean());
                case 4 -> b.append("[1,\"x\"]");
                default -> b.append(io.vertx.core.json.Json.encode(in.consumeString(80)));
            }
        }
        return b.append('}').append(in.consumeRemainingAsString()).toString();
    }
}
