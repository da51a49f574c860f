package io.cdcflow.capture.timestamp;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One table's watermark and the rows published within the overlap window below it, as (timestamp, key) pairs
 * grouped by timestamp, so that a poll asks "published already?" in constant time and the pairs that fall out of
 * the window are dropped in time proportional to their number (a bulk load can put hundreds of thousands of rows
 * on one timestamp). Converts to and from the stored {@link WatermarkStore.TableWatermark}.
 */
final class PublishedWindow {

    private final TreeMap<Long, Set<String>> byTimestamp = new TreeMap<>();
    private long watermarkUs;
    private int size;

    static PublishedWindow of(WatermarkStore.TableWatermark stored) {
        PublishedWindow w = new PublishedWindow();
        w.watermarkUs = stored.watermarkUs();
        for (String entry : stored.published()) {
            int bar = entry.indexOf('|');
            w.add(Long.parseLong(entry.substring(0, bar)), entry.substring(bar + 1));
        }
        return w;
    }

    long watermarkUs() {
        return watermarkUs;
    }

    boolean contains(long tsUs, String key) {
        Set<String> keys = byTimestamp.get(tsUs);
        return keys != null && keys.contains(key);
    }

    /** Records a published row and moves the watermark up to its timestamp. */
    void add(long tsUs, String key) {
        if (byTimestamp.computeIfAbsent(tsUs, t -> new HashSet<>()).add(key)) {
            size++;
        }
        watermarkUs = Math.max(watermarkUs, tsUs);
    }

    /** Forgets the rows below {@code watermark - overlapUs}: a poll never reads that far back again. */
    void dropOutside(long overlapUs) {
        Map<Long, Set<String>> old = byTimestamp.headMap(watermarkUs - overlapUs, false);
        old.values().forEach(keys -> size -= keys.size());
        old.clear();
    }

    int size() {
        return size;
    }

    WatermarkStore.TableWatermark stored() {
        Set<String> published = new HashSet<>(size * 2);
        byTimestamp.forEach((ts, keys) -> keys.forEach(k -> published.add(ts + "|" + k)));
        return new WatermarkStore.TableWatermark(watermarkUs, published);
    }
}
