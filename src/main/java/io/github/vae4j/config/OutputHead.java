package io.github.vae4j.config;

import java.util.List;
import java.util.Locale;

/**
 * The decoder's last layer, which outputs the parameters of p(x|z) in the data's shape. Its width (dense) or its
 * filters (deconv) are not written in the config: they follow from the data and the likelihood (one value per data
 * dimension, two for a learned-variance Gaussian). Its activation is the likelihood's.
 *
 * @param type    "dense" (default) or "deconv"
 * @param kernel  deconv kernel side (≥ 1); 0 for dense
 * @param stride  deconv stride (≥ 1); 0 for dense
 * @param padding deconv padding (≥ 0); 0 for dense
 */
public record OutputHead(String type, int kernel, int stride, int padding) {

    public static final String DENSE = "dense";
    public static final String DECONV = "deconv";

    public OutputHead {
        type = type == null ? DENSE : type.toLowerCase(Locale.ROOT);
        switch (type) {
            case DENSE -> {
                if (kernel != 0 || stride != 0 || padding != 0) {
                    throw new IllegalArgumentException("outputHead of type dense takes no kernel, stride or padding, got "
                            + kernel + ", " + stride + ", " + padding);
                }
            }
            case DECONV -> {
                if (kernel < 1 || stride < 1 || padding < 0) {
                    throw new IllegalArgumentException("outputHead of type deconv needs kernel >= 1, stride >= 1, "
                            + "padding >= 0, got " + kernel + ", " + stride + ", " + padding);
                }
            }
            default -> throw new IllegalArgumentException("outputHead type must be one of " + List.of(DENSE, DECONV)
                    + ", got " + type);
        }
    }

    /** A dense output layer (the default). */
    public static OutputHead dense() {
        return new OutputHead(DENSE, 0, 0, 0);
    }

    /** A transposed-convolution output layer. */
    public static OutputHead deconv(int kernel, int stride, int padding) {
        return new OutputHead(DECONV, kernel, stride, padding);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDeconv() {
        return DECONV.equals(type);
    }
}
