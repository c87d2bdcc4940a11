package dev.erasure.ops;

/**
 * Where the service is in its life, as the health checks report it: started once the engine is
 * built, shutting down from the first shutdown signal, pool closed at the end. Thread-safe; the
 * flags only move forward.
 */
public final class ServiceState {

    private volatile String kernel = "none";
    private volatile boolean started;
    private volatile boolean shuttingDown;
    private volatile boolean poolClosed;

    /** The engine is built and running on {@code kernel}. */
    public void markStarted(String kernel) {
        this.kernel = kernel;
        this.started = true;
    }

    /** Shutdown has begun: readiness is DOWN from now on. Returns true for the first call only. */
    public synchronized boolean beginShutdown() {
        boolean first = !shuttingDown;
        shuttingDown = true;
        return first;
    }

    /** The native memory pool is closed: nothing can be coded any more. */
    public void markPoolClosed() {
        poolClosed = true;
    }

    public boolean isStarted() {
        return started;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    public boolean isPoolClosed() {
        return poolClosed;
    }

    /** Ready to take traffic: started, not shutting down, pool open. */
    public boolean isReady() {
        return started && !shuttingDown && !poolClosed;
    }

    /** The name of the kernel the engine runs on, {@code none} before start. */
    public String kernel() {
        return kernel;
    }
}
