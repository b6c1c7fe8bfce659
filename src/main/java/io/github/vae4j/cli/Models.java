package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.VaeModel;

import java.nio.file.Path;

/** Checks shared by commands that apply a saved model to data. */
final class Models {
    private Models() {
    }

    static void checkMatches(VaeModel m, DataSplit split, Path modelFile) {
        if (split.dimensions() != m.config().inputSize()) {
            throw new IllegalArgumentException("model " + modelFile + " expects " + m.config().inputSize()
                    + " inputs but data set " + split.id() + " has " + split.dimensions() + " dimensions");
        }
    }
}
