package org.argus.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import org.argus.detect.DetectionSettings;
import org.argus.detect.Detector;
import org.argus.detect.ModelManager;

/** Builds a detector for the offline commands (replay, train checks): the configured model folder or another one. */
final class Detection {
    private Detection() {
    }

    /**
     * A detector with the newest usable model of {@code modelsDir} (or {@code model.model_local_path}); offline, the
     * minimum model age does not apply.
     *
     * @param notice told why no model is used, when none is
     */
    static Detector detector(DetectionSettings s, Path modelsDir, Consumer<String> notice) {
        DetectionSettings.Models m = s.models();
        DetectionSettings.Models offline = new DetectionSettings.Models(modelsDir != null ? modelsDir : m.dir(),
                java.time.Duration.ZERO, m.maxAge(), m.useFallback(), m.reloadInterval(), m.learning(),
                m.learningMaxRows(), m.train());
        ModelManager manager = new ModelManager(offline, s.features(), Clock.systemUTC());
        manager.refresh();
        if (manager.current() == null) {
            notice.accept("no model (" + manager.problem() + "): heuristics only");
        }
        return new Detector(s, manager, a -> a.toString(), false);
    }
}
