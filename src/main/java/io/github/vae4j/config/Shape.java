package io.github.vae4j.config;

import java.util.List;

/**
 * The shape of one example at some point of the network: flat (a vector of {@code channels} values, height and width
 * 1) or an image [channels, height, width] (row-major, channels first, as DL4J's CNN layers and
 * {@code InputType.convolutionalFlat} lay it out).
 */
public record Shape(boolean spatial, int channels, int height, int width) {

    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("shape sides must be >= 1, got " + describe(channels, height, width, spatial));
        }
        if (!spatial && (height != 1 || width != 1)) {
            throw new IllegalArgumentException("a flat shape has height and width 1, got " + height + "x" + width);
        }
    }

    /** A flat vector of {@code size} values. */
    public static Shape flat(long size) {
        return new Shape(false, Math.toIntExact(size), 1, 1);
    }

    /** An image [channels, height, width]. */
    public static Shape image(int channels, int height, int width) {
        return new Shape(true, channels, height, width);
    }

    /** From a config's {@code inputShape}: [size] or [channels, height, width]. */
    public static Shape of(List<Integer> dims) {
        return switch (dims.size()) {
            case 1 -> flat(dims.get(0));
            case 3 -> image(dims.get(0), dims.get(1), dims.get(2));
            default -> throw new IllegalArgumentException("inputShape must be [size] or [channels, height, width], got "
                    + dims);
        };
    }

    /** Values per example. */
    public long size() {
        return (long) channels * height * width;
    }

    /** As a config's {@code inputShape} list. */
    public List<Integer> dims() {
        return spatial ? List.of(channels, height, width) : List.of(channels);
    }

    @Override
    public String toString() {
        return describe(channels, height, width, spatial);
    }

    private static String describe(int c, int h, int w, boolean spatial) {
        return spatial ? c + "x" + h + "x" + w : String.valueOf(c);
    }
}
