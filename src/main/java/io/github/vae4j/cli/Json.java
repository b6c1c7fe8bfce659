package io.github.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/** Indented JSON output of the CLI's reports. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static String toString(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    /** Writes {@code value} to {@code file}, creating its directory. */
    static void write(Path file, Object value) throws IOException {
        io.github.vae4j.util.AtomicFiles.writeString(file, MAPPER.writeValueAsString(value));
    }
}
