package io.github.vae4j.model;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A named per-thread ND4J workspace for evaluation loops whose temporaries are garbage after each iteration: open
 * it around one iteration (its memory is reused by the next), release it when the loop ends. Arrays allocated
 * outside workspaces are freed only when Java's GC runs, which on long evaluations means gigabytes of native
 * memory waiting for a collection.
 */
public final class ScratchWorkspace {

    static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.1).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).policySpill(SpillPolicy.REALLOCATE).build();

    private ScratchWorkspace() {
    }

    /** Activates the workspace {@code name} of this thread for one iteration (close the result to end it). */
    public static MemoryWorkspace open(String name) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, name);
    }

    /** Frees every workspace of the calling thread (for worker threads that end). */
    public static void releaseAll() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }

    /** Frees this thread's workspace {@code name}. */
    public static void release(String name) {
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(name));
    }
}
