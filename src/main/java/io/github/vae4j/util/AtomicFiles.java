package io.github.vae4j.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that appear whole or not at all: the content goes to a temporary file in the target's directory, which is
 * flushed to disk and then renamed over the target (and the directory flushed), so a reader (or a crash) never sees
 * half a file and the previous file stays until the new one is complete. Every file vae4j writes for a user goes through here.
 */
public final class AtomicFiles {

    /** Writes the content of a file to the path it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path file) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically, its directories created; {@code content} fills a temporary file. */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            content.writeTo(tmp);
            readableByAll(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** rw-r--r-- like any newly created file (a temporary file starts as rw-------), where permissions are POSIX. */
    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Flushes a directory's entries (the rename) to disk where the platform allows it (Linux does; not Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // directories cannot be opened for syncing on some platforms; the rename itself is still atomic
        }
    }

    /**
     * Deletes the temporary files a killed writer left in {@code dir} (a kill -9 skips the clean-up of
     * {@link #write} and of the JDK's zip file system) for the files named {@code targets}; the files they were meant to
     * replace are intact, and other files in the directory are left alone. Returns how many there were.
     */
    public static int removeStale(Path dir, java.util.Collection<String> targets) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                // ours (".<target><random>.tmp") and the JDK zip file system's, which edits a zip through a
                // temporary file beside it ("zipfstmp<random>.tmp")
                boolean ours = name.startsWith("zipfstmp") || targets.stream().anyMatch(t -> name.startsWith("." + t));
                if (ours && name.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text));
    }
}
