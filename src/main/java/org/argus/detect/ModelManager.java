package org.argus.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest usable model from the models folder (the Aegis seed's model manager). {@link #refresh} is
 * blocking (file reads, deserialization): call it from a worker. Scoring threads read {@link #current} without
 * locks, so a swap never stalls or drops a window. A model that fails a check is logged once and skipped; the next
 * older one is tried; with none usable the sensor runs on heuristics alone. Models from Firebase arrive in the same
 * folder ({@link org.argus.staging.ModelDownloader}, card last), so they are checked exactly like local ones.
 */
public final class ModelManager {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    private final DetectionSettings.Models settings;
    private final FeatureSet features;
    private final Clock clock;
    private final AtomicReference<ModelStore.Loaded> current = new AtomicReference<>();
    private final Map<String, String> rejected = new HashMap<>();
    private volatile String problem = "no model loaded yet";
    private volatile String selfTrained;

    public ModelManager(DetectionSettings.Models settings, FeatureSet features, Clock clock) {
        this.settings = settings;
        this.features = features;
        this.clock = clock;
    }

    /** The model in use, or null. */
    public ModelStore.Loaded current() {
        return current.get();
    }

    /** Why there is no model (meaningful when {@link #current} is null). */
    public String problem() {
        return problem;
    }

    /**
     * Checks the folder and switches to the newest usable model when it differs from the
     * current one; drops the current one when it has aged out and nothing replaces it.
     *
     * @return true when the model in use changed
     */
    public synchronized boolean refresh() {
        List<Path> cards;
        try {
            cards = ModelStore.cards(settings.dir());
        } catch (IOException e) {
            problem = "cannot list " + settings.dir() + ": " + e.getMessage();
            return dropIfAged();
        }
        ModelStore.Loaded now = current.get();
        String lastReason = null;
        for (Path card : cards) {
            String name = card.getFileName().toString();
            if (now != null && now.cardFile().getFileName().toString().equals(name)) {
                break; // the newest usable one is already in use (unless it aged: checked below)
            }
            try {
                boolean own = name.equals(selfTrained);
                ModelStore.Loaded loaded = ModelStore.load(card, features, clock.instant(),
                        own ? Duration.ZERO : settings.minAge(), settings.maxAge());
                String wanted = settings.train().algorithm();
                if (!"auto".equals(wanted) && !wanted.equals(loaded.card().algorithm())) {
                    throw new ModelException("model " + loaded.card().version() + " is an " + loaded.card().algorithm()
                            + "; prediction.algorithm asks for " + wanted);
                }
                current.set(loaded);
                rejected.remove(name);
                problem = null;
                LOG.info("model {} in use ({}, {} features, {} training rows, threshold {})", loaded.card().version(),
                        loaded.card().algorithm(), loaded.card().features().size(), loaded.card().trainingRows(),
                        loaded.card().scoreThreshold());
                return true;
            } catch (ModelException e) {
                lastReason = e.getMessage();
                if (!e.getMessage().equals(rejected.put(name, e.getMessage()))) {
                    LOG.warn("model refused: {}", e.getMessage());
                }
            }
        }
        if (current.get() == null) {
            problem = cards.isEmpty() ? "no model in " + settings.dir() : lastReason;
        }
        return dropIfAged();
    }

    private boolean dropIfAged() {
        ModelStore.Loaded now = current.get();
        if (now != null && Duration.between(now.card().createdAt(), clock.instant()).compareTo(settings.maxAge()) > 0) {
            current.set(null);
            problem = "model " + now.card().version() + " is older than model.max_model_age_days";
            LOG.warn("{}; running on heuristics alone", problem);
            return true;
        }
        return false;
    }

    /** Marks a card this sensor just wrote, so the minimum age does not hold it back. */
    public void trainedHere(Path cardFile) {
        selfTrained = cardFile.getFileName().toString();
    }
}
