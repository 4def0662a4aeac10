package org.argus.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the configuration once: the embedded defaults ({@code argus-defaults.json}), then the {@code -conf} file
 * (JSON, or YAML when it ends in .yaml/.yml, read by vertx-config), then environment overrides. Every key the
 * defaults define can be overridden by {@code ARGUS_} + its path in upper case with dots as underscores
 * ({@code capture.interface} → {@code ARGUS_CAPTURE_INTERFACE}); {@code ARGUS_IP_SALT} sets
 * {@code anonymization.salt}. Lists take comma-separated values.
 *
 * <p>Unknown keys, wrong types and unparsable environment values are errors, all reported together.
 */
public final class ConfigLoader {
    /** The environment variable that sets {@code anonymization.salt}. */
    public static final String SALT_ENV = "ARGUS_IP_SALT";
    private static final String DEFAULTS = "/argus-defaults.json";

    private ConfigLoader() {
    }

    /** The embedded defaults (a fresh copy). */
    public static JsonObject defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " missing from the jar");
            }
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
    }

    /**
     * Loads and validates the configuration.
     *
     * @param vertx used by vertx-config to read a YAML file; may be null otherwise ({@link #needsVertx})
     * @param file  the {@code -conf} file, or null for defaults and environment only
     * @param env   environment variables (normally {@code System.getenv()})
     * @return the validated configuration, or a failed future with a {@link ConfigException} naming every problem
     */
    public static Future<ArgusConfig> load(Vertx vertx, Path file, Map<String, String> env) {
        return readFile(vertx, file).compose(user -> {
            try {
                List<String> problems = new ArrayList<>();
                JsonObject doc = merge(user, env, problems);
                // range and consistency checks run on the keys that merged (a key with a wrong type keeps its
                // default), so one run names every problem of the file
                return Future.succeededFuture(ArgusConfig.from(doc, problems));
            } catch (ConfigException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /**
     * Whether reading {@code file} needs a Vert.x instance: YAML (read by vertx-config) does; JSON and no file do
     * not ({@link #load} then accepts a null {@code vertx}).
     */
    public static boolean needsVertx(Path file) {
        if (file == null) {
            return false;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** Reads the file as a JSON object (empty when {@code file} is null); fails with a {@link ConfigException}. */
    static Future<JsonObject> readFile(Vertx vertx, Path file) {
        if (file == null) {
            return Future.succeededFuture(new JsonObject());
        }
        if (!Files.exists(file)) {
            return Future.failedFuture(new ConfigException("-conf " + file + ": no such file"));
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Future.failedFuture(new ConfigException("-conf " + file + ": not a readable file"));
        }
        String format = needsVertx(file) ? "yaml" : "json";
        if (format.equals("json")) {
            // read here (Jackson through Vert.x's JsonObject): no Vert.x instance to start and stop first
            try {
                return Future.succeededFuture(new JsonObject(Files.readString(file)));
            } catch (IOException | RuntimeException e) {
                return Future.failedFuture(new ConfigException("-conf " + file + ": not valid json: " + rootMessage(e)));
            }
        }
        ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat(format)
                .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
        ConfigRetriever retriever = ConfigRetriever.create(vertx,
                new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false).addStore(store));
        return retriever.getConfig()
                .eventually(() -> {
                    retriever.close();
                    return Future.succeededFuture();
                })
                .recover(e -> Future.failedFuture(new ConfigException("-conf " + file + ": not valid " + format + ": "
                        + rootMessage(e))));
    }

    /**
     * Defaults, overlaid with the user's document and the environment; fails on unknown keys, wrong types and bad
     * environment values.
     */
    public static JsonObject merge(JsonObject user, Map<String, String> env) throws ConfigException {
        List<String> problems = new ArrayList<>();
        JsonObject config = merge(user, env, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * As {@link #merge(JsonObject, Map)}, adding problems to {@code problems} instead of throwing: an unknown key is
     * left out and a key with a wrong type keeps its default, so the rest can still be checked.
     */
    public static JsonObject merge(JsonObject user, Map<String, String> env, List<String> problems) {
        JsonObject config = defaults();
        overlay(config, user, "", problems);
        applyEnv(config, "", env, problems);
        String salt = env.get(SALT_ENV);
        if (salt != null && !salt.isEmpty()) {
            config.getJsonObject("anonymization").put("salt", salt);
        }
        return config;
    }

    /** Keys earlier versions had, with what to do instead. */
    private static final Map<String, String> REMOVED = Map.of(
            "heuristics.amplification_ports", "amplification is found by its pattern, from any source port; delete the key");

    private static void overlay(JsonObject target, JsonObject user, String prefix, List<String> problems) {
        for (Map.Entry<String, Object> e : user) {
            String key = prefix + org.argus.log.LogText.escape(e.getKey()); // a key is outside text too: one line
            if (!target.containsKey(e.getKey())) {
                String hint = REMOVED.get(key);
                problems.add(key + (hint == null ? ": unknown key" : ": removed; " + hint));
                continue;
            }
            Object def = target.getValue(e.getKey());
            Object val = e.getValue();
            if (def instanceof JsonObject d) {
                if (val instanceof JsonObject v) {
                    overlay(d, v, key + ".", problems);
                } else {
                    problems.add(key + ": must be an object (a section), not " + describe(val));
                }
                continue;
            }
            String typeProblem = typeProblem(def, val);
            if (typeProblem != null) {
                problems.add(key + ": " + typeProblem);
            } else if ((def instanceof Integer || def instanceof Long) && val instanceof Number n) {
                target.put(e.getKey(), n.longValue()); // exact: typeProblem refused what a long cannot hold
            } else {
                target.put(e.getKey(), val instanceof Number n && def instanceof Double ? n.doubleValue() : val);
            }
        }
    }

    private static String typeProblem(Object def, Object val) {
        if (def instanceof Integer || def instanceof Long) {
            if (val instanceof Integer || val instanceof Long) {
                return null;
            }
            if (val instanceof Number n && !(val instanceof java.math.BigInteger) && !(val instanceof java.math.BigDecimal)
                    && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e15) {
                return null;
            }
            if (val instanceof java.math.BigInteger || val instanceof java.math.BigDecimal || val instanceof Number) {
                return "must be a whole number within ±2^53, not " + describe(val);
            }
            return "must be a whole number, not " + describe(val);
        }
        if (def instanceof Number) {
            return val instanceof Number n && Double.isFinite(n.doubleValue()) ? null : "must be a number, not " + describe(val);
        }
        if (def instanceof Boolean) {
            return val instanceof Boolean ? null : "must be true or false, not " + describe(val);
        }
        if (def instanceof String) {
            return val instanceof String ? null : "must be a string, not " + describe(val);
        }
        if (def instanceof JsonArray) {
            return val instanceof JsonArray ? null : "must be a list, not " + describe(val);
        }
        return null;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = String.valueOf(v);
        s = org.argus.log.LogText.escape(s.length() > 40 ? s.substring(0, 40) + "…" : s);
        return v instanceof String ? "\"" + s + "\"" : s;
    }

    private static void applyEnv(JsonObject config, String prefix, Map<String, String> env, List<String> problems) {
        for (String key : new ArrayList<>(config.fieldNames())) {
            Object def = config.getValue(key);
            String path = prefix + key;
            if (def instanceof JsonObject section) {
                applyEnv(section, path + ".", env, problems);
                continue;
            }
            String var = envName(path);
            String raw = env.get(var);
            if (raw == null) {
                continue;
            }
            try {
                config.put(key, parseEnv(def, raw.trim()));
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + var + "=\"" + org.argus.log.LogText.escape(raw) + "\" " + org.argus.log.LogText.escape(e.getMessage()));
            }
        }
    }

    /** The environment variable that overrides a key path: {@code ARGUS_} + upper case, dots to underscores. */
    public static String envName(String keyPath) {
        return "ARGUS_" + keyPath.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Object parseEnv(Object def, String raw) {
        if (def instanceof Integer) {
            try {
                return Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number");
            }
        }
        if (def instanceof Long) {
            try {
                return Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number");
            }
        }
        if (def instanceof Number) {
            try {
                return Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a number");
            }
        }
        if (def instanceof Boolean) {
            return switch (raw.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new IllegalArgumentException("is not true/false");
            };
        }
        if (def instanceof JsonArray d) {
            // Lists of numbers (port lists) stay numbers; everything else is a list of strings.
            boolean numbers = !d.isEmpty() && d.getValue(0) instanceof Number;
            JsonArray a = new JsonArray();
            for (String item : raw.split(",")) {
                String t = item.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (numbers) {
                    try {
                        a.add(Integer.parseInt(t));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("\"" + t + "\" is not a whole number");
                    }
                } else {
                    a.add(t);
                }
            }
            return a;
        }
        return raw;
    }

    /** Every leaf key path of the defaults, in document order (for the README table and {@code validate}). */
    public static List<String> keyPaths() {
        List<String> out = new ArrayList<>();
        collect(defaults(), "", out);
        return out;
    }

    private static void collect(JsonObject o, String prefix, List<String> out) {
        for (String k : o.fieldNames()) {
            Object v = o.getValue(k);
            if (v instanceof JsonObject s) {
                collect(s, prefix + k + ".", out);
            } else {
                out.add(prefix + k);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
