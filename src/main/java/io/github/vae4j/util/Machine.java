package io.github.vae4j.util;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a measurement ran on, for reports and model cards. */
public final class Machine {

    private Machine() {
    }

    /** The CPU model and the cores the JVM sees, e.g. "AMD EPYC 9B14, 2 cores". */
    public static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception e) {
            cpu = System.getProperty("os.arch");
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /** The native-backend settings in effect and the Java version. */
    public static String environment() {
        return "OPENBLAS_CORETYPE=" + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)")
                + " OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")
                + ", Java " + System.getProperty("java.version");
    }
}
