package io.github.vae4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code vae4j}: train, sample, reconstruct, inspect and evaluate variational autoencoders. */
@Command(name = "vae4j", mixinStandardHelpOptions = true, versionProvider = Vae4jCli.Version.class,
        description = "Variational autoencoders on Deeplearning4j.",
        subcommands = {TrainCommand.class, SampleCommand.class, GenerateCommand.class, InterpolateCommand.class,
                TraverseCommand.class, ManifoldCommand.class, ScatterCommand.class, EmbedCommand.class, AnomalyCommand.class, InpaintCommand.class,
                DenoiseCommand.class,
                AnomalyBenchmarkCommand.class, BenchConditionalCommand.class, ReconstructCommand.class, InfoCommand.class, EvaluateCommand.class,
                BenchCommand.class, PublishCommand.class, WarmupCommand.class,
                CommandLine.HelpCommand.class})
public final class Vae4jCli {

    public static void main(String[] args) {
        try {
            io.github.vae4j.util.ResidentMemoryGuard.startFromProperty();
        } catch (IllegalArgumentException e) {
            System.err.println("vae4j: error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 failure, 2 bad usage); errors are one line. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Vae4jCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("vae4j " + cmd.getCommandName() + ": error: " + oneLine(ex));
            err.flush();
            return 1;
        });
        cli.setParameterExceptionHandler((ex, rest) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String name = cmd.getCommandName();
            err.println("vae4j" + (cmd.getParent() == null ? "" : " " + name) + ": error: " + oneLine(ex) + " (see vae4j"
                    + (cmd.getParent() == null ? "" : " " + name) + " --help)");
            err.flush();
            return 2;
        });
        return cli.execute(args);
    }

    static String oneLine(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException) {
            msg = "no such file: " + msg;
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties p = new java.util.Properties();
            try (var in = Vae4jCli.class.getResourceAsStream("/vae4j-build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"vae4j " + p.getProperty("vae4j.version", "unknown") + " (Deeplearning4j "
                    + p.getProperty("dl4j.version", "unknown") + ")"};
        }
    }
}
