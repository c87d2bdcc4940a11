package dev.erasure.job;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which requests may still start coding work while the service stops. A request takes a
 * {@link Ticket} when it starts and gives it back once its response is written or its connection
 * is gone; while it holds the ticket it may submit jobs until the drain deadline, even after
 * admission has closed. Once {@link #close()} ran, {@link #enter()} admits nothing: the request is
 * answered 503 at once. At the drain deadline {@link #abortAll()} tells every request still holding
 * a ticket to end now (streams end with their final problem part).
 *
 * <p>Thread-safe. {@link #enter()} and {@link #close()} are ordered so that a ticket taken
 * concurrently with the close is either refused or seen by {@link #awaitIdle}.
 */
public final class Admission {

    /** One admitted request's hold on the service. Released once; later releases do nothing. */
    public final class Ticket {
        private Runnable onAbort;
        private boolean aborted;
        private boolean released;

        private Ticket() {
        }

        /**
         * What to run if the drain deadline passes while the request still holds the ticket; runs at
         * once if that already happened. The callback runs on the thread that aborts and must hop to
         * the request's own thread itself.
         */
        public void onAbort(Runnable callback) {
            boolean now;
            synchronized (this) {
                onAbort = callback;
                now = aborted && !released;
            }
            if (now) {
                callback.run();
            }
        }

        /** True once admission has closed: answers should say {@code Connection: close}. */
        public boolean stopping() {
            return closed;
        }

        /** The request is done (response written or connection gone). Idempotent. */
        public void release() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            open.remove(this);
            signal();
        }

        private void abort() {
            Runnable callback;
            synchronized (this) {
                if (aborted || released) {
                    return;
                }
                aborted = true;
                callback = onAbort;
            }
            if (callback != null) {
                callback.run();
            }
        }
    }

    private final Set<Ticket> open = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile boolean closed;

    /** A ticket for a request starting now, or null when admission has closed (answer 503). */
    public Ticket enter() {
        if (closed) {
            return null;
        }
        Ticket ticket = new Ticket();
        open.add(ticket);
        if (closed) {
            // close() ran meanwhile and awaitIdle() may not have seen this ticket: refuse it.
            open.remove(ticket);
            signal();
            return null;
        }
        return ticket;
    }

    /** False once {@link #close()} ran. */
    public boolean isOpen() {
        return !closed;
    }

    /** Admits no new request from now on; admitted ones keep their tickets. Idempotent. */
    public void close() {
        closed = true;
    }

    /** Requests holding a ticket now. */
    public int inProgress() {
        return open.size();
    }

    /** Waits until no request holds a ticket; true if that happened within {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Runs the abort callback of every ticket still held (once per ticket); returns how many. */
    public int abortAll() {
        List<Ticket> held = List.copyOf(open);
        RuntimeException first = null;
        for (Ticket ticket : held) {
            try {
                ticket.abort();
            } catch (RuntimeException e) {
                first = first == null ? e : first; // every ticket is still told
            }
        }
        if (first != null) {
            throw first;
        }
        return held.size();
    }

    private void signal() {
        synchronized (idle) {
            idle.notifyAll();
        }
    }
}
