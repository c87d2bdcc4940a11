package dev.erasure.job;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JobListener that lets a test wait for the next event (the worker's "I am done"). */
final class RecordingListener implements JobListener {

    record Finished(Operation op, Outcome outcome, long bytesCoded) {
    }

    record Rejected(Operation op, JobRejectedException.Reason reason) {
    }

    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final BlockingQueue<Rejected> rejected = new LinkedBlockingQueue<>();

    @Override
    public void jobFinished(Operation op, Outcome outcome, long nanos, long bytesCoded) {
        if (nanos < 0) {
            throw new AssertionError("negative job time " + nanos);
        }
        finished.add(new Finished(op, outcome, bytesCoded));
    }

    @Override
    public void jobRejected(Operation op, JobRejectedException.Reason reason) {
        rejected.add(new Rejected(op, reason));
    }

    /** Waits for the next finished job (the guard only stops a hung test; it measures nothing). */
    Finished nextFinished() throws InterruptedException {
        Finished event = finished.poll(30, TimeUnit.SECONDS);
        if (event == null) {
            fail("no job finished within the 30 s guard");
        }
        return event;
    }

    Rejected nextRejected() throws InterruptedException {
        Rejected event = rejected.poll(30, TimeUnit.SECONDS);
        if (event == null) {
            fail("no job rejected within the 30 s guard");
        }
        return event;
    }

    /** Events not yet taken. */
    int pendingFinished() {
        return finished.size();
    }
}
