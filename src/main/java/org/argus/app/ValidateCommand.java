package org.argus.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.argus.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code validate -conf FILE}: exit 0 when the file (with ARGUS_* overrides) is usable, else 1 naming every bad key. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file: every bad key is named with the reason. Exit 0 ok, 1 not usable.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", required = true, description = "Configuration file to check.")
    Path conf;

    @Override
    public Integer call() throws Exception {
        try {
            Main.loadConfig(conf, System.getenv());
            System.out.println("ok: " + conf);
            return 0;
        } catch (ConfigException e) {
            Main.printProblems(conf, e);
            return 1;
        }
    }
}
