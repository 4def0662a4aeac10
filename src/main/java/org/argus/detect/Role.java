package org.argus.detect;

import java.util.Locale;

/**
 * What the address in a decision did: {@code attacker} (it sent the traffic: a ban candidate) or {@code victim}
 * (it received a flood whose sources are spoofed or reflected: an alert about the destination, never a ban).
 */
public enum Role {
    ATTACKER, VICTIM;

    /** Lower-case name used in JSON. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
