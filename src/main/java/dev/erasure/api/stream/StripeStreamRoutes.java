package dev.erasure.api.stream;

import dev.erasure.api.ApiException;
import dev.erasure.api.ApiLimits;
import dev.erasure.api.MediaTypes;
import dev.erasure.api.Problem;
import dev.erasure.api.ProblemMapper;
import dev.erasure.api.QueryParams;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.Admission;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import dev.erasure.job.Operation;
import java.time.Duration;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The streamed stripe routes {@code POST /v1/stripes/encode}, {@code /decode} and {@code /reconstruct}:
 * objects of any size coded stripe by stripe in bounded memory (see {@link StripeStream}). Every query
 * parameter and header is checked before the body is read or memory is taken.
 */
@ApplicationScoped
public class StripeStreamRoutes {

    private final NativeMemoryPool pool;
    private final JobService jobs;
    private final ApiLimits limits;
    private final ProblemMapper problems;
    private final StreamSettings settings;
    private final Duration deadline;

    /**
     * @throws ConfigurationException at start if {@code erasure.stream.max-object-size} exceeds
     *     Quarkus's own {@code quarkus.http.limits.max-body-size} (that one would answer first, without a problem)
     */
    public StripeStreamRoutes(NativeMemoryPool pool, JobService jobs, ApiLimits limits, ProblemMapper problems,
            StreamSettings settings, JobSettings jobSettings,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> transportLimit) {
        this.pool = pool;
        this.jobs = jobs;
        this.limits = limits;
        this.problems = problems;
        this.settings = settings;
        this.deadline = jobSettings.deadline();
        if (transportLimit.isPresent() && transportLimit.get().asLongValue() < settings.maxObjectBytes()) {
            // Without a cause, Quarkus prints the message alone instead of a stack trace.
            throw new ConfigurationException("erasure.stream.max-object-size must be <= quarkus.http.limits.max-body-size ("
                    + transportLimit.get().asLongValue() + " bytes; got " + settings.maxObjectBytes() + " bytes)");
        }
    }

    void init(@Observes Router router) {
        router.post("/v1/stripes/encode").handler(route(Operation.ENCODE, this::encode));
        router.post("/v1/stripes/decode").handler(route(Operation.DECODE, this::decode));
        router.post("/v1/stripes/reconstruct").handler(route(Operation.RECONSTRUCT, this::reconstruct));
    }

    /**
     * Admits the request (after admission closed, while the service stops: 503 shutting-down), checks
     * it and starts the stream, which gives the admission ticket back when it is done.
     */
    private Handler<RoutingContext> route(Operation op, Function<RoutingContext, StripeStream> prepare) {
        return routing -> {
            Admission.Ticket ticket = jobs.admission().enter();
            if (ticket == null) {
                refuse(routing, op, new ApiException(ApiException.Kind.SHUTTING_DOWN, "the service is shutting down"));
                return;
            }
            StripeStream stream;
            try {
                stream = prepare.apply(routing);
            } catch (RuntimeException e) {
                ticket.release();
                refuse(routing, op, e);
                return;
            }
            stream.admitted(ticket);
            stream.start();
        };
    }

    private StreamParams params(RoutingContext routing) {
        return StreamParams.parse(routing.request().params(), settings, pool.budgetBytes());
    }

    /** correct=true would be ignored here, so a client asking for it is told instead of served uncorrected. */
    private static void refuseCorrect(RoutingContext routing, String endpoint) {
        if (QueryParams.correct(routing.request().params())) {
            throw ApiException.invalidParameter("correct=true is not supported by /v1/stripes/" + endpoint
                    + " (cells are only checked by their Shard-CRC32C); send each stripe to /v1/" + endpoint
                    + " to correct it");
        }
    }

    private StripeStream encode(RoutingContext routing) {
        StreamParams params = params(routing);
        EncodeStream.validate(routing, settings.maxObjectBytes());
        return new EncodeStream(routing, problems, jobs, pool, settings, params, deadline);
    }

    private StripeStream decode(RoutingContext routing) {
        StreamParams params = params(routing);
        long size = QueryParams.objectSize(routing.request().params());
        refuseCorrect(routing, "decode");
        if (size > settings.maxObjectBytes()) {
            throw ApiException.invalidParameter("size must be <= " + settings.maxObjectBytes()
                    + " (erasure.stream.max-object-size; got " + size + ")");
        }
        String boundary = CellStream.boundary(routing);
        return new CellStream(routing, problems, jobs, pool, settings, params, limits, boundary, size, null, deadline);
    }

    private StripeStream reconstruct(RoutingContext routing) {
        StreamParams params = params(routing);
        int[] wanted = QueryParams.wanted(routing.request().params(), params.shape());
        refuseCorrect(routing, "reconstruct");
        if (wanted == null) {
            throw ApiException.invalidParameter("query parameter want is required (the shard indexes to rebuild, "
                    + "comma-separated, each in 0.." + (params.shape().totalShards() - 1) + ")");
        }
        String boundary = CellStream.boundary(routing);
        return new CellStream(routing, problems, jobs, pool, settings, params, limits, boundary, -1, wanted, deadline);
    }

    /**
     * A refusal before anything was read or allocated: the problem answer, then the connection is
     * closed (the body, of any size, is not read).
     */
    private void refuse(RoutingContext routing, Operation op, RuntimeException failure) {
        StripeStream.answer(routing.request(), routing.response(), problems.map(failure, op), () -> { });
    }
}
