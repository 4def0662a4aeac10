package org.argus.capture;

/** A capture source could not be opened or read; the message names the file or interface and the reason. */
public final class CaptureException extends Exception {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
