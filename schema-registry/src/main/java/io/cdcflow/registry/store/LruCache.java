package io.cdcflow.registry.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A small thread-safe least-recently-used map; the registry's schemas are immutable, so entries never go stale. */
final class LruCache<K, V> {

    private final Map<K, V> map;

    LruCache(int maxEntries) {
        this.map = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    synchronized Optional<V> get(K key) {
        return Optional.ofNullable(map.get(key));
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    synchronized void removeAll(Collection<K> keys) {
        keys.forEach(map::remove);
    }

    synchronized void clear() {
        map.clear();
    }

    synchronized int size() {
        return map.size();
    }
}
