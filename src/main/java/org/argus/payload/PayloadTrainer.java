package org.argus.payload;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.argus.capture.Payloads;
import smile.classification.LogisticRegression;

/**
 * Builds the payload classifier's data and trains it. Attack samples come from a labelled corpus
 * ({@code <attacks>/<class>/*.txt}, one payload a line), each line used twice: as it is and inside a realistic HTTP
 * request (a query parameter, a form or JSON body, a cookie or the user agent, URL-encoded where a client would
 * encode it). Benign samples: TCP/UDP payloads of captures and lines of text files given, plus realistic requests
 * and values generated here ({@link #benignGenerated}). A fifth of the sources is held out for the metrics, chosen by
 * a hash of the attack line or benign source so a held-out attack string is never seen in training in any wrapping.
 * Training: Smile's multinomial logistic regression (L-BFGS) with L2 penalty {@code lambda}.
 */
public final class PayloadTrainer {
    /** Payload bytes kept per sample (the sensor keeps as many per direction). */
    public static final int MAX_BYTES = 256;
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** One sample: bytes, class name, held out or not. */
    public record Sample(byte[] bytes, String label, boolean heldOut) {
    }

    /** Per-class held-out metrics: one-vs-rest precision, recall and false-positive rate, and the support. */
    public record ClassMetrics(String label, double precision, double recall, double falsePositiveRate, int support) {
    }

    /** What training produced: the model, the held-out metrics, counts. */
    public record Result(PayloadModel model, List<ClassMetrics> perClass, ClassMetrics malicious, Map<String, Integer> trainCounts,
                         Map<String, Integer> heldOutCounts) {
    }

    private PayloadTrainer() {
    }

