package io.cdcflow.bench.stats;

import java.util.Arrays;

/** A growable array of long samples, cheaper than a list of boxed values for hundreds of thousands of records. */
public final class LongSamples {

    private long[] values = new long[1024];
    private int size;

    public void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    public int size() {
        return size;
    }

    /** A copy of the samples recorded so far. */
    public long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
