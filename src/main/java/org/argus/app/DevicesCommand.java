package org.argus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code devices list} and {@code devices show}: the running sensor's device inventory ({@code GET /devices},
 * {@code GET /devices/<id>}, behind {@code http.token}), for a person or as JSON with {@code --json}. Exit codes as
 * {@link ReadCommands}: 0, 1 refused or unknown device, 2 no sensor answering.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "The devices the running sensor has seen on the local networks.",
        subcommands = {DevicesCommand.ListDevices.class, DevicesCommand.Show.class, DevicesCommand.Scan.class, DevicesCommand.Forget.class})
final class DevicesCommand {
    private DevicesCommand() {
    }

    /** {@code devices list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every device: MAC, vendor, name, addresses, last seen.")
    static final class ListDevices extends ReadCommands.Read {
        ListDevices() {
            super("/devices");
        }

        @Override
        int print(JsonObject b, int httpStatus) {
            if (httpStatus != 200) {
                System.err.println("argus devices: " + b.getString("error", "HTTP " + httpStatus));
                return 1;
            }
            JsonArray ds = b.getJsonArray("devices", new JsonArray());
            System.out.printf("%-17s  %-28s  %-20s  %-30s  %s%n", "MAC", "VENDOR", "NAME", "ADDRESSES", "LAST SEEN");
            for (int i = 0; i < ds.size(); i++) {
                JsonObject d = ds.getJsonObject(i);
                String mac = d.getString("mac") == null ? "(no Ethernet)" : d.getString("mac");
                String vendor = d.getBoolean("randomized_mac", false) ? "(randomized MAC)" : String.valueOf(d.getValue("vendor", "?"));
                System.out.printf("%-17s  %-28s  %-20s  %-30s  %s%n", mac, cut(vendor, 28), cut(String.valueOf(d.getValue("hostname", "")), 20),
                        cut(String.join(" ", d.getJsonArray("addresses", new JsonArray()).stream().map(String::valueOf).toList()), 30),
                        d.getString("last_seen"));
            }
            System.out.println(ds.size() + " device" + (ds.size() == 1 ? "" : "s"));
            return 0;
        }

        private static String cut(String s, int n) {
            return s == null || s.equals("null") ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
        }
    }

    /** {@code devices show MAC|ADDRESS}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "One device by MAC or address, with its address history.")
    static final class Show extends ReadCommands.Read {
        @Parameters(paramLabel = "MAC|ADDRESS", description = "The device's MAC (aa:bb:cc:dd:ee:ff) or one of its addresses.")
        String id;

        Show() {
            super("/devices/");
        }

        @Override
        String path() {
            return "/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        }

        @Override
        int print(JsonObject d, int httpStatus) {
            if (httpStatus != 200) {
                System.err.println("argus devices show: " + d.getString("error", "HTTP " + httpStatus));
                return 1;
            }
            System.out.println(d.encodePrettily());
            return 0;
        }
    }

    /** {@code devices scan MAC|ADDRESS}: queues a vulnerability scan in the running sensor. */
    @Command(name = "scan", mixinStandardHelpOptions = true, description = "Scan one device with nmap now (through the running sensor).")
    static final class Scan extends Change {
        Scan() {
            super("POST", "/scan", 202);
        }

        @Override
        String done(JsonObject b) {
            return "queued: " + b.getString("key") + " at " + b.getString("address") + " (" + b.getInteger("position")
                    + " ahead); see argus devices show " + b.getString("key");
        }
    }

    /** {@code devices forget MAC|ADDRESS}: drops a device and its history (it is new again when next seen). */
    @Command(name = "forget", mixinStandardHelpOptions = true, description = "Forget one device and its history.")
    static final class Forget extends Change {
        Forget() {
            super("DELETE", "", 200);
        }

        @Override
        String done(JsonObject b) {
            return "forgotten: " + b.getString("key");
        }
    }

    /** A request that changes something about one device. Exit 0 done, 1 refused or unknown, 2 no sensor. */
    abstract static class Change implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        java.nio.file.Path conf;

        @Parameters(paramLabel = "MAC|ADDRESS", description = "The device's MAC or one of its addresses.")
        String id;

        private final String method;
        private final String suffix;
        private final int expected;

        Change(String method, String suffix, int expected) {
            this.method = method;
            this.suffix = suffix;
            this.expected = expected;
        }

        abstract String done(JsonObject answer);

        @Override
        public Integer call() throws Exception {
            return ReadCommands.change(conf, method, "/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + suffix, expected,
                    "argus devices", this::done);
        }
    }
}
