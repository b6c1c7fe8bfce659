package io.github.vae4j.train;

/** The training loss became NaN or infinite; the message says where and which model file stays valid. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
