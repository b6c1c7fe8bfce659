package io.github.vae4j.cli;

import io.github.vae4j.util.FileTrees;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vae4j warmup} (hidden): runs the everyday commands once on tiny inputs in a temporary directory (train one
 * short epoch of the reference MLP, of a conditional one and, when given, of a conv preset; sample; reconstruct;
 * evaluate; info; generate), so that
 * one JVM loads the classes they all need. The launcher runs it once per build with
 * {@code -XX:ArchiveClassesAtExit} to write the class-data-sharing archive that later runs map at start-up
 * (docs/performance.md, "Start-up"). Nothing is written outside the temporary directory, which is deleted.
 */
@Command(name = "warmup", hidden = true, description = "Run every command once on tiny inputs (for the start-up archive).")
public final class WarmupCommand implements Callable<Integer> {

    @Option(names = "--conv-config", paramLabel = "FILE", description = "A conv preset to train one short epoch too.")
    Path convConfig;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("vae4j-warmup");
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            List<String[]> runs = new ArrayList<>();
            runs.add(new String[] {"train", "--epochs", "1", "--max-batches", "2", "--no-progress", "-o", dir + "/mlp"});
            if (convConfig != null && Files.isRegularFile(convConfig)) {
                runs.add(new String[] {"train", "--config", convConfig.toString(), "--epochs", "1", "--max-batches", "2",
                        "--no-progress", "--no-images", "-o", dir + "/conv"});
            }
            runs.add(new String[] {"sample", "--model", dir + "/mlp/model.zip", "--n", "4", "--out", dir + "/s.png"});
            runs.add(new String[] {"reconstruct", "--model", dir + "/mlp/model.zip", "--out", dir + "/r.png"});
            runs.add(new String[] {"evaluate", "--model", dir + "/mlp/model.zip", "--k", "2", "--elbo-samples", "1",
                    "--max-examples", "16", "--out", dir + "/e.json"});
            runs.add(new String[] {"info", "--model", dir + "/mlp/model.zip"});
            // the conditional graph (label-join vertices, a second input) and generate's IDX writer
            runs.add(new String[] {"train", "--conditional", "--epochs", "1", "--max-batches", "2", "--no-progress",
                    "--no-images", "-o", dir + "/cvae"});
            runs.add(new String[] {"generate", "--model", dir + "/cvae/model.zip", "--n", "4", "--out", dir + "/gen"});
            for (String[] args : runs) {
                int rc = Vae4jCli.execute(args);
                if (rc != 0) {
                    return rc;
                }
            }
            return 0;
        } finally {
            System.setOut(out);
            FileTrees.deleteQuietly(dir);
        }
    }
}
