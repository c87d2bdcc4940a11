package dev.erasure.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The admission of requests while the service stops: tickets, the close, the wait and the abort. */
class AdmissionTest {

    private final Admission admission = new Admission();

    @Test
    void open_admitsAndCountsUntilReleased() {
        Admission.Ticket first = admission.enter();
        Admission.Ticket second = admission.enter();

        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(admission.inProgress()).isEqualTo(2);
        assertThat(first.stopping()).isFalse();

        first.release();
        first.release();
        assertThat(admission.inProgress()).isEqualTo(1);
    }

    @Test
    void closed_refusesNewRequests_butAdmittedOnesKeepTheirTicketAndSeeTheStop() {
        Admission.Ticket admitted = admission.enter();

        admission.close();

        assertThat(admission.isOpen()).isFalse();
        assertThat(admission.enter()).isNull();
        assertThat(admission.inProgress()).isEqualTo(1);
        assertThat(admitted.stopping()).isTrue();
    }

    @Test
    void awaitIdle_returnsWhenTheLastTicketIsReleased_orFalseAtTheTimeout() throws Exception {
        Admission.Ticket admitted = admission.enter();
        admission.close();

        assertThat(admission.awaitIdle(Duration.ofMillis(20))).isFalse();

        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            admitted.release();
        });
        assertThat(admission.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(admission.inProgress()).isZero();
    }

    @Test
    void abortAll_runsEachHeldTicketsCallbackOnce_notTheReleasedOnes() {
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger releasedOnesAborted = new AtomicInteger();
        Admission.Ticket held = admission.enter();
        held.onAbort(aborted::incrementAndGet);
        Admission.Ticket done = admission.enter();
        done.onAbort(releasedOnesAborted::incrementAndGet);
        done.release();

        assertThat(admission.abortAll()).isEqualTo(1);
        admission.abortAll();

        assertThat(aborted).hasValue(1);
        assertThat(releasedOnesAborted).hasValue(0);
    }

    @Test
    void onAbort_setAfterTheAbort_runsAtOnce() {
        Admission.Ticket late = admission.enter();
        admission.abortAll();
        List<String> calls = new ArrayList<>();

        late.onAbort(() -> calls.add("aborted"));

        assertThat(calls).containsExactly("aborted");
    }

    @Test
    void abortAll_aFailingCallback_stillTellsTheOthers() {
        AtomicInteger told = new AtomicInteger();
        admission.enter().onAbort(() -> {
            throw new IllegalStateException("boom");
        });
        admission.enter().onAbort(told::incrementAndGet);
        admission.enter().onAbort(told::incrementAndGet);

        try {
            admission.abortAll();
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("boom");
        }

        assertThat(told).hasValue(2);
    }

    @Test
    void enterRacingClose_isEitherRefusedOrSeenByTheWait() throws Exception {
        for (int round = 0; round < 200; round++) {
            Admission racing = new Admission();
            List<Admission.Ticket> taken = new ArrayList<>();
            Thread entering = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    Admission.Ticket ticket = racing.enter();
                    if (ticket != null) {
                        synchronized (taken) {
                            taken.add(ticket);
                        }
                    }
                }
            });
            racing.close();
            entering.join();
            assertThat(racing.inProgress()).isEqualTo(taken.size());
        }
    }
}
