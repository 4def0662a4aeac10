package org.argus.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket from the JDK's HttpClient): navigate,
 * evaluate JavaScript in the page, take a screenshot. Needs {@code chromium} on the PATH; runs with {@code --no-sandbox}
 * (tests run as root) and a throwaway profile.
 */
final class Chromium implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static boolean available() throws IOException, InterruptedException {
        return Shell.have("chromium");
    }

    static Chromium start(Path profile, Path log) throws Exception {
        int port = SensorProcess.freePort();
        Process p = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--remote-debugging-port=" + port, "--remote-allow-origins=*", "--user-data-dir=" + profile,
                "--window-size=1280,900", "about:blank").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String wsUrl = null;
        for (int i = 0; i < 200 && wsUrl == null; i++) {
            try {
                JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (int t = 0; t < targets.size(); t++) {
                    if ("page".equals(targets.getJsonObject(t).getString("type"))) {
                        wsUrl = targets.getJsonObject(t).getString("webSocketDebuggerUrl");
                    }
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (wsUrl == null) {
                Thread.sleep(100);
            }
        }
        if (wsUrl == null) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not open its DevTools port");
        }
        Chromium[] self = new Chromium[1];
        StringBuilder frame = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    JsonObject m = new JsonObject(frame.toString());
                    frame.setLength(0);
                    CompletableFuture<JsonObject> f = m.containsKey("id") ? self[0].pending.remove(m.getInteger("id")) : null;
                    if (f != null) {
                        f.complete(m);
                    }
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        self[0] = new Chromium(p, ws);
        return self[0];
    }

    /** One DevTools command; the {@code result} object. */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true);
        JsonObject answer = f.get(20, TimeUnit.SECONDS);
        if (answer.containsKey("error")) {
            throw new IllegalStateException(method + ": " + answer.getJsonObject("error").encode());
        }
        return answer.getJsonObject("result");
    }

    void navigate(String url) throws Exception {
        call("Page.enable", new JsonObject());
        call("Page.navigate", new JsonObject().put("url", url));
    }

    /** Evaluates an expression in the page; its value (string, number, boolean), or null. */
    Object eval(String expression) throws Exception {
        JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true));
        return r.getJsonObject("result").getValue("value");
    }

    /** Waits until {@code expression} is true in the page. */
    boolean waitFor(String expression, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (Boolean.TRUE.equals(eval(expression))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** A PNG of the viewport. */
    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data"));
    }

    @Override
    public void close() throws InterruptedException {
        socket.abort();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
