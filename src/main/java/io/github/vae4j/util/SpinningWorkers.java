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
    /** Runs posted so far; a worker compares it with the last run it saw, and keeps no reference to old jobs. */
    private volatile long posted;
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
     * The process's workers, shared by the matrix products, the Adam pass and the convolution kernels (one run at a
     * time, so at most one set of threads spins): {@code -Dvae4j.threads=N} threads in all where set, else one per
     * core up to {@value #DEFAULT_MAX_THREADS}. Created on first use; the property is read then.
     */
    public static SpinningWorkers shared() {
        SpinningWorkers w = shared;
        if (w == null) {
            synchronized (SpinningWorkers.class) {
                w = shared;
                if (w == null) {
                    int threads = Integer.getInteger(THREADS_PROPERTY,
                            Math.min(DEFAULT_MAX_THREADS, Runtime.getRuntime().availableProcessors()));
                    if (threads < 1) {
                        throw new IllegalArgumentException(THREADS_PROPERTY + " must be >= 1, got " + threads);
                    }
                    w = new SpinningWorkers(threads - 1, "vae4j-worker", SPIN_NANOS);
                    shared = w;
                }
            }
        }
        return w;
    }

    /** System property: threads vae4j computes on, the caller's included. */
    public static final String THREADS_PROPERTY = "vae4j.threads";

    /**
     * Threads by default: one per core up to 4. vae4j's parallel runs have a few parts each (four column blocks of a
     * product, four Adam ranges), so more workers would only spin.
     */
    public static final int DEFAULT_MAX_THREADS = 4;

    /** How long an idle shared worker stays awake: longer than the gaps between the products of a training step. */
    static final long SPIN_NANOS = 2_000_000L;

    /** How long a worker spins without yielding after a run. */
    static final long HOT_NANOS = 100_000L;

    /** Threads that run their parts alone: they are themselves one of several threads computing in parallel. */
    private static final ThreadLocal<Boolean> ALONE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /**
     * Runs {@code body} with every run started on this thread executed on this thread alone: for code that already
     * keeps the cores busy with threads of its own (importance sampling runs one model copy per core), where the
     * workers would only compete with those threads.
     */
    public static void alone(Runnable body) {
        boolean before = ALONE.get();
        ALONE.set(Boolean.TRUE);
        try {
            body.run();
        } finally {
            ALONE.set(before);
        }
    }

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
        if (parts == 1 || workers.length == 0 || stopped || ALONE.get() || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) {
                task.accept(i);
            }
            return;
        }
        Job j = new Job(task, parts);
        try {
            job = j;
            posted++;
            for (Worker w : workers) {
                w.wake();
            }
            j.work();
            // a part still running is on a worker; if that worker lost its core, yielding may give it back
            for (int spins = 0; j.pending.get() > 0; spins++) {
                if (spins < 1000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
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
            long seen = 0;
            long idleSince = System.nanoTime();
            while (!stopped) {
                long now = posted;
                Job j = job;
                if (now != seen && j != null) {
                    seen = now;
                    j.work();
                    j = null;
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < HOT_NANOS) {
                    // just after a run the next one usually follows within microseconds (the next product of a step)
                    Thread.onSpinWait();
                } else if (System.nanoTime() - idleSince < spinNanos) {
                    // then yield, not just spin: a thread that needs a core (the JIT compiler, the garbage collector,
                    // the data thread) gets this one instead of preempting the caller
                    Thread.yield();
                } else {
                    parked = true;
                    if (posted == seen || job == null) {
                        LockSupport.parkNanos(this, 50_000_000L);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
