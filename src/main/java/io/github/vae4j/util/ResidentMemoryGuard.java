package io.github.vae4j.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Keeps the process's resident memory under a limit by asking the JVM to collect garbage when it passes the limit,
 * checked by one daemon thread every {@value #PERIOD_MS} ms.
 *
 * <p>Why: ND4J frees a native buffer only when the JVM collects its Java object, and with little heap garbage the JVM
 * collects rarely (docs/performance.md, "Memory"). JavaCPP's own remedy, {@code org.bytedeco.javacpp.maxPhysicalBytes},
 * reads the resident size on every native allocation, inside a lock that every thread allocating shape information
 * shares: 15% of a training step in a profile (docs/performance.md), and the lock serializes threads that run ND4J
 * ops at the same time.
 * {@code ./vae4j} turns that check off ({@code maxPhysicalBytes=0}) and starts this guard with
 * {@code -Dvae4j.maxResidentBytes=3g} instead.
 */
public final class ResidentMemoryGuard implements AutoCloseable {

    /** System property with the limit, in bytes or with a k/m/g suffix; unset or 0: no guard. */
    public static final String LIMIT_PROPERTY = "vae4j.maxResidentBytes";
    static final long PERIOD_MS = 100;
    /** Pause after a requested collection before the next check. */
    static final long BACKOFF_MS = 1000;

    private static final Logger log = LoggerFactory.getLogger(ResidentMemoryGuard.class);
    private static ResidentMemoryGuard process;

    private final long limitBytes;
    private final Thread thread;
    private volatile long collections;

    private ResidentMemoryGuard(long limitBytes) {
        this.limitBytes = limitBytes;
        this.thread = new Thread(this::watch, "vae4j-memory-guard");
        thread.setDaemon(true);
    }

    /**
     * Starts the process's guard with the limit in {@value #LIMIT_PROPERTY}, if set and not started yet; a bad value
     * fails with its name.
     */
    public static synchronized void startFromProperty() {
        String value = System.getProperty(LIMIT_PROPERTY);
        if (process != null || value == null || value.isBlank()) {
            return;
        }
        long limit = parseBytes(value);
        if (limit > 0) {
            process = start(limit);
        }
    }

    /**
     * Starts a guard where /proc/self reports the resident size (else returns one that does nothing); close it to
     * stop it.
     */
    public static ResidentMemoryGuard start(long limitBytes) {
        ResidentMemoryGuard g = new ResidentMemoryGuard(limitBytes);
        if (ProcessMemory.rssBytes() >= 0) {
            g.thread.start();
        }
        return g;
    }

    /** Collections this guard has requested so far. */
    public long collections() {
        return collections;
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    /** "3g", "512m", "1048576k" or plain bytes. */
    static long parseBytes(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(LIMIT_PROPERTY + " must be a byte count such as 3g or 512m, got '"
                    + value + "'");
        }
    }

    private void watch() {
        boolean warned = false;
        while (true) {
            try {
                Thread.sleep(PERIOD_MS);
                if (ProcessMemory.rssBytes() > limitBytes) {
                    collections++;
                    log.debug("resident memory above {} bytes: collecting garbage", limitBytes);
                    System.gc();
                    // give the deallocator threads time to free native memory; do not collect again at once
                    Thread.sleep(BACKOFF_MS);
                    if (!warned && ProcessMemory.rssBytes() > limitBytes) {
                        warned = true;
                        log.warn("resident memory stays above {} MiB after a collection: the data or model needs more "
                                + "({}); checking every {} ms", limitBytes >> 20, LIMIT_PROPERTY, BACKOFF_MS);
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
