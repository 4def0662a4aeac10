package org.argus.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payload classifier trained on the shared attack corpus and benign payloads of the shared captures plus generated
 * requests, measured on the held-out fifth (attack strings never seen in training in any wrapping).
 */
class PayloadClassifierTest {
    static final Path SHARED = Path.of("../shared");
    static PayloadTrainer.Result result;
    static List<PayloadTrainer.Sample> samples;

    @BeforeAll
    static void train() throws IOException {
        samples = new ArrayList<>(PayloadTrainer.attacks(SHARED.resolve("payloads/attacks")));
        // the benign captures (no attack, not malformed on purpose): web, messaging, streaming, DNS, TLS, P2P
        List<Path> captures = Stream.of("1kxun.pcap", "KakaoTalk_talk.pcap", "gnutella.pcap", "http-fault-post.pcap", "http_ip4and6.pcapng",
                "netflix.pcap", "ocs.pcap", "wechat.pcap").map(n -> SHARED.resolve("pcaps").resolve(n)).toList();
        samples.addAll(PayloadTrainer.benign(captures));
        samples.addAll(PayloadTrainer.benignGenerated(6000, 7));
        result = PayloadTrainer.train(samples, 0.01, 100);
    }

    @Test
    void heldOutAttacksAreFoundAndBenignPayloadsPass() {
        PayloadTrainer.ClassMetrics m = result.malicious();
        PayloadTrainer.ClassMetrics benign = result.perClass().get(0);
        StringBuilder report = new StringBuilder("malicious " + m + "\n");
        result.perClass().forEach(c -> report.append(c).append('\n'));
        System.out.println(report);
        assertEquals("benign", benign.label());
        // bars set from the measurement (closing note and README), with room below it
        assertTrue(m.recall() >= 0.90, report.toString());
        assertTrue(m.precision() >= 0.95, report.toString());
        assertTrue(m.falsePositiveRate() <= 0.02, report.toString());
        assertTrue(result.heldOutCounts().get("benign") > 1000, result.heldOutCounts().toString());
    }

    @Test
    void savedModelLoadsCheckedAndClassifiesTheSame(@TempDir Path dir) throws IOException {
        Path card = PayloadTrainer.save(result, dir, Instant.parse("2026-12-02T16:00:00Z"));
        PayloadModel loaded = PayloadModel.loadNewest(dir);
        byte[] sqli = "GET /products?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--%20 HTTP/1.1\r\nHost: shop\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(result.model().classify(sqli, sqli.length), loaded.classify(sqli, sqli.length));
        assertTrue(loaded.classify(sqli, sqli.length).malicious(), loaded.classify(sqli, sqli.length).toString());
        byte[] get = "GET /weather?city=berlin&days=3 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertFalse(loaded.classify(get, get.length).malicious(), loaded.classify(get, get.length).toString());
        assertTrue(Files.readString(card).contains("\"held_out_malicious\""));
        // a changed file is refused by its card
        Path bin = dir.resolve("argus-payload-20261202T160000Z.bin");
        byte[] b = Files.readAllBytes(bin);
        b[b.length - 1] ^= 1;
        Files.write(bin, b);
        IOException e = assertThrows(IOException.class, () -> PayloadModel.loadNewest(dir));
        assertTrue(e.getMessage().contains("differs from its card"), e.getMessage());
        Files.write(bin, new byte[] {1, 2, 3});
        assertTrue(assertThrows(IOException.class, () -> PayloadModel.read(bin)).getMessage().contains("cut short"));
        Files.write(bin, "NOTAMODEL-AT-ALL".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(IOException.class, () -> PayloadModel.read(bin)).getMessage().contains("not an Argus payload model"));
    }

    @Test
    void featuresDecodeWhatAServerWouldDecode() {
        byte[] a = "id=1%2527%20OR%201=1".getBytes(StandardCharsets.US_ASCII), b = "ID=1' or 1=1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new String(PayloadFeatures.normalize(b, b.length), StandardCharsets.ISO_8859_1),
                new String(PayloadFeatures.normalize(a, a.length), StandardCharsets.ISO_8859_1));
        double[] v = PayloadFeatures.of(a, a.length);
        assertEquals(PayloadFeatures.SIZE, v.length);
        double norm = 0;
        for (int i = 0; i < PayloadFeatures.HASHED; i++) {
            norm += v[i] * v[i];
        }
        assertEquals(1.0, norm, 1e-9);
        assertEquals(0.0, PayloadFeatures.of(new byte[0], 0)[0]);
    }
}
