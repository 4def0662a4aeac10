package org.argus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainCommandLineTest {

    @Test
    void theSensorsOwnInvocationGetsTheRootCommandAlone() {
        assertEquals(0, Main.commandLine(new String[0]).getSubcommands().size());
        CommandLine cl = Main.commandLine(new String[] {"-conf", "conf/pi.json", "--cluster", "-cluster-port", "5701"});
        assertEquals(0, cl.getSubcommands().size());
        cl.parseArgs("-conf", "conf/pi.json", "--cluster", "-cluster-port", "5701");
        Main main = cl.getCommand();
        assertEquals(Path.of("conf/pi.json"), main.conf);
        assertTrue(main.cluster);
        assertEquals(5701, main.clusterPort);
    }

    @Test
    void anythingElseGetsEverySubcommand() {
        int all = Main.SUBCOMMANDS.size();
        assertEquals(all, Main.commandLine(new String[] {"replay", "x.pcap"}).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[] {"-conf", "c.json", "blacklist", "list"}).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[] {"--help"}).getSubcommands().size());
        assertEquals(all, Main.commandLine(new String[] {"replai"}).getSubcommands().size(), "a typo still gets suggestions");
        // a configuration file named like a subcommand is refused as before (picocli takes the word for the command)
        assertThrows(CommandLine.MissingParameterException.class,
                () -> Main.commandLine(new String[] {"-conf", "status"}).parseArgs("-conf", "status"));
        assertTrue(Main.commandLine(new String[] {"-h"}).getUsageMessage().contains("emergency-stop"), "help lists the subcommands");
    }
}
