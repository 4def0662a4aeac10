package org.argus.config;

import java.util.List;

/** The configuration is unusable. {@link #problems()} names every bad key with its reason, one per entry. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as {@code key.path: reason}. */
    public List<String> problems() {
        return problems;
    }
}
