package org.argus.staging;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.cloud.StorageClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the Cloud Storage client (blocking: reads credentials, may touch the network). With
 * {@code firebase.storage_host} set it talks to that endpoint (the Firebase emulator or any GCS-compatible server)
 * without credentials — firebase-admin's {@code StorageClient} ignores {@code STORAGE_EMULATOR_HOST}, so the options
 * are built here. Otherwise firebase-admin with the service account (or Application Default Credentials).
 */
public final class StorageFactory {
    private StorageFactory() {
    }

    /**
     * @throws IOException when the credentials cannot be read or the bucket is not reachable
     */
    public static Storage create(StagingSettings.Firebase f) throws IOException {
        if (!f.storageHost().isBlank()) {
            return StorageOptions.newBuilder().setHost(f.storageHost()).setProjectId(f.projectId().isBlank() ? "argus" : f.projectId())
                    .setCredentials(NoCredentials.getInstance()).build().getService();
        }
        GoogleCredentials creds;
        if (f.serviceAccountPath().isBlank()) {
            creds = GoogleCredentials.getApplicationDefault();
        } else {
            try (InputStream in = Files.newInputStream(Path.of(f.serviceAccountPath()))) {
                creds = GoogleCredentials.fromStream(in);
            }
        }
        FirebaseOptions.Builder options = FirebaseOptions.builder().setCredentials(creds).setStorageBucket(f.bucket());
        if (!f.projectId().isBlank()) {
            options.setProjectId(f.projectId());
        }
        FirebaseApp app;
        try {
            app = FirebaseApp.getInstance("argus");
        } catch (IllegalStateException notYet) {
            app = FirebaseApp.initializeApp(options.build(), "argus");
        }
        try {
            return StorageClient.getInstance(app).bucket().getStorage();
        } catch (RuntimeException e) {
            throw new IOException("Firebase Storage bucket " + f.bucket() + ": " + e.getMessage(), e);
        }
    }

    /** This host's name ({@code /proc/sys/kernel/hostname}), the default sensor id. */
    public static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "sensor" : h;
        }
    }
}