    /** The attack corpus: each class folder's lines (blank lines skipped), each as raw and HTTP-wrapped samples. */
    public static List<Sample> attacks(Path dir) throws IOException {
        List<Sample> out = new ArrayList<>();
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classes.isEmpty()) {
            throw new IOException(dir + ": no class folders (expected <class>/*.txt)");
        }
        for (Path c : classes) {
            String label = c.getFileName().toString();
            List<Path> files;
            try (Stream<Path> s = Files.list(c)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    boolean held = heldOut(label + "\n" + line);
                    out.add(new Sample(cut(line.getBytes(StandardCharsets.UTF_8)), label, held));
                    out.add(new Sample(cut(wrap(line, line.hashCode()).getBytes(StandardCharsets.UTF_8)), label, held));
                }
            }
        }
        return out;
    }

    /** Benign samples from captures ({@code .pcap}/{@code .pcapng}: every TCP/UDP payload) and text files (lines). */
    public static List<Sample> benign(List<Path> inputs) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (Path in : inputs) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.walk(in)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else {
                files.add(in);
            }
            for (Path f : files) {
                String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (n.endsWith(".pcap") || n.endsWith(".pcapng")) {
                    String source = f.getFileName().toString();
                    Payloads.read(f, MAX_BYTES, p -> out.add(new Sample(p.bytes(), PayloadModel.BENIGN,
                            heldOut(source + p.srcPort() + "/" + p.dstPort()))));
                } else if (n.endsWith(".txt")) {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        if (!line.isBlank()) {
                            out.add(new Sample(cut(line.getBytes(StandardCharsets.UTF_8)), PayloadModel.BENIGN, heldOut(line)));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final String[] PATHS = {"/", "/index.html", "/search", "/api/v1/items", "/login", "/products/42", "/static/app.js",
            "/images/logo.png", "/account/settings", "/cart", "/blog/2026/11/home-networks", "/api/users/1001/orders", "/wp-content/themes/x/style.css",
            "/favicon.ico", "/news", "/weather", "/docs/getting-started", "/feed.xml", "/robots.txt", "/download/setup-1.2.3.tar.gz"};
    private static final String[] WORDS = {"weather", "today", "home", "router", "pi", "music", "garden", "recipe", "pasta", "news", "london",
            "berlin", "shoes", "laptop", "price", "review", "best", "2026", "holiday", "train", "ticket", "school", "football", "printer",
            "driver", "update", "camera", "backup", "photo", "family", "o'brien", "rock & roll", "c++", "50% off", "a/b test", "what is 1+1",
            "<3", "don't stop", "p&l report", "x=y+z"};
    private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0", "Dalvik/2.1.0 (Linux; U; Android 14)", "Roku/DVP-13.0"};

    /** Everyday XML of a home network: WS-Discovery, UPnP SOAP, XML-RPC, RSS, SVG, a device description; no DTD. */
    private static final String[] XML = {
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" "
                    + "xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\">"
                    + "<soap:Header><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To><wsa:Action>"
                    + "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action><wsa:MessageID>urn:uuid:$N-4f2a-11ef-9c3b</wsa:MessageID>"
                    + "</soap:Header><soap:Body><wsd:Probe><wsd:Types>wsdp:Device</wsd:Types></wsd:Probe></soap:Body></soap:Envelope>",
            "POST /upnp/control/WANIPConn1 HTTP/1.1\r\nHost: 192.168.1.1:49152\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
                    + "SOAPAction: \"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress\"\r\n\r\n<?xml version=\"1.0\"?>"
                    + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
                    + "<s:Body><u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"/></s:Body></s:Envelope>",
            "<?xml version=\"1.0\"?><methodCall><methodName>weather.get</methodName><params><param><value><string>$W</string></value>"
                    + "</param><param><value><int>$N</int></value></param></params></methodCall>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>$W</title><link>https://news.example.com/</link>"
                    + "<item><title>$W news $N</title><guid>https://news.example.com/a/$N</guid></item></channel></rss>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5-10-5z\"/>"
                    + "<title>$W</title></svg>",
            "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major><minor>0</minor></specVersion>"
                    + "<device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType><friendlyName>Living room $N</friendlyName>"
                    + "<manufacturer>$W</manufacturer><UDN>uuid:$N-0000-1000-8000-001788</UDN></device></root>"};

    /**
     * {@code n} benign requests and values: GET with query strings, form and JSON posts, cookies, everyday XML
     * (WS-Discovery, UPnP SOAP, XML-RPC, RSS, SVG) and bare values (search terms, names with apostrophes, e-mail
     * addresses, prices, paths), seeded so a run repeats.
     */
    public static List<Sample> benignGenerated(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String value = WORDS[r.nextInt(WORDS.length)] + (r.nextBoolean() ? " " + WORDS[r.nextInt(WORDS.length)] : "");
            String text = switch (r.nextInt(8)) {
                case 0 -> value;
                case 1 -> "user" + r.nextInt(10_000) + "@example." + (r.nextBoolean() ? "com" : "org");
                case 2 -> PATHS[r.nextInt(PATHS.length)] + "?page=" + r.nextInt(50) + "&sort=" + (r.nextBoolean() ? "asc" : "desc");
                case 7 -> XML[r.nextInt(XML.length)].replace("$N", Integer.toString(r.nextInt(100_000))).replace("$W", WORDS[r.nextInt(WORDS.length)]
                        .replace("&", "&amp;").replace("<", "&lt;"));
                case 3 -> "{\"id\":" + r.nextInt(100_000) + ",\"name\":\"" + value + "\",\"tags\":[\"" + WORDS[r.nextInt(WORDS.length)] + "\"],\"price\":" + r.nextInt(500) + "." + r.nextInt(100) + "}";
                default -> wrap(value, r.nextInt());
            };
            out.add(new Sample(cut(text.getBytes(StandardCharsets.UTF_8)), PayloadModel.BENIGN, i % 5 == 0));
        }
        return out;
    }

    /** {@code value} inside a realistic HTTP request; {@code pick} chooses where. */
    static String wrap(String value, int pick) {
        SplittableRandom r = new SplittableRandom(pick);
        String path = PATHS[r.nextInt(PATHS.length)];
        String agent = AGENTS[r.nextInt(AGENTS.length)];
        String host = "Host: " + (r.nextBoolean() ? "shop.example.com" : "192.168.1.20:8080") + "\r\n";
        String enc = URLEncoder.encode(value, StandardCharsets.UTF_8);
        return switch (Math.floorMod(pick, 5)) {
            case 0 -> "GET " + path + "?q=" + enc + "&lang=en HTTP/1.1\r\n" + host + "User-Agent: " + agent + "\r\nAccept: */*\r\n\r\n";
            case 1 -> "POST /login HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + (9 + enc.length())
                    + "\r\n\r\nusername=" + enc + "&password=hunter2";
            case 2 -> "POST /api/v1/items HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n\r\n{\"name\":\""
                    + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"qty\":1}";
            case 3 -> "GET " + path + " HTTP/1.1\r\n" + host + "Cookie: session=" + Integer.toHexString(pick) + "; pref=" + enc + "\r\nUser-Agent: " + agent + "\r\n\r\n";
            default -> "GET " + path + " HTTP/1.1\r\n" + host + "User-Agent: " + value + "\r\nAccept-Language: en-GB\r\n\r\n";
        };
    }

    /**
     * Trains on the samples not held out and measures on the held-out ones.
     *
     * @param lambda        L2 penalty (Smile's {@code lambda})
     * @param maxIterations L-BFGS iterations at most
     * @throws IllegalArgumentException when a class has no training sample or benign is missing
     */
    public static Result train(List<Sample> samples, double lambda, int maxIterations) {
        TreeMap<String, Integer> trainCounts = new TreeMap<>(), heldCounts = new TreeMap<>();
        for (Sample s : samples) {
            (s.heldOut() ? heldCounts : trainCounts).merge(s.label(), 1, Integer::sum);
        }
        if (!trainCounts.containsKey(PayloadModel.BENIGN)) {
            throw new IllegalArgumentException("no benign samples to train on");
        }
        List<String> classes = new ArrayList<>();
        classes.add(PayloadModel.BENIGN);
        trainCounts.keySet().stream().filter(c -> !c.equals(PayloadModel.BENIGN)).forEach(classes::add);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.heldOut()) {
                x.add(PayloadFeatures.of(s.bytes(), s.bytes().length));
                y.add(index.get(s.label()));
            }
        }
        LogisticRegression.Multinomial lr = LogisticRegression.multinomial(x.toArray(new double[0][]),
                y.stream().mapToInt(Integer::intValue).toArray(), new LogisticRegression.Options(lambda, 1e-4, maxIterations));
        double[][] coef = lr.coefficients(); // k−1 rows (the last class is the reference with zeros), intercept last
        double[][] w = new double[classes.size()][PayloadFeatures.SIZE + 1];
        for (int c = 0; c < coef.length; c++) {
            System.arraycopy(coef[c], 0, w[c], 0, PayloadFeatures.SIZE + 1);
        }
        PayloadModel model = new PayloadModel(classes, w);
        // our scorer must agree with Smile's on what it was trained on (guards the coefficient layout above)
        for (int i = 0; i < Math.min(500, x.size()); i++) {
            double[] ours = model.probabilities(x.get(i)), smile = new double[classes.size()];
            lr.predict(x.get(i), smile);
            for (int c = 0; c < ours.length; c++) {
                if (Math.abs(ours[c] - smile[c]) > 1e-6) {
                    throw new IllegalStateException("payload model disagrees with Smile on training row " + i + ", class " + classes.get(c)
                            + ": " + ours[c] + " vs " + smile[c]);
                }
            }
        }
        return measure(model, samples, trainCounts, heldCounts);
    }

    /** Held-out metrics of a model. */
    static Result measure(PayloadModel model, List<Sample> samples, Map<String, Integer> trainCounts, Map<String, Integer> heldCounts) {
        List<String> classes = model.classes();
        int k = classes.size();
        long[][] confusion = new long[k][k];
        long tpM = 0, fpM = 0, fnM = 0, tnM = 0;
        for (Sample s : samples) {
            if (!s.heldOut()) {
                continue;
            }
            int truth = classes.indexOf(s.label());
            if (truth < 0) {
                continue;
            }
            PayloadModel.Verdict v = model.classify(s.bytes(), s.bytes().length);
            confusion[truth][classes.indexOf(v.label())]++;
            boolean attack = truth != 0;
            if (attack && v.malicious()) {
                tpM++;
            } else if (attack) {
                fnM++;
            } else if (v.malicious()) {
                fpM++;
            } else {
                tnM++;
            }
        }
        List<ClassMetrics> per = new ArrayList<>();
        long total = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                total += c;
            }
        }
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c], fn = 0, fp = 0;
            for (int o = 0; o < k; o++) {
                if (o != c) {
                    fn += confusion[c][o];
                    fp += confusion[o][c];
                }
            }
            long tn = total - tp - fn - fp;
            per.add(new ClassMetrics(classes.get(c), ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(fp, fp + tn), (int) (tp + fn)));
        }
        ClassMetrics malicious = new ClassMetrics("malicious", ratio(tpM, tpM + fpM), ratio(tpM, tpM + fnM), ratio(fpM, fpM + tnM), (int) (tpM + fnM));
        return new Result(model, per, malicious, trainCounts, heldCounts);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /**
     * Saves the model and its card into {@code dir}.
     *
     * @return the card file
     */
    public static Path save(Result r, Path dir, Instant now) throws IOException {
        Files.createDirectories(dir);
        String version = VERSION.format(now);
        Path file = dir.resolve("argus-payload-" + version + ".bin");
        r.model().save(file);
        JsonArray metrics = new JsonArray();
        for (ClassMetrics m : r.perClass()) {
            metrics.add(json(m));
        }
        JsonObject card = new JsonObject().put("format", "argus-payload-model").put("format_version", PayloadModel.FORMAT)
                .put("version", version).put("algorithm", "multinomial logistic regression (Smile), hashed byte 1-3-grams")
                .put("features", PayloadFeatures.SIZE).put("classes", new JsonArray(r.model().classes()))
                .put("training_counts", new JsonObject(new LinkedHashMap<>(r.trainCounts())))
                .put("held_out_counts", new JsonObject(new LinkedHashMap<>(r.heldOutCounts())))
                .put("held_out_metrics", metrics).put("held_out_malicious", json(r.malicious()))
                .put("file", file.getFileName().toString()).put("sha256", org.argus.detect.ModelStore.sha256(file)).put("trained_at", now.toString());
        Path cardFile = dir.resolve("argus-payload-" + version + ".json");
        Path part = cardFile.resolveSibling(cardFile.getFileName() + ".part");
        Files.writeString(part, card.encodePrettily());
        Files.move(part, cardFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return cardFile;
    }

    private static JsonObject json(ClassMetrics m) {
        return new JsonObject().put("class", m.label()).put("precision", round(m.precision())).put("recall", round(m.recall()))
                .put("false_positive_rate", round(m.falsePositiveRate())).put("support", m.support());
    }

    private static Double round(double d) {
        return Double.isNaN(d) ? null : Math.round(d * 10_000) / 10_000.0;
    }

    private static boolean heldOut(String source) {
        return Math.floorMod(source.hashCode() * 0x9E3779B1, 5) == 0;
    }

    private static byte[] cut(byte[] b) {
        return b.length <= MAX_BYTES ? b : java.util.Arrays.copyOf(b, MAX_BYTES);
    }
}
