package io.github.vae4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from Linux's /proc/self: the current RSS, the peak since start or since the last
 * {@link #resetPeak()} (VmHWM), which covers the JVM heap and ND4J's native buffers alike.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Peak resident set size in bytes, or -1 where /proc is not available. */
    public static long peakRssBytes() {
        return field("VmHWM:");
    }

    /** The peak resident set size as text for a command's summary: "1.31 GiB", or "n/a" without /proc. */
    public static String describePeak() {
        long b = peakRssBytes();
        return b < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
    }

    /** Current resident set size in bytes, or -1. */
    public static long rssBytes() {
        return field("VmRSS:");
    }

    /** Resets the peak to the current RSS (writes 5 to /proc/self/clear_refs); false where that is not allowed. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
