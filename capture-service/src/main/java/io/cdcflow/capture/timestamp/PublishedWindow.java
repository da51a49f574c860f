package io.cdcflow.capture.timestamp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One table's watermark and the row states published within the overlap window below it: per (timestamp, key), the
 * digest of the last state published, grouped by timestamp, so that a poll asks "published already?" in constant
 * time and the entries that fall out of the window are dropped in time proportional to their number (a bulk load can
 * put hundreds of thousands of rows on one timestamp). A state is new when its digest differs from the one published
 * for its (timestamp, key): a row changed twice within one tick of a coarse timestamp column is published twice.
 * Converts to and from the stored {@link WatermarkStore.TableWatermark}.
 */
final class PublishedWindow {

    private final TreeMap<Long, Map<String, String>> byTimestamp = new TreeMap<>();
    private long watermarkUs;
    private int size;

    static PublishedWindow of(WatermarkStore.TableWatermark stored) {
        PublishedWindow w = new PublishedWindow();
        w.watermarkUs = stored.watermarkUs();
        for (String entry : stored.published()) {
            int bar = entry.indexOf('|');
            int hash = entry.lastIndexOf('#');
            // Entries saved before digests were kept ("ts|key") match no digest: their rows are published once more.
            String key = hash > bar ? entry.substring(bar + 1, hash) : entry.substring(bar + 1);
            w.add(Long.parseLong(entry.substring(0, bar)), key, hash > bar ? entry.substring(hash + 1) : "");
        }
        return w;
    }

    long watermarkUs() {
        return watermarkUs;
    }

    /** True when this very state (same digest) of the row was the last one published at this timestamp. */
    boolean contains(long tsUs, String key, String digest) {
        Map<String, String> keys = byTimestamp.get(tsUs);
        return keys != null && digest.equals(keys.get(key));
    }

    /** Records a published row state and moves the watermark up to its timestamp. */
    void add(long tsUs, String key, String digest) {
        if (byTimestamp.computeIfAbsent(tsUs, t -> new HashMap<>()).put(key, digest) == null) {
            size++;
        }
        watermarkUs = Math.max(watermarkUs, tsUs);
    }

    /** Forgets the rows below {@code watermark - overlapUs}: a poll never reads that far back again. */
    void dropOutside(long overlapUs) {
        Map<Long, Map<String, String>> old = byTimestamp.headMap(watermarkUs - overlapUs, false);
        old.values().forEach(keys -> size -= keys.size());
        old.clear();
    }

    int size() {
        return size;
    }

    WatermarkStore.TableWatermark stored() {
        Set<String> published = new HashSet<>(size * 2);
        byTimestamp.forEach((ts, keys) -> keys.forEach((k, digest) -> published.add(ts + "|" + k + "#" + digest)));
        return new WatermarkStore.TableWatermark(watermarkUs, published);
    }
}
