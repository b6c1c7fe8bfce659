package io.github.vae4j.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One block of the encoder or the decoder, as written in a config's {@code encoder} and {@code decoder} lists
 * ({@code {"type": "conv", "filters": 32, "kernel": 3, "stride": 2, "padding": 1}}). Hidden blocks use the config's
 * {@code activation}. Each block validates its own fields; {@link Architecture} checks that the blocks fit together.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Block.Dense.class, name = "dense"),
        @JsonSubTypes.Type(value = Block.Conv.class, name = "conv"),
        @JsonSubTypes.Type(value = Block.Reshape.class, name = "reshape"),
        @JsonSubTypes.Type(value = Block.Deconv.class, name = "deconv")})
public sealed interface Block {

    /** The name used in JSON and in messages. */
    String type();

    /**
     * A fully connected layer h ↦ activation(hW + b).
     *
     * @param width output units; ≥ 1
     */
    record Dense(int width) implements Block {
        public Dense {
            positive("dense", "width", width);
        }

        @Override
        public String type() {
            return "dense";
        }
    }

    /**
     * A 2-D convolution (DL4J {@code ConvolutionLayer}, truncate mode) with square kernels.
     *
     * @param filters output channels; ≥ 1
     * @param kernel  kernel side; ≥ 1
     * @param stride  stride; ≥ 1
     * @param padding zero padding on every side; ≥ 0
     */
    record Conv(int filters, int kernel, int stride, int padding) implements Block {
        public Conv {
            positive("conv", "filters", filters);
            positive("conv", "kernel", kernel);
            positive("conv", "stride", stride);
            nonNegative("conv", "padding", padding);
        }

        @Override
        public String type() {
            return "conv";
        }
    }

    /**
     * Reinterprets a flat activation of channels·height·width values as an image [channels, height, width]
     * (row-major, channels first). Has no parameters; must be followed by a transposed convolution.
     */
    record Reshape(int channels, int height, int width) implements Block {
        public Reshape {
            positive("reshape", "channels", channels);
            positive("reshape", "height", height);
            positive("reshape", "width", width);
        }

        @Override
        public String type() {
            return "reshape";
        }

        public long size() {
            return (long) channels * height * width;
        }
    }

    /**
     * A transposed 2-D convolution (DL4J {@code Deconvolution2D}): output side (in − 1)·stride + kernel − 2·padding.
     *
     * @param filters output channels; ≥ 1
     * @param kernel  kernel side; ≥ 1
     * @param stride  stride; ≥ 1
     * @param padding padding removed from every side; ≥ 0
     */
    record Deconv(int filters, int kernel, int stride, int padding) implements Block {
        public Deconv {
            positive("deconv", "filters", filters);
            positive("deconv", "kernel", kernel);
            positive("deconv", "stride", stride);
            nonNegative("deconv", "padding", padding);
        }

        @Override
        public String type() {
            return "deconv";
        }
    }

    private static void positive(String block, String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(block + " block " + field + " must be >= 1, got " + value);
        }
    }

    private static void nonNegative(String block, String field, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(block + " block " + field + " must be >= 0, got " + value);
        }
    }
}
