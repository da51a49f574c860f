package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;

/** Many clients registering at once: the same new schema gets one id, and versions stay a gapless sequence. */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class ConcurrencyIT {

    private static final int THREADS = 8;

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    private static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameNewSchemaInOneSubjectGetsOneIdAndOneVersion() throws Exception {
        String schema = "{'type':'object','properties':{'id':{'type':'integer'}}}";
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            tasks.add(() -> register("race-value", "JSON", schema));
        }
        assertThat(new HashSet<>(together(tasks))).hasSize(1);
        anonymous().get("/subjects/race-value/versions").then().body("", contains(1));
        assertThat(rows("select count(*) from registry_schema")).isEqualTo(1);
    }

    @Test
    void theSameNewSchemaInManySubjectsGetsOneId() throws Exception {
        String schema = "{'type':'record','name':'R','fields':[{'name':'f','type':'int'}]}";
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String subject = "race-" + i + "-value";
            tasks.add(() -> register(subject, null, schema));
        }
        Set<Integer> ids = new HashSet<>(together(tasks));
        assertThat(ids).hasSize(1);
        assertThat(rows("select count(*) from registry_schema")).isEqualTo(1);
        assertThat(rows("select count(*) from registry_subject_version where version = 1")).isEqualTo(THREADS);
    }

    @Test
    void differentSchemasInOneSubjectGetConsecutiveVersions() throws Exception {
        Api.level("many-value", "NONE");
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String schema = "{'type':'object','properties':{'f" + i + "':{'type':'integer'}}}";
            tasks.add(() -> register("many-value", "JSON", schema));
        }
        assertThat(new HashSet<>(together(tasks))).hasSize(THREADS);
        Integer[] expected = new Integer[THREADS];
        for (int i = 0; i < THREADS; i++) {
            expected[i] = i + 1;
        }
        anonymous().get("/subjects/many-value/versions").then().body("", contains(expected));
    }

    private static long rows(String sql) throws Exception {
        try (var c = RegistryStoreResource.connect(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
