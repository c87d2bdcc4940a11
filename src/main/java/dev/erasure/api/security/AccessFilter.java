package dev.erasure.api.security;

import dev.erasure.api.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Access control in front of every route (the {@code /v1} API and the {@code /q} operations
 * endpoints), as a Quarkus HTTP filter that runs before any route reads a byte of the body.
 *
 * <p>When {@code erasure.security.enabled=true} a request must carry an accepted key as
 * {@code X-API-Key: <key>} or {@code Authorization: Bearer <key>} (the X-API-Key header wins when
 * both are sent). Only {@code /q/health} and {@code /q/health/*} are exempt (Kubernetes probes carry
 * no key); the decision uses the normalized path, so {@code /q/health/../metrics} is not exempt.
 * No credentials, or an Authorization header of another scheme, gives 401 with
 * {@code WWW-Authenticate}; a key that is not accepted gives 403. Both are problem+json, both are
 * counted in {@code erasure_auth_rejections_total{reason}}, and a rejected request's unread body is
 * not read: the connection is closed after the answer. Keys never reach the log.
 */
@ApplicationScoped
public class AccessFilter {

    /** Runs before every other filter and route. */
    static final int PRIORITY = 10_000;
    static final String API_KEY_HEADER = "X-API-Key";
    static final String CHALLENGE = "Bearer realm=\"erasure-service\"";
    static final String PROBLEM_JSON = "application/problem+json";

    /** Why a request was refused; the {@code reason} tag of the rejection counter. */
    enum Reason {
        /** No X-API-Key and no Authorization header (401). */
        MISSING,
        /** An Authorization header of another scheme than Bearer, or an empty key (401). */
        MALFORMED,
        /** A key that is not accepted (403). */
        INVALID;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = Logger.getLogger(AccessFilter.class);

    private final ApiKeys keys;
    private final Map<Reason, Counter> rejections = new EnumMap<>(Reason.class);

    public AccessFilter(SecurityConfig config, MeterRegistry registry) {
        try {
            this.keys = config.enabled() ? ApiKeys.of(config.apiKeys().orElse(java.util.List.of())) : null;
        } catch (IllegalArgumentException e) {
            // Without a cause, Quarkus prints the message alone instead of a stack trace.
            throw new ConfigurationException(e.getMessage());
        }
        for (Reason reason : Reason.values()) {
            rejections.put(reason, Counter.builder("erasure.auth.rejections")
                    .description("Requests refused by access control (401/403), by reason")
                    .tags("reason", reason.tag()).register(registry));
        }
    }

    void register(@Observes Filters filters) {
        if (keys == null) {
            LOG.info("Access control: disabled (erasure.security.enabled=false), every caller is accepted");
            return;
        }
        LOG.infof("Access control: enabled, %d API key(s) accepted; /q/health/* is exempt", keys.size());
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext routing) {
        if (isExempt(routing.normalizedPath())) {
            routing.next();
            return;
        }
        Reason refused = check(routing.request());
        if (refused == null) {
            routing.next();
            return;
        }
        reject(routing, refused);
    }

    static boolean isExempt(String normalizedPath) {
        return normalizedPath.equals("/q/health") || normalizedPath.startsWith("/q/health/");
    }

    /** Null when the request carries an accepted key, else why not. */
    private Reason check(HttpServerRequest request) {
        String key = request.getHeader(API_KEY_HEADER);
        if (key == null) {
            String authorization = request.getHeader("Authorization");
            if (authorization == null) {
                return Reason.MISSING;
            }
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Reason.MALFORMED;
            }
            key = authorization.substring(7);
        }
        key = key.trim();
        if (key.isEmpty()) {
            return Reason.MALFORMED;
        }
        return keys.matches(key) ? null : Reason.INVALID;
    }

    private void reject(RoutingContext routing, Reason reason) {
        rejections.get(reason).increment();
        LOG.debugf("access refused (%s): %s %s", reason.tag(), routing.request().method(), routing.normalizedPath());
        Problem problem = problem(reason);
        HttpServerResponse response = routing.response();
        response.setStatusCode(problem.status()).putHeader("Content-Type", PROBLEM_JSON);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", CHALLENGE);
        }
        boolean bodyUnread = !routing.request().isEnded();
        if (bodyUnread) {
            response.putHeader("Connection", "close");
        }
        response.end(Buffer.buffer(problem.toJson())).onComplete(done -> {
            if (bodyUnread) {
                routing.request().connection().close();
            }
        });
    }

    static Problem problem(Reason reason) {
        return switch (reason) {
            case MISSING -> Problem.of("unauthorized", "Unauthorized", 401,
                    "this endpoint requires an API key: send the header " + API_KEY_HEADER
                            + ": <key> or Authorization: Bearer <key>");
            case MALFORMED -> Problem.of("unauthorized", "Unauthorized", 401,
                    "the Authorization header must use the Bearer scheme with a non-empty key (or send "
                            + API_KEY_HEADER + ": <key>)");
            case INVALID -> Problem.of("forbidden", "Forbidden", 403, "the API key is not accepted");
        };
    }
}
