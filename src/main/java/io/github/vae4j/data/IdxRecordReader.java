package io.github.vae4j.data;

import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A DataVec {@link org.datavec.api.records.reader.RecordReader} for IDX files (the MNIST format): an images file
 * (magic 0x00000803: count, rows, cols, then bytes) and optionally a labels file (magic 0x00000801: count, then
 * bytes), gzip-compressed or raw, read as a stream one image at a time.
 *
 * <p>Initialize it with an {@link InputSplit} of one or two locations (images, and labels; the order is found from
 * the magic numbers). Each record is {@code [NDArrayWritable pixels [1, rows·cols] in 0..255, IntWritable label]}
 * (the label is absent without a labels file), the layout {@code RecordReaderDataSetIterator(reader, batch, 1, 10)}
 * expects. Headers are validated at initialization (magic, dimensions, matching counts); truncated data fails on
 * the record that is missing. Every error names the file.
 */
public class IdxRecordReader extends BaseRecordReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private URI imagesUri;
    private URI labelsUri;
    private DataInputStream images;
    private DataInputStream labels;
    private int count;
    private int rows;
    private int cols;
    private int cursor;
    private byte[] buffer;
    private Configuration conf;

    @Override
    public void initialize(InputSplit split) throws IOException {
        URI[] locations = split.locations();
        if (locations.length < 1 || locations.length > 2) {
            throw new DataFormatException("IDX reader needs 1 or 2 files (images, labels), got " + locations.length);
        }
        imagesUri = null;
        labelsUri = null;
        for (URI uri : locations) {
            int magic;
            try (DataInputStream in = open(uri)) {
                magic = readHeaderInt(in, uri, "magic number");
            }
            if (magic == IMAGES_MAGIC && imagesUri == null) {
                imagesUri = uri;
            } else if (magic == LABELS_MAGIC && labelsUri == null) {
                labelsUri = uri;
            } else {
                throw new DataFormatException(name(uri) + ": bad IDX magic number 0x" + String.format("%08x", magic)
                        + " (expected 0x00000803 for images or 0x00000801 for labels)");
            }
        }
        if (imagesUri == null) {
            throw new DataFormatException("IDX reader: no images file (magic 0x00000803) among " + List.of(locations));
        }
        openStreams();
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) throws IOException {
        this.conf = conf;
        initialize(split);
    }

    private void openStreams() throws IOException {
        closeStreams();
        images = open(imagesUri);
        readHeaderInt(images, imagesUri, "magic number");
        count = readHeaderInt(images, imagesUri, "image count");
        rows = readHeaderInt(images, imagesUri, "row count");
        cols = readHeaderInt(images, imagesUri, "column count");
        if (count < 0 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 24) {
            throw new DataFormatException(name(imagesUri) + ": invalid IDX dimensions count=" + count + " rows=" + rows
                    + " cols=" + cols);
        }
        if (labelsUri != null) {
            labels = open(labelsUri);
            readHeaderInt(labels, labelsUri, "magic number");
            int labelCount = readHeaderInt(labels, labelsUri, "label count");
            if (labelCount != count) {
                throw new DataFormatException("IDX count mismatch: " + name(imagesUri) + " has " + count + " images but "
                        + name(labelsUri) + " has " + labelCount + " labels");
            }
        }
        buffer = new byte[rows * cols];
        cursor = 0;
    }

    /** Number of images in the file (from its header). */
    public int count() {
        return count;
    }

    /** Image height (rows). */
    public int rows() {
        return rows;
    }

    /** Image width (columns). */
    public int cols() {
        return cols;
    }

    /** Pixels per image (rows · cols). */
    public int imageSize() {
        return rows * cols;
    }

    public boolean hasLabels() {
        return labelsUri != null;
    }

    @Override
    public List<Writable> next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more images in " + name(imagesUri));
        }
        List<Writable> record = new ArrayList<>(2);
        try {
            images.readFully(buffer);
        } catch (EOFException e) {
            throw new DataFormatException(name(imagesUri) + " is truncated: header says " + count + " images of "
                    + rows + "x" + cols + ", data ends in image " + (cursor + 1));
        } catch (IOException e) {
            throw new DataFormatException(name(imagesUri) + ": read failed at image " + (cursor + 1) + ": "
                    + (e instanceof java.util.zip.ZipException ? "corrupt gzip data, " : "") + e.getMessage(), e);
        }
        float[] pixels = new float[buffer.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = buffer[i] & 0xff;
        }
        record.add(new NDArrayWritable(Nd4j.create(pixels, new long[] {1, pixels.length})));
        if (labels != null) {
            int label;
            try {
                label = labels.readUnsignedByte();
            } catch (EOFException e) {
                throw new DataFormatException(name(labelsUri) + " is truncated: header says " + count
                        + " labels, data ends at label " + (cursor + 1));
            } catch (IOException e) {
                throw new DataFormatException(name(labelsUri) + ": read failed: " + e.getMessage(), e);
            }
            record.add(new IntWritable(label));
        }
        cursor++;
        invokeListeners(record);
        return record;
    }

    @Override
    public boolean hasNext() {
        return images != null && cursor < count;
    }

    @Override
    public List<String> getLabels() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    @Override
    public void reset() {
        try {
            openStreams();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen " + name(imagesUri), e);
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean batchesSupported() {
        return false;
    }

    @Override
    public List<List<Writable>> next(int num) {
        List<List<Writable>> out = new ArrayList<>(num);
        while (out.size() < num && hasNext()) {
            out.add(next());
        }
        return out;
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("IdxRecordReader reads whole IDX files; use initialize(InputSplit)");
    }

    @Override
    public Record nextRecord() {
        int index = cursor;
        List<Writable> r = next();
        return new org.datavec.api.records.impl.Record(r, new RecordMetaDataIndex(index, imagesUri, IdxRecordReader.class));
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        throw new UnsupportedOperationException("IdxRecordReader is sequential; random access is not supported");
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        throw new UnsupportedOperationException("IdxRecordReader is sequential; random access is not supported");
    }

    @Override
    public void close() throws IOException {
        closeStreams();
    }

    private void closeStreams() throws IOException {
        if (images != null) {
            images.close();
            images = null;
        }
        if (labels != null) {
            labels.close();
            labels = null;
        }
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    private static DataInputStream open(URI uri) throws IOException {
        InputStream raw;
        try {
            raw = uri.toURL().openStream();
        } catch (IOException e) {
            throw new DataFormatException("cannot open IDX file " + name(uri) + ": " + e.getMessage(), e);
        }
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 != 0x1f || b2 != 0x8b) {
            return new DataInputStream(in);
        }
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16));
        } catch (IOException e) {
            in.close();
            throw new DataFormatException(name(uri) + ": corrupt gzip data (" + (e.getMessage() == null
                    ? "the gzip header ends early" : e.getMessage()) + ")", e);
        }
    }

    private static int readHeaderInt(DataInputStream in, URI uri, String what) {
        try {
            return in.readInt();
        } catch (IOException e) {
            throw new DataFormatException(name(uri) + ": truncated IDX header (cannot read " + what + ")");
        }
    }

    static String name(URI uri) {
        String s = uri.toString();
        return s.startsWith("file:") ? java.nio.file.Path.of(uri).toString() : s;
    }
}
