package io.github.vae4j.cli;

import io.github.vae4j.data.DataSplit;
import io.github.vae4j.model.VaeModel;
import io.github.vae4j.pretrained.PretrainedModels;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code --model} flag of the commands that apply a saved model, and loading it (optionally with data). */
final class ModelArgs {

    @Option(names = "--model", required = true, paramLabel = "FILE|NAME",
            description = "A vae4j model file, or a pretrained model's name: " + PretrainedModels.NAMES_TEXT + ".")
    Path model;

    /** The model file the flag names: a path, a model's folder or a pretrained model's name. */
    Path file() throws IOException {
        return PretrainedModels.resolve(model);
    }

    VaeModel load() throws IOException {
        return VaeModel.load(file());
    }

    /** The model and a data set read with the model's seed, checked to have the model's input size. */
    Loaded loadWithData(DataArgs data) throws IOException {
        VaeModel m = load();
        DataSplit split = data.load(m.config().seed());
        if (split.dimensions() != m.config().inputSize()) {
            throw new IllegalArgumentException("model " + model + " expects " + m.config().inputSize()
                    + " inputs but data set " + split.id() + " has " + split.dimensions() + " dimensions");
        }
        try {
            // the labels a conditional model needs, checked as training checks them
            io.github.vae4j.train.VaeTrainer.forData(m.config(), split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model " + model + ": " + e.getMessage(), e);
        }
        return new Loaded(m, split);
    }

    /** As {@link #loadWithData}, for a command that draws the data as images: they must be square. */
    Loaded loadWithImages(DataArgs data, String command) throws IOException {
        Loaded loaded = loadWithData(data);
        DataSplit split = loaded.split();
        if (io.github.vae4j.viz.ImageGrid.side(split.dimensions()) < 0) {
            throw new IllegalArgumentException("data set " + split.id() + " has " + split.dimensions()
                    + " dimensions, which are not square images; " + command + " draws images");
        }
        return loaded;
    }

    record Loaded(VaeModel model, DataSplit split) {
    }
}
