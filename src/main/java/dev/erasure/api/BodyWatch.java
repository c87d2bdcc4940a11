package dev.erasure.api;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts off request bodies that arrive too slowly or take too long ({@code erasure.api.min-body-rate},
 * {@code body-rate-window}, {@code max-body-time}). One watch per event-loop thread: the exchanges
 * of that loop register while their body arrives, and one periodic timer of the loop checks them
 * every {@link #TICK_MILLIS} ms, so a request costs a set insertion and removal, not a timer of
 * its own. Everything runs on the owning event loop: no locks. When a check comes late (the loop
 * was busy, nothing was read), the delay is left out of the rate windows, so a server stall is
 * not blamed on its clients; the body time counts it.
 */
final class BodyWatch {

    /** Check period: the precision of both limits. */
    static final long TICK_MILLIS = 100;

    private static final ThreadLocal<BodyWatch> WATCHES = new ThreadLocal<>();

    /** A body being watched; the exchange answers 408 when {@link #check} says so. */
    interface Watched {
        /** Bytes received so far. */
        long bodyBytes();

        /** Called on the event loop when a limit is broken; the watch has already dropped it. */
        void tooSlow(String detail);
    }

    private final Set<Entry> entries = new LinkedHashSet<>();
    private long lastSweepNanos = System.nanoTime();

    private BodyWatch(Vertx vertx) {
        vertx.setPeriodic(TICK_MILLIS, id -> sweep());
    }

    /** Starts watching a body on the current event loop; call {@link Entry#stop()} when it ended. */
    static Entry watch(Vertx vertx, ApiLimits limits, Watched body) {
        BodyWatch watch = WATCHES.get();
        if (watch == null) {
            watch = new BodyWatch(vertx);
            WATCHES.set(watch);
        }
        Entry entry = new Entry(watch, limits, body, System.nanoTime());
        watch.entries.add(entry);
        return entry;
    }

    private void sweep() {
        long now = System.nanoTime();
        // A late tick means this event loop (or the whole process) was busy and read nothing
        // meanwhile: that time must not count against the clients' rate.
        long stall = now - lastSweepNanos - 2 * TICK_MILLIS * 1_000_000;
        lastSweepNanos = now;
        if (entries.isEmpty()) {
            return;
        }
        if (stall > 0) {
            entries.forEach(entry -> entry.windowStartNanos += stall);
        }
        List<Entry> broken = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (Entry entry : entries) {
            String detail = entry.check(now);
            if (detail != null) {
                broken.add(entry);
                details.add(detail);
            }
        }
        for (int i = 0; i < broken.size(); i++) {
            broken.get(i).stop();
            broken.get(i).body.tooSlow(details.get(i));
        }
    }

    /** One watched body. */
    static final class Entry {
        private final BodyWatch watch;
        private final ApiLimits limits;
        private final Watched body;
        private final long startNanos;
        private long windowStartNanos;
        private long windowStartBytes;

        private Entry(BodyWatch watch, ApiLimits limits, Watched body, long startNanos) {
            this.watch = watch;
            this.limits = limits;
            this.body = body;
            this.startNanos = startNanos;
            this.windowStartNanos = startNanos;
        }

        /** Stops watching (the body ended, or the request was answered or abandoned). Idempotent. */
        void stop() {
            watch.entries.remove(this);
        }

        /** Null while within the limits, else the detail of the 408. */
        String check(long now) {
            if (now - startNanos > limits.maxBodyTime().toNanos()) {
                return "the request body took longer than " + limits.maxBodyTime().toMillis()
                        + " ms to arrive (erasure.api.max-body-time); " + body.bodyBytes() + " bytes arrived";
            }
            long window = now - windowStartNanos;
            if (limits.minBodyBytesPerSecond() > 0 && window >= limits.bodyRateWindow().toNanos()) {
                long bytes = body.bodyBytes() - windowStartBytes;
                long rate = (long) (bytes * 1e9 / window);
                if (rate < limits.minBodyBytesPerSecond()) {
                    return "the request body arrived at " + rate + " bytes/s over the last " + window / 1_000_000
                            + " ms, slower than the minimum of " + limits.minBodyBytesPerSecond()
                            + " bytes/s (erasure.api.min-body-rate)";
                }
                windowStartNanos = now;
                windowStartBytes = body.bodyBytes();
            }
            return null;
        }
    }
}
