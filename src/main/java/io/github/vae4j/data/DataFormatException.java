package io.github.vae4j.data;

/** Input data that cannot be used: missing, malformed, truncated or inconsistent. The message names the source. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
