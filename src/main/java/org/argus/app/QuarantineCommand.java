package org.argus.app;

import picocli.CommandLine.Command;

/**
 * {@code quarantine list|add|lift}: local devices that may reach only the gateway, DNS servers and the sensor, kept
 * apart from bans. Like {@code blacklist}: through the running sensor ({@code /quarantine}) when it answers, else on
 * the database file. Exit codes: 0 done, 1 refused or bad input, 2 I/O failure.
 */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = "List, add or lift quarantines of local devices (they keep the gateway, DNS servers and the sensor).",
        subcommands = {QuarantineCommand.ListQuarantines.class, QuarantineCommand.Add.class, QuarantineCommand.Lift.class})
final class QuarantineCommand {
    private QuarantineCommand() {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Devices in quarantine with reason and time left.")
    static final class ListQuarantines extends BlacklistCommand.ListBans {
        @Override
        boolean quarantine() {
            return true;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Quarantine a device's address.")
    static final class Add extends BlacklistCommand.Add {
        @Override
        boolean quarantine() {
            return true;
        }
    }

    @Command(name = "lift", mixinStandardHelpOptions = true, description = "Lift a quarantine.")
    static final class Lift extends BlacklistCommand.Remove {
        @Override
        boolean quarantine() {
            return true;
        }
    }
}
