package io.github.vae4j.cli;

import io.github.vae4j.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vae4j info}: prints the stored metadata (config, metrics, provenance) as JSON. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a model's stored config, metrics and provenance as JSON.")
public final class InfoCommand implements Callable<Integer> {

    @Mixin
    ModelArgs model = new ModelArgs();

    @Override
    public Integer call() throws Exception {
        System.out.println(Json.toString(ModelFile.readMetadata(model.file())));
        return 0;
    }
}
