package io.github.vae4j.util;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a short computation (the column blocks of one matrix product, the ranges of one Adam pass) on the
 * calling thread and on worker threads that stay awake between parts: {@link #run} executes task(i) for i = 0 …
 * parts−1 and returns when all are done. Parts are claimed, not assigned: the caller and every worker take the next
 * unclaimed part until none is left. A worker that the operating system has descheduled (the JIT compiler, the garbage
 * collector or the data thread needs a core too) claims nothing, and the caller runs its parts instead; so a run is
 * never slower than the caller alone by more than one part's wait, and the result cannot depend on who ran what as
 * long as the parts write disjoint outputs.
 *
 * <p>Why not an {@code ExecutorService}: the parts take 0.1–1 ms, and waking a parked thread took 0.15–1 ms on the
 * 2-core reference machine (a virtual machine: waking an idle virtual CPU goes through the hypervisor;
 * docs/performance.md). A worker here spins for {@code spinNanos} after its last part, so the next run finds it awake,
 * and parks when work pauses for longer.
 *
 * <p>One run at a time: a run started while another is in flight (say, from another thread) runs all its parts on
 * its own thread.
 */
public final class SpinningWorkers implements AutoCloseable {

    private static volatile SpinningWorkers shared;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean stopped;

    /** One run: its parts, the next unclaimed one, and the count still running or unclaimed. */
    private static final class Job {
        final IntConsumer task;
        final int parts;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(IntConsumer task, int parts) {
            this.task = task;
            this.parts = parts;
            this.pending = new AtomicInteger(parts);
        }

        /** Claims and runs parts until none is left. */
        void work() {
            for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    /**
     * @param count     worker threads besides the caller (≥ 0)
     * @param spinNanos how long an idle worker spins before it parks
     */
    public SpinningWorkers(int count, String name, long spinNanos) {
        if (count < 0) {
            throw new IllegalArgumentException("worker count must be >= 0, got " + count);
        }
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(spinNanos);
            Thread t = new Thread(workers[i], name + "-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /**
     * The process's workers, shared by the sharded training step and the matrix products (one run at a time, so at
     * most one set of threads spins): {@code -Dvae4j.threads=N} threads in all where set, else one per core. Created
     * on first use; the property is read then.
     */
    public static SpinningWorkers shared() {
        SpinningWorkers w = shared;
        if (w == null) {
            synchronized (SpinningWorkers.class) {
                w = shared;
                if (w == null) {
                    int threads = Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
                    if (threads < 1) {
                        throw new IllegalArgumentException(THREADS_PROPERTY + " must be >= 1, got " + threads);
                    }
                    w = new SpinningWorkers(threads - 1, "vae4j-worker", 2_000_000L);
                    shared = w;
                }
            }
        }
        return w;
    }

    /** System property: threads vae4j computes on, the caller's included. */
    public static final String THREADS_PROPERTY = "vae4j.threads";

    /** Threads a run can use: the workers and the caller. */
    public int threads() {
        return workers.length + 1;
    }

    /**
     * Runs task(i) for i = 0 … parts−1 and waits for all; the parts must write disjoint outputs. A failure is rethrown
     * after every part has ended.
     */
    public void run(int parts, IntConsumer task) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1, got " + parts);
        }
        if (parts == 1 || workers.length == 0 || stopped || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) {
                task.accept(i);
            }
            return;
        }
        Job j = new Job(task, parts);
        try {
            job = j;
            for (Worker w : workers) {
                w.wake();
            }
            j.work();
            while (j.pending.get() > 0) {
                Thread.onSpinWait();
            }
        } finally {
            job = null;
            busy.set(false);
        }
        Throwable failure = j.failure;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void close() {
        stopped = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        private final long spinNanos;
        private Thread thread;
        private volatile boolean parked;

        Worker(long spinNanos) {
            this.spinNanos = spinNanos;
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            Job last = null;
            long idleSince = System.nanoTime();
            while (!stopped) {
                Job j = job;
                if (j != null && j != last) {
                    last = j;
                    j.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < spinNanos) {
                    // yield, not just spin: a thread that needs a core (the JIT compiler, the garbage collector, the
                    // data thread) gets this one instead of preempting the caller
                    Thread.yield();
                } else {
                    parked = true;
                    Job now = job;
                    if (now == null || now == last) {
                        LockSupport.parkNanos(this, 50_000_000L);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
