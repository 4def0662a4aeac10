package org.argus.staging;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Uploads one staged CSV to Cloud Storage and confirms it (blocking; one thread). The object is
 * {@code <data_prefix>/<sensor-id>/<yyyy>/<mm>/<dd>/<file>}, the date taken from the file's name
 * ({@code zeus_20261122_120000.csv}, UTC) or else its modification time.
 *
 * <p>Exactly once: the object is created with the precondition "does not exist yet" ({@code ifGenerationMatch=0}), so
 * a retry never writes a second copy. If the object is already there — the sensor died between the upload and the
 * move — and its size and checksum equal the file's, that earlier upload is confirmed and nothing is sent; if it
 * differs, the file goes up under {@code <name>-<crc32c>.csv} instead, so nothing is overwritten. The answer's size and
 * CRC32C (and MD5 when the server reports one), read back after the upload, must equal the file's, or the object is
 * deleted and the upload fails.
 */
public final class Uploader {
    private static final Pattern STAMP = Pattern.compile("_(\\d{4})(\\d{2})(\\d{2})_\\d{6}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    /** What an upload did. */
    public enum Outcome { UPLOADED, ALREADY_THERE }

    private final Storage storage;
    private final String bucket;
    private final String prefix;

    /**
     * @param prefix {@code <data_prefix>/<sensor-id>}
     */
    public Uploader(Storage storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** The object name for a file. */
    public String objectName(Path file, Instant modified) {
        String name = file.getFileName().toString();
        Matcher m = STAMP.matcher(name);
        String day = m.find() ? m.group(1) + "/" + m.group(2) + "/" + m.group(3) : DAY.format(modified);
        return prefix + "/" + day + "/" + name;
    }

    /**
     * Uploads and confirms.
     *
     * @throws java.nio.file.NoSuchFileException when the file vanished from staging
     * @throws IOException                        unreadable file, or the upload failed or could not be confirmed
     */
    public Outcome upload(Path file, Instant modified) throws IOException {
        byte[] data = Files.readAllBytes(file);
        String crc = crc32c(data), md5 = md5(data);
        String name = objectName(file, modified);
        try {
            Blob existing = storage.get(BlobId.of(bucket, name));
            if (existing != null) {
                if (matches(existing, data.length, crc, md5)) {
                    return Outcome.ALREADY_THERE;
                }
                name = name.substring(0, name.length() - 4) + "-" + Long.toHexString(crcValue(data)) + ".csv";
                Blob renamed = storage.get(BlobId.of(bucket, name));
                if (renamed != null && matches(renamed, data.length, crc, md5)) {
                    return Outcome.ALREADY_THERE;
                }
            }
            BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, name)).setContentType("text/csv").build();
            storage.create(info, data, Storage.BlobTargetOption.doesNotExist());
            // Confirm with what the server stores now (the create answer may lack the size).
            Blob created = storage.get(info.getBlobId());
            if (created == null) {
                throw new IOException("upload of " + file.getFileName() + " not confirmed: object " + name + " not found after the upload");
            }
            if (!matches(created, data.length, crc, md5)) {
                storage.delete(created.getBlobId());
                throw new IOException("upload of " + file.getFileName() + " not confirmed: server reports size "
                        + created.getSize() + " crc32c " + created.getCrc32c() + ", file has " + data.length + " bytes crc32c " + crc);
            }
            return Outcome.UPLOADED;
        } catch (StorageException e) {
            throw new IOException("Cloud Storage: " + e.getCode() + " " + e.getMessage(), e);
        }
    }

    private static boolean matches(Blob b, long size, String crc, String md5) {
        if (b.getSize() == null || b.getSize() != size) {
            return false;
        }
        if (b.getCrc32c() != null && !b.getCrc32c().equals(crc)) {
            return false;
        }
        if (b.getMd5() != null && !b.getMd5().equals(md5)) {
            return false;
        }
        return b.getCrc32c() != null || b.getMd5() != null;
    }

    private static long crcValue(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return c.getValue();
    }

    /** CRC32C as Cloud Storage reports it: base64 of the 4 big-endian bytes. */
    static String crc32c(byte[] data) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crcValue(data)).array());
    }

    static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
