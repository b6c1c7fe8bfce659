package io.github.vae4j.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidentMemoryGuardTest {

    @Test
    void parsesByteCountsWithSuffixes() {
        assertEquals(3L << 30, ResidentMemoryGuard.parseBytes("3g"));
        assertEquals(512L << 20, ResidentMemoryGuard.parseBytes("512M"));
        assertEquals(1024L << 10, ResidentMemoryGuard.parseBytes("1024k"));
        assertEquals(123456L, ResidentMemoryGuard.parseBytes(" 123456 "));
        for (String bad : new String[] {"", "g", "3x", "-1g", "1.5g", "99999999999999999g"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ResidentMemoryGuard.parseBytes(bad), bad);
            assertTrue(e.getMessage().contains(ResidentMemoryGuard.LIMIT_PROPERTY) && e.getMessage().contains(bad),
                    e.getMessage());
        }
    }

    @Test
    void collectsWhenResidentMemoryIsAboveTheLimit() throws Exception {
        // any running JVM is above 1 MB resident: the guard must ask for collections within a few periods
        try (ResidentMemoryGuard low = ResidentMemoryGuard.start(1L << 20);
             ResidentMemoryGuard high = ResidentMemoryGuard.start(Long.MAX_VALUE)) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (low.collections() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(ResidentMemoryGuard.PERIOD_MS);
            }
            Thread.sleep(3 * ResidentMemoryGuard.PERIOD_MS);
            assertTrue(low.collections() > 0, "no collection requested");
            assertEquals(0, high.collections(), "collections under the limit");
        }
    }
}
