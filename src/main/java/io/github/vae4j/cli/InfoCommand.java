package io.github.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.vae4j.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vae4j info}: prints the stored metadata (config, metrics, provenance) as JSON. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a model's stored config, metrics and provenance as JSON.")
public final class InfoCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A vae4j model file.")
    Path model;

    @Override
    public Integer call() throws Exception {
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(ModelFile.readMetadata(model)));
        return 0;
    }
}
