package io.github.vae4j.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A config's encoder and decoder blocks resolved against its input shape: every layer of the network in order, with
 * the shape it takes and gives, its parameter count and its multiply-adds per example. Construction checks that the
 * blocks fit together (a conv needs an image, a reshape must keep the size, the decoder must end in the data's shape)
 * and names the block and the shapes when they do not. The network builder and the benchmark's FLOP count both read
 * this one description.
 *
 * @param input   the data's shape
 * @param encoder encoder layers, input to the last hidden layer
 * @param latent  the variational layer (its output is z; its parameters are both Gaussian heads)
 * @param decoder decoder layers after z, reshapes included, without the output layer
 * @param output  the output layer, giving the likelihood's parameters
 * @param classes classes of the label y of a conditional VAE, 0 for an unconditional one. The one-hot y joins the
 *                encoder at its first dense layer (the flattened activations of any conv layers before it, or x,
 *                concatenated with y) or, without one, at the variational layer; and the decoder at its first layer,
 *                as [z | y], which must therefore be dense (a decoder's first dense block, or the dense output head)
 */
public record Architecture(Shape input, List<Layer> encoder, Layer latent, List<Layer> decoder, Layer output,
                           int classes) {

    /**
     * One layer of the network.
     *
     * @param block      the block it comes from (for the output layer: a dense or deconv block sized from the data)
     * @param in         shape it takes
     * @param out        shape it gives
     * @param parameters trainable parameters
     * @param macs       multiply-adds of its forward pass per example
     * @param labelInputs the one-hot label's width when y joins this layer's (flattened) input, else 0
     */
    public record Layer(Block block, Shape in, Shape out, long parameters, long macs, int labelInputs) {
    }

    /** Resolves {@code c}'s blocks against its input shape, which must be set. */
    public static Architecture of(VaeConfig c) {
        if (c.inputShape().isEmpty()) {
            throw new IllegalStateException("the config's inputShape is not set yet (it is taken from the data at "
                    + "training time); set inputShape to build a network");
        }
        if (c.conditional() && c.classes() == 0) {
            throw new IllegalStateException("the config's number of classes is not set yet (it is taken from the data's "
                    + "labels at training time); set classes to build a conditional network");
        }
        return resolve(Shape.of(c.inputShape()), c.encoder(), c.latentSize(), c.decoder(), c.outputHead(),
                c.likelihood(), c.classes());
    }

    /** Resolves blocks against an input shape (what {@link #of} does, from the parts of a config). */
    static Architecture resolve(Shape input, List<Block> encoderBlocks, int latentSize, List<Block> decoderBlocks,
            OutputHead head, Likelihood likelihood, int classes) {
        Shape shape = input;
        List<Layer> encoder = new ArrayList<>();
        int label = classes; // the label's width until a layer has taken it
        for (int i = 0; i < encoderBlocks.size(); i++) {
            Block b = encoderBlocks.get(i);
            if (b instanceof Block.Reshape || b instanceof Block.Deconv) {
                throw new IllegalArgumentException("encoder block " + i + " is a " + b.type()
                        + " block; the encoder takes dense and conv blocks");
            }
            int joins = b instanceof Block.Dense ? label : 0;
            Layer l = layer("encoder block " + i, b, shape, joins);
            label -= joins;
            encoder.add(l);
            shape = l.out();
        }
        long latentIn = shape.size() + label;
        Layer latent = new Layer(new Block.Dense(2 * latentSize), Shape.flat(shape.size()), Shape.flat(latentSize),
                2 * (latentIn + 1) * latentSize, 2 * latentIn * latentSize, label);
        shape = Shape.flat(latentSize);
        List<Layer> decoder = new ArrayList<>();
        label = classes;
        for (int i = 0; i < decoderBlocks.size(); i++) {
            Block b = decoderBlocks.get(i);
            if (b instanceof Block.Conv) {
                throw new IllegalArgumentException("decoder block " + i
                        + " is a conv block; the decoder takes dense, reshape and deconv blocks");
            }
            if (label > 0 && !(b instanceof Block.Dense)) {
                throw new IllegalArgumentException("decoder block " + i + " is a " + b.type() + " block, but a "
                        + "conditional decoder starts with a dense block, which takes [z | y]");
            }
            Layer l = layer("decoder block " + i, b, shape, label);
            label = 0;
            decoder.add(l);
            shape = l.out();
        }
        int perDim = likelihood.parametersPerDimension();
        Layer output;
        if (head.isDeconv()) {
            OutputHead h = head;
            Block.Deconv b = new Block.Deconv(perDim * input.channels(), h.kernel(), h.stride(), h.padding());
            output = layer("the deconv outputHead", b, shape, 0);
            if (!input.spatial() || output.out().height() != input.height() || output.out().width() != input.width()) {
                throw new IllegalArgumentException("the decoder ends in " + output.out() + " but the data is " + input
                        + " (" + perDim + " output channel(s) per data channel); change the decoder blocks or the outputHead");
            }
        } else {
            output = layer("the dense outputHead", new Block.Dense(Math.toIntExact(perDim * input.size())), shape, label);
        }
        return new Architecture(input, List.copyOf(encoder), latent, List.copyOf(decoder), output, classes);
    }

    /** Every layer in order: encoder, latent, decoder, output. */
    public List<Layer> layers() {
        List<Layer> all = new ArrayList<>(encoder);
        all.add(latent);
        all.addAll(decoder);
        all.add(output);
        return all;
    }

    /** Whether any layer is a convolution or transposed convolution. */
    public boolean convolutional() {
        return layers().stream().anyMatch(l -> l.block() instanceof Block.Conv || l.block() instanceof Block.Deconv);
    }

    /**
     * Values one example occupies while the decoder runs in inference: every decoder layer's output, and for
     * transposed convolutions also their column buffer (outC·k²·h·w). Evaluation sizes its chunks of rows by it.
     */
    public long decoderValuesPerExample() {
        long values = latent.out().size();
        List<Layer> decoding = new ArrayList<>(decoder);
        decoding.add(output);
        for (Layer l : decoding) {
            values += l.out().size();
            if (l.block() instanceof Block.Deconv d) {
                values += (long) d.filters() * d.kernel() * d.kernel() * l.in().height() * l.in().width();
            }
        }
        return values;
    }

    /** Trainable parameters of the whole network. */
    public long parameters() {
        return layers().stream().mapToLong(Layer::parameters).sum();
    }

    /**
     * FLOP of one training example: 2 per multiply-add for each of the forward product, the weight gradient and the
     * input gradient (6 · MACs), the standard count for dense and convolution layers.
     */
    public double trainingFlopPerExample() {
        return 6.0 * layers().stream().mapToLong(Layer::macs).sum();
    }

    /** Whether the one-hot label is a second network input. */
    public boolean conditional() {
        return classes > 0;
    }

    private static Layer layer(String where, Block b, Shape in, int labelInputs) {
        if (b instanceof Block.Dense d) {
            long inputs = in.size() + labelInputs;
            return new Layer(d, in, Shape.flat(d.width()), (inputs + 1) * d.width(), inputs * d.width(), labelInputs);
        }
        if (b instanceof Block.Conv cv) {
            requireImage(where, cv, in);
            int h = convSide(where, in.height(), cv.kernel(), cv.stride(), cv.padding());
            int w = convSide(where, in.width(), cv.kernel(), cv.stride(), cv.padding());
            long k2 = (long) cv.kernel() * cv.kernel();
            return new Layer(cv, in, Shape.image(cv.filters(), h, w), (k2 * in.channels() + 1) * cv.filters(),
                    k2 * in.channels() * cv.filters() * h * w, 0);
        }
        if (b instanceof Block.Reshape r) {
            if (in.spatial() || in.size() != r.size()) {
                throw new IllegalArgumentException(where + " reshapes to " + r.channels() + "x" + r.height() + "x"
                        + r.width() + " = " + r.size() + " values but its input is " + in
                        + (in.spatial() ? " (already an image)" : ""));
            }
            return new Layer(r, in, Shape.image(r.channels(), r.height(), r.width()), 0, 0, 0);
        }
        Block.Deconv dc = (Block.Deconv) b;
        requireImage(where, dc, in);
        int h = (in.height() - 1) * dc.stride() + dc.kernel() - 2 * dc.padding();
        int w = (in.width() - 1) * dc.stride() + dc.kernel() - 2 * dc.padding();
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(where + " (deconv k" + dc.kernel() + " s" + dc.stride() + " p"
                    + dc.padding() + ") gives an empty output from " + in);
        }
        long k2 = (long) dc.kernel() * dc.kernel();
        return new Layer(dc, in, Shape.image(dc.filters(), h, w), (k2 * in.channels() + 1) * dc.filters(),
                k2 * in.channels() * dc.filters() * (long) in.height() * in.width(), 0);
    }

    private static void requireImage(String where, Block b, Shape in) {
        if (!in.spatial()) {
            throw new IllegalArgumentException(where + " is a " + b.type() + " block, which needs an image input "
                    + "[channels, height, width], but its input is flat (" + in + " values)"
                    + (b instanceof Block.Deconv ? "; put a reshape block before it" : "; give inputShape as [C, H, W]"));
        }
    }

    private static int convSide(String where, int in, int k, int s, int p) {
        int span = in + 2 * p - k;
        if (span < 0) {
            throw new IllegalArgumentException(where + " has kernel " + k + " larger than its padded input side "
                    + (in + 2 * p));
        }
        return span / s + 1;
    }
}
