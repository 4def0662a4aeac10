package org.argus.enforce;

/** A firewall change that did not happen: the message names the command and what it said. */
public final class EnforcementException extends Exception {
    public EnforcementException(String message) {
        super(message);
    }

    public EnforcementException(String message, Throwable cause) {
        super(message, cause);
    }
}
