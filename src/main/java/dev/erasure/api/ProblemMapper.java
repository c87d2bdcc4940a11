package dev.erasure.api;

import dev.erasure.buffer.MemoryBudgetExceededException;
import dev.erasure.codec.CodingCancelledException;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.ShardSizeMismatchException;
import dev.erasure.codec.TooFewShardsException;
import dev.erasure.codec.UncorrectableShardsException;
import dev.erasure.codec.CorrectionUnsupportedException;
import dev.erasure.job.JobDeadlineExceededException;
import dev.erasure.job.JobRejectedException;
import dev.erasure.job.JobSettings;
import dev.erasure.job.Operation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The one place where exceptions become HTTP problems. Client mistakes (the HTTP layer's
 * {@link ApiException}s and the codec's typed exceptions) map to 4xx with their message as detail;
 * overload, deadlines and shutdown map to 503 with {@code Retry-After}; anything else is a 500
 * whose detail reveals nothing and whose stack goes to the log.
 *
 * <p>Every problem answered is counted in {@code erasure.requests.refused{status, reason}}, the
 * reason being the problem type's last segment ({@code invalid-parameter}, {@code body-too-large},
 * {@code overloaded}, ...), so an operator sees why requests are turned away without reading logs.
 */
@ApplicationScoped
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final int retryAfterSeconds;
    private final MeterRegistry registry;
    private final RequestEvents events;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    @Inject
    public ProblemMapper(JobSettings settings, MeterRegistry registry, RequestEvents events) {
        this(settings.retryAfterSeconds(), registry, events);
    }

    ProblemMapper(int retryAfterSeconds) {
        this(retryAfterSeconds, new SimpleMeterRegistry());
    }

    ProblemMapper(int retryAfterSeconds, MeterRegistry registry) {
        this(retryAfterSeconds, registry, RequestEvents.NONE);
    }

    ProblemMapper(int retryAfterSeconds, MeterRegistry registry, RequestEvents events) {
        this.retryAfterSeconds = retryAfterSeconds;
        this.registry = registry;
        this.events = events;
    }

    /** Where refusals before a job and abandoned requests are reported (the metrics of ops). */
    RequestEvents events() {
        return events;
    }

    /**
     * {@link #map(Throwable)} for a request of {@code op} (null for echo): a 503 that no job
     * service saw (the native budget ran out while the body was read, the pool is closed) is also
     * reported as a rejection of {@code op}, like the job service reports a full queue.
     */
    public Problem map(Throwable failure, Operation op) {
        if (op != null) {
            if (failure instanceof MemoryBudgetExceededException) {
                events.rejected(op, JobRejectedException.Reason.MEMORY_BUDGET);
            } else if (failure instanceof ApiException e && e.kind() == ApiException.Kind.SHUTTING_DOWN) {
                events.rejected(op, JobRejectedException.Reason.SHUTTING_DOWN);
            }
        }
        return map(failure);
    }

    /**
     * Maps any failure of a request to the problem answered to the client and counts it in
     * {@code erasure.requests.refused}. Thread-safe.
     */
    public Problem map(Throwable failure) {
        return count(problemOf(failure));
    }

    /** Counts a problem answered without a failure behind it (the request-head filter's) and returns it. */
    Problem count(Problem problem) {
        String reason = problem.type().substring(problem.type().lastIndexOf('/') + 1);
        refused.computeIfAbsent(problem.status() + " " + reason, key -> Counter.builder("erasure.requests.refused")
                .description("Requests answered with a problem (4xx, 503, 500), by status and problem type")
                .tags("status", Integer.toString(problem.status()), "reason", reason).register(registry)).increment();
        return problem;
    }

    private Problem problemOf(Throwable failure) {
        return switch (failure) {
            case ApiException e -> clientOrStopping(e);
            case InvalidShapeException e -> Problem.of("invalid-parameter", "Invalid parameter", 400, e.getMessage());
            case ShardSizeMismatchException e -> Problem.of("invalid-shard-set", "Invalid shard set", 400, e.getMessage());
            case TooFewShardsException e -> Problem.of("too-few-shards", "Too few usable shards", 422, e.getMessage());
            case UncorrectableShardsException e -> Problem.of("uncorrectable-shards", "Too many corrupted shards", 422,
                    e.getMessage());
            case CorrectionUnsupportedException e -> Problem.of("correction-unsupported", "Correction not supported",
                    400, e.getMessage());
            case JobRejectedException e -> Problem.of(rejectionSlug(e.reason()), "Service unavailable", 503,
                    e.getMessage()).withRetryAfter(e.retryAfterSeconds());
            case MemoryBudgetExceededException e -> Problem.of("overloaded", "Service unavailable", 503,
                    budgetDetail(e)).withRetryAfter(retryAfterSeconds);
            case HeapExhaustedException e -> Problem.of("overloaded", "Service unavailable", 503,
                    e.getMessage()).withRetryAfter(retryAfterSeconds);
            case JobDeadlineExceededException e -> Problem.of("deadline-exceeded", "Service unavailable", 503,
                    e.getMessage()).withRetryAfter(retryAfterSeconds);
            case CodingCancelledException e -> Problem.of("cancelled", "Service unavailable", 503,
                    e.getMessage()).withRetryAfter(retryAfterSeconds);
            default -> internal(failure);
        };
    }

    /** A request that needs more than the whole budget is told that waiting will not help. */
    private static String budgetDetail(MemoryBudgetExceededException e) {
        if (e.requested() <= e.budget()) {
            return e.getMessage();
        }
        return e.getMessage() + "; this request needs more than the whole budget (erasure.buffer.budget), so a retry"
                + " cannot succeed: send a smaller object or fewer parity shards, or stream it (/v1/stripes/*)";
    }

    private Problem clientOrStopping(ApiException e) {
        Problem problem = Problem.of(e.kind().slug(), e.kind().title(), e.kind().status(), e.getMessage());
        return problem.status() == 503 ? problem.withRetryAfter(retryAfterSeconds) : problem;
    }

    private static String rejectionSlug(JobRejectedException.Reason reason) {
        return reason == JobRejectedException.Reason.SHUTTING_DOWN ? "shutting-down" : "overloaded";
    }

    private static Problem internal(Throwable failure) {
        LOG.error("request failed unexpectedly", failure);
        return Problem.of("internal-error", "Internal server error", 500,
                "the service failed to process the request; the failure is logged");
    }
}
