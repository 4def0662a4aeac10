package org.argus.enforce;

/**
 * Stop or restore enforcement, sent on {@code argus.control.emergency} (HTTP {@code /control/emergency-stop|restore};
 * the stop file is watched directly). The reply is a JSON object with the new state. Immutable.
 *
 * @param stop   true: remove every rule and set and refuse new enforcement; false: restore
 * @param reason the operator's reason (logged)
 * @param origin who asked ({@code http 127.0.0.1}, {@code file}, later a peer)
 */
public record EmergencyCommand(boolean stop, String reason, String origin) {
}
