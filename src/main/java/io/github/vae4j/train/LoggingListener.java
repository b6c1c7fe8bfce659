package io.github.vae4j.train;

import io.github.vae4j.model.VaeModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** One structured log line per epoch: {@code epoch=3 train_loss=… test_loss=… recon=… kl=… ex/s=…}. */
public class LoggingListener implements EpochListener {

    private static final Logger log = LoggerFactory.getLogger(LoggingListener.class);

    @Override
    public void onEpochEnd(VaeModel model, EpochMetrics m) {
        log.info(String.format(Locale.ROOT,
                "epoch=%d train_loss=%.3f test_loss=%.3f recon=%.3f kl=%.3f test_objective=%.3f beta=%.3g ex/s=%.0f epoch_s=%.2f elapsed_s=%.1f",
                m.epoch(), m.trainLoss(), m.testLoss(), m.testRecon(), m.testKl(), m.testObjective(), m.beta(), m.examplesPerSecond(),
                m.epochSeconds(), m.elapsedSeconds()));
    }
}
