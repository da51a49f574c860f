package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.state.SourceStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SourceGenerationTest {

    private static final List<String> TABLES = List.of("public.a", "public.b");

    @TempDir
    Path state;

    @Test
    void aNewSourceIsGenerationZeroWithNothingToDo() throws Exception {
        SourceGeneration g = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, TABLES);
        assertThat(g.generation()).isZero();
        assertThat(g.resetPending()).isEmpty();
        assertThat(g.sweepPending()).isEmpty();
        assertThat(SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, TABLES).generation()).isZero();
    }

    @Test
    void aStrategySwitchRaisesTheGenerationAndReadsAndSweepsEveryTable() throws Exception {
        SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, TABLES);
        SourceGeneration g = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.trigger, TABLES);
        assertThat(g.generation()).isEqualTo(1);
        assertThat(g.resetPending()).containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(g.sweepPending()).containsExactlyInAnyOrderElementsOf(TABLES);
        // Loaded again with the same strategy (a restart): no second raise.
        assertThat(SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.trigger, TABLES).generation()).isEqualTo(1);
    }

    @Test
    void aRepairRaisesTheGenerationForItsTablesAndTheWorkLeftSurvivesARestart() throws Exception {
        SourceGeneration g = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.timestamp, TABLES);
        g.raise(List.of("public.b"));
        g.resetDone("public.b");

        SourceGeneration again = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.timestamp, TABLES);
        assertThat(again.generation()).isEqualTo(1);
        assertThat(again.resetPending()).isEmpty();
        assertThat(again.sweepPending()).containsExactly("public.b");
        again.swept("public.b");
        assertThat(SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.timestamp, TABLES).sweepPending()).isEmpty();
    }

    @Test
    void tablesAddedSinceTheTablesWereRecordedAreNamedOnce() throws Exception {
        SourceGeneration g = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, TABLES);
        assertThat(g.addedTables(TABLES)).as("first start: the initial snapshot reads them").isEmpty();
        g.recordTables(TABLES);

        List<String> more = List.of("public.a", "public.b", "public.c");
        SourceGeneration again = SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, more);
        assertThat(again.addedTables(more)).containsExactly("public.c");
        again.recordTables(more);
        assertThat(SourceGeneration.load(SourceStates.inFolder(state, "src"), "src", CaptureStrategy.log, more).addedTables(more)).isEmpty();
    }
}
