package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the heap counts as exhausted: after an OutOfMemoryError for a while, or while a pool stays full after collections. */
class HeapGuardTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void outOfMemory_holdsForTenSeconds() {
        HeapGuard guard = new HeapGuard(List.of(), now::get);
        assertThat(guard.exhaustion()).isNull();

        guard.outOfMemory();
        assertThat(guard.exhaustion()).contains("OutOfMemoryError");

        now.addAndGet(HeapGuard.OOM_HOLD_NANOS);
        assertThat(guard.exhaustion()).isNull();
    }

    @Test
    void poolFullAfterItsLastCollectionAndNow_isExhausted_garbageAloneIsNot() {
        assertThat(new HeapGuard(List.of(pool(990, 990)), now::get).exhaustion()).contains("'old'");
        assertThat(new HeapGuard(List.of(pool(990, 400)), now::get).exhaustion()).as("collected since").isNull();
        assertThat(new HeapGuard(List.of(pool(500, 990)), now::get).exhaustion()).as("garbage only").isNull();
    }

    /** A heap pool of max 1000 bytes with the given use after its last collection and now. */
    private static MemoryPoolMXBean pool(long afterGc, long current) {
        return (MemoryPoolMXBean) Proxy.newProxyInstance(HeapGuardTest.class.getClassLoader(),
                new Class<?>[] {MemoryPoolMXBean.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> "old";
                    case "getCollectionUsage" -> new MemoryUsage(0, afterGc, 1000, 1000);
                    case "getUsage" -> new MemoryUsage(0, current, 1000, 1000);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
