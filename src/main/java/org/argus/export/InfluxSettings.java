package org.argus.export;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code export.influx.*}: where and how windows, flows, decisions, bans, devices and health go to InfluxDB.
 *
 * @param enabled             export on
 * @param url                 server base URL, e.g. {@code http://127.0.0.1:8086} (the write path is added)
 * @param api                 {@link Api#V1} ({@code /write}) or {@link Api#V2} ({@code /api/v2/write})
 * @param database            v1 database ({@code db})
 * @param retentionPolicy     v1 retention policy ({@code rp}); empty = the database's default
 * @param username            v1 user (HTTP basic authentication); empty = none
 * @param password            v1 password
 * @param org                 v2 organization
 * @param bucket              v2 bucket
 * @param token               v2 API token ({@code Authorization: Token …})
 * @param aggregationInterval length of the {@code argus_flows} intervals (aligned to the epoch, packet time)
 * @param anonymize           addresses as the CSVs' HMAC pseudonyms (true) or as they are
 * @param batchSize           lines per request at most
 * @param flushInterval       how long a point may wait in memory before its batch is sent
 * @param maxBufferBytes      on-disk queue bound for batches the server has not taken; beyond it new batches are
 *                            dropped and counted
 * @param queueDir            the on-disk queue's folder
 * @param timeout             one request's timeout
 * @param maxFlowKeys         {@code argus_flows} keys per interval; the rest are summed under {@code src=other}
 */
public record InfluxSettings(boolean enabled, String url, Api api, String database, String retentionPolicy, String username,
                             String password, String org, String bucket, String token, Duration aggregationInterval,
                             boolean anonymize, int batchSize, Duration flushInterval, long maxBufferBytes, Path queueDir,
                             Duration timeout, int maxFlowKeys) {

    /** The two write APIs. */
    public enum Api {
        /** InfluxDB 1.x: {@code POST /write?db=&rp=&precision=ns}. */
        V1,
        /** InfluxDB 2.x/3.x: {@code POST /api/v2/write?org=&bucket=&precision=ns}. */
        V2
    }

    /** Export off. */
    public static InfluxSettings off(Path queueDir) {
        return new InfluxSettings(false, "", Api.V1, "argus", "", "", "", "", "", "", Duration.ofMinutes(1), true, 5000,
                Duration.ofSeconds(10), 64L << 20, queueDir, Duration.ofSeconds(10), 10_000);
    }
}
