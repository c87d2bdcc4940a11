package dev.erasure.buffer;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared {@link Arena}s that scope the segments of checked {@link JobArena}s, grouped in
 * generations so that the price of closing one is paid once per group of jobs instead of once per
 * job.
 *
 * <p>Why: closing a shared arena makes the JVM handshake with every thread, to be sure that none is
 * reading one of its segments. With one shared arena per job, that handshake dominated the
 * service's cost for small requests (docs/engine.md, "Native memory").
 *
 * <p>How: an arena joins the current {@link Generation} with its first allocation. A generation
 * takes arenas until it is <em>sealed</em>: when it is {@link #maxAgeNanos} old, after
 * {@link #MAX_ARENAS} arenas, once the blocks parked in it reach its park limit, when the budget is
 * exhausted, or when the pool closes. The blocks of a freed arena are <em>parked</em> in its
 * generation, not reused; when a sealed generation's last arena is freed, its scope is closed (one
 * handshake) and the parked blocks go back to the pool. So a segment of a freed arena stays readable
 * only until then, and only ever shows its own job's bytes: memory is never handed to another job
 * while a segment of it may still be reached.
 *
 * <p>Bounds, so that a few long-lived arenas (slow uploads) cannot make the parked memory grow: an
 * arena whose first allocation is at least the private-scope size gets a generation of its own (a
 * big job's memory is never held back by another job), and while the pool's parked bytes are at or
 * above the fallback limit every new arena gets a generation of its own too (the cost of one
 * handshake per job, as without generations). Parked bytes count against the pool's budget.
 *
 * <p>Thread safe: every method takes this object's monitor; a generation handed out for closing is
 * touched by its closer only.
 */
final class SharedScopes {

    /**
     * Most arenas that share one scope: at 30,000 small requests/s, about 30 handshakes a second
     * (each costs some 0.05-0.3 ms of CPU across the closing thread, the VM thread and the others).
     */
    static final int MAX_ARENAS = 1024;

    /** One shared scope and the arenas it covers. Guarded by the enclosing {@link SharedScopes}. */
    static final class Generation {
        final Arena scope = Arena.ofShared();
        final long openedAt;
        /** Arenas that joined and are not freed yet. */
        int live;
        int joined;
        boolean sealed;
        final List<BlockCache.Block> parked = new ArrayList<>();
        long parkedBytes;

        Generation(long openedAt) {
            this.openedAt = openedAt;
        }
    }

    private final long parkLimitBytes;
    private final long privateScopeBytes;
    private final long fallbackParkedBytes;
    private final long maxAgeNanos;
    private Generation current;
    /** Sealed generations without a live arena, to be closed by the next {@link #takeClosable}. */
    private final List<Generation> closable = new ArrayList<>();
    /** Written under the monitor, read without it by the pool's budget check. */
    private volatile long parkedBytes;
    private boolean closed;
    /** Written under the monitor. */
    private volatile long closes;

    /**
     * @param parkLimitBytes a generation takes no new arena once its parked blocks reach this
     * @param privateScopeBytes a first allocation of at least this many bytes gets a scope of its own
     * @param fallbackParkedBytes while the pool's parked bytes reach this, new arenas get scopes of their own
     * @param maxAgeNanos a generation takes no new arena once it is this old
     */
    SharedScopes(long parkLimitBytes, long privateScopeBytes, long fallbackParkedBytes, long maxAgeNanos) {
        this.parkLimitBytes = parkLimitBytes;
        this.privateScopeBytes = privateScopeBytes;
        this.fallbackParkedBytes = fallbackParkedBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The generation that scopes an arena whose first allocation has {@code firstBytes} bytes. */
    synchronized Generation join(long firstBytes, long now) {
        Generation generation;
        if (firstBytes >= privateScopeBytes || parkedBytes >= fallbackParkedBytes || closed) {
            generation = new Generation(now);
            generation.sealed = true;
        } else {
            if (current != null && !current.sealed && now - current.openedAt >= maxAgeNanos) {
                seal(current);
            }
            if (current == null) {
                current = new Generation(now);
            }
            generation = current;
        }
        generation.live++;
        if (++generation.joined >= MAX_ARENAS) {
            seal(generation);
        }
        return generation;
    }

    /**
     * An arena of {@code generation} was freed: parks its blocks ({@code bytes} in all). Returns true
     * when the generation is sealed and that was its last arena: the caller must then close its scope
     * and give back its parked blocks ({@link #closed}); nobody else touches it any more.
     */
    synchronized boolean leave(Generation generation, List<BlockCache.Block> blocks, long bytes) {
        generation.parked.addAll(blocks);
        generation.parkedBytes += bytes;
        parkedBytes += bytes;
        generation.live--;
        if (generation.parkedBytes >= parkLimitBytes) {
            seal(generation);
        }
        if (generation.live > 0 || !generation.sealed) {
            return false;
        }
        closable.remove(generation); // sealed just now by the park limit: the caller closes it, not the reaper
        return true;
    }

    /**
     * Seals the current generation if it is {@code maxAge} old (or if {@code force}), and returns
     * every sealed generation that has no live arena left, for the caller to close. The pool calls it
     * periodically, so that the blocks of a quiet service do not stay parked.
     */
    synchronized List<Generation> takeClosable(long now, boolean force) {
        if (current != null && (force || now - current.openedAt >= maxAgeNanos)) {
            seal(current);
        }
        if (closable.isEmpty()) {
            return List.of();
        }
        List<Generation> taken = List.copyOf(closable);
        closable.clear();
        return taken;
    }

    /** The parked blocks of a generation returned by {@link #leave} or {@link #takeClosable} go back. */
    synchronized void closed(Generation generation) {
        parkedBytes -= generation.parkedBytes;
        closes++;
    }

    /** No new arena joins the current generation (the budget is exhausted: let parked blocks go back). */
    synchronized void sealCurrent() {
        if (current != null) {
            seal(current);
        }
    }

    /** The pool closes: no generation takes arenas any more. */
    synchronized void close() {
        closed = true;
        sealCurrent();
    }

    /** Bytes of freed arenas whose generation is not closed yet (no lock: the budget check reads it). */
    long parkedBytes() {
        return parkedBytes;
    }

    /** Scopes closed so far (one thread handshake each; no lock: a metric reads it). */
    long closes() {
        return closes;
    }

    private void seal(Generation generation) {
        if (generation.sealed) {
            return;
        }
        generation.sealed = true;
        if (current == generation) {
            current = null;
        }
        if (generation.live == 0) {
            closable.add(generation);
        }
    }
}
