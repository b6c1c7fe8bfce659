package io.github.vae4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directory trees that vae4j's tools make and remove. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code dir} and everything in it, best effort (what cannot be deleted stays). */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary tree left behind
        }
    }
}
