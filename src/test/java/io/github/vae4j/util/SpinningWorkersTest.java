package io.github.vae4j.util;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpinningWorkersTest {

    @Test
    void everyPartRunsExactlyOnceAndTheCallWaitsForAll() {
        try (SpinningWorkers w = new SpinningWorkers(1, "test", 1_000_000L)) {
            assertEquals(2, w.threads());
            for (int round = 0; round < 200; round++) {
                int parts = 1 + round % 9;
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                w.run(parts, i -> {
                    busyWork();
                    runs.incrementAndGet(i);
                });
                for (int i = 0; i < parts; i++) {
                    assertEquals(1, runs.get(i), "round " + round + " part " + i);
                }
            }
        }
    }

    @Test
    void theWorkerTakesPartsWhenItIsAwake() {
        try (SpinningWorkers w = new SpinningWorkers(1, "test", 50_000_000L)) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 100 && threads.size() < 2; round++) {
                w.run(8, i -> {
                    busyWork();
                    threads.add(Thread.currentThread().getName());
                });
            }
            assertTrue(threads.contains("test-1"), "parts ran on " + threads);
        }
    }

    @Test
    void withoutWorkersOrWhileBusyTheCallerRunsEverything() {
        try (SpinningWorkers none = new SpinningWorkers(0, "test", 0)) {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            none.run(5, i -> seen.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), seen);
        }
        try (SpinningWorkers w = new SpinningWorkers(1, "test", 1_000_000L)) {
            // a run inside a run (a product inside a parallel update, say) finds the workers busy and stays on its thread
            Set<Thread> inner = ConcurrentHashMap.newKeySet();
            w.run(2, outer -> {
                Thread me = Thread.currentThread();
                w.run(4, i -> {
                    if (Thread.currentThread() != me) {
                        inner.add(Thread.currentThread());
                    }
                });
            });
            assertTrue(inner.isEmpty(), "inner parts moved threads: " + inner);
        }
    }

    @Test
    void threadsMarkedAloneRunTheirPartsThemselves() {
        try (SpinningWorkers w = new SpinningWorkers(1, "test", 50_000_000L)) {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            SpinningWorkers.alone(() -> {
                for (int round = 0; round < 50; round++) {
                    w.run(8, i -> {
                        busyWork();
                        seen.add(Thread.currentThread());
                    });
                }
            });
            assertEquals(Set.of(Thread.currentThread()), seen);
        }
    }

    @Test
    void aFailureIsRethrownAfterAllPartsEnded() {
        try (SpinningWorkers w = new SpinningWorkers(1, "test", 1_000_000L)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(6);
            var e = assertThrows(IllegalStateException.class, () -> w.run(6, i -> {
                runs.incrementAndGet(i);
                if (i == 3) {
                    throw new IllegalStateException("part 3 failed");
                }
            }));
            assertEquals("part 3 failed", e.getMessage());
            for (int i = 0; i < 6; i++) {
                assertEquals(1, runs.get(i));
            }
            // and the workers are usable afterwards
            AtomicIntegerArray again = new AtomicIntegerArray(3);
            w.run(3, again::incrementAndGet);
            assertEquals(1, again.get(2));
        }
        assertThrows(IllegalArgumentException.class, () -> new SpinningWorkers(-1, "x", 0));
    }

    @Test
    void theSharedWorkersAreOneInstance() {
        assertSame(SpinningWorkers.shared(), SpinningWorkers.shared());
        assertTrue(SpinningWorkers.shared().threads() >= 1);
    }

    private static void busyWork() {
        double x = 0;
        for (int k = 0; k < 20_000; k++) {
            x += Math.sqrt(k);
        }
        if (x < 0) {
            throw new AssertionError();
        }
    }
}
