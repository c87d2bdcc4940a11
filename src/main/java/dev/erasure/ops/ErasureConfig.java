package dev.erasure.ops;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The service's own settings, {@code erasure.*}. Every key can also be set as a system property
 * ({@code -Derasure.jobs.workers=2}) or an environment variable ({@code ERASURE_JOBS_WORKERS=2});
 * the Helm chart maps them under these environment names. Values are checked at start by
 * {@link Settings}: an invalid value stops the service with a message naming the key, the value
 * and the rule. Defaults live only here, in the {@code @WithDefault} annotations.
 */
@ConfigMapping(prefix = "erasure")
public interface ErasureConfig {

    /** The Reed-Solomon engine. */
    Codec codec();

    /** The bounded worker executor. */
    Jobs jobs();

    /** Native memory. */
    Buffer buffer();

    /** Limits of the HTTP side. */
    Api api();

    /** The streamed stripe endpoints ({@code /v1/stripes/*}). */
    Stream stream();

    /** The stop of the service. */
    Shutdown shutdown();

    interface Codec {
        /**
         * Which GF(2^8) kernel computes: {@code auto}, {@code isal}, {@code vector} or {@code scalar}.
         * A forced kernel that cannot be used stops the start. Defaults to {@code auto}.
         */
        @WithDefault("auto")
        KernelMode kernel();

        /** How many stripe shapes (codec, dataShards, parityShards) keep their matrices. Defaults to {@code 64}. */
        @WithDefault("64")
        int cacheSize();
    }

    interface Jobs {
        /** Worker threads that run the coding; {@code 0} means one per available processor. Defaults to {@code 0}. */
        @WithDefault("0")
        int workers();

        /** Jobs that may wait for a worker; beyond that requests get 503. Defaults to {@code 32}. */
        @WithDefault("32")
        int queueCapacity();

        /** Longest time a job may take from submit to finish before it is cancelled (503). Defaults to {@code 30s}. */
        @WithDefault("30s")
        Duration deadline();

        /** The {@code Retry-After} given with every 503, whole seconds (rounded up). Defaults to {@code 1s}. */
        @WithDefault("1s")
        Duration retryAfter();

        /**
         * Jobs whose stripe (all k + m shards) has at most this many bytes are coded on the request's
         * event loop instead of being handed to a worker; {@code 0} hands every job off. At most
         * {@code 1M}. Defaults to {@code 64K}.
         */
        @WithDefault("64K")
        MemorySize inlineMaxBytes();
    }

    interface Buffer {
        /** The most native memory all jobs may hold at once; beyond it requests get 503. Defaults to {@code 512M}. */
        @WithDefault("512M")
        MemorySize budget();

        /**
         * Record the allocation stack of every job arena, shown when a leak is reported. Costly, for
         * debugging. Defaults to {@code false}.
         */
        @WithDefault("false")
        boolean trackAllocations();
    }

    interface Api {
        /** Largest request body accepted; larger bodies get 413. Defaults to {@code 64M}. */
        @WithDefault("64M")
        MemorySize maxBodySize();

        /** Most parts in one shard set; more get 400. Defaults to {@code 300}. */
        @WithDefault("300")
        int maxParts();

        /** Most bytes of one multipart part's header block; more get 400. Defaults to {@code 8K}. */
        @WithDefault("8K")
        MemorySize maxPartHeaderSize();

        /**
         * Slowest rate a request body may arrive at, in bytes per second, averaged over each
         * {@code body-rate-window}; a slower body is cut off with 408 and its memory returned. {@code 0}
         * turns the check off. Defaults to {@code 64K}.
         */
        @WithDefault("64K")
        MemorySize minBodyRate();

        /** How long the body rate is averaged over, >= 100ms. Defaults to {@code 5s}. */
        @WithDefault("5s")
        Duration bodyRateWindow();

        /**
         * Longest time a request body may take to arrive, from the start of the request; a longer one is
         * cut off with 408 and its memory returned. >= 100ms. Defaults to {@code 120s}.
         */
        @WithDefault("120s")
        Duration maxBodyTime();

        /**
         * Largest JSON shard set ({@code application/json} body); larger ones get 413. The smaller of
         * this and {@code max-body-size} applies. Defaults to {@code 16M}.
         */
        @WithDefault("16M")
        MemorySize maxJsonBodySize();

        /**
         * Longest request line ({@code METHOD SP target SP HTTP/1.1}); a longer one gets 414
         * problem+json. At most {@code quarkus.http.limits.max-initial-line-length}. Defaults to {@code 4K}.
         */
        @WithDefault("4K")
        MemorySize maxRequestLine();

        /**
         * Largest request header block; a larger one gets 431 problem+json. At most
         * {@code quarkus.http.limits.max-header-size}. Defaults to {@code 20K}.
         */
        @WithDefault("20K")
        MemorySize maxHeaderSize();

        /**
         * Hand the body chunks of the binary endpoints to their readers without Vert.x's copy of each
         * chunk into a fresh heap buffer (lent from Netty's pooled buffer until the reader has copied
         * it into native memory); {@code false} restores Vert.x's copy. Defaults to {@code true}.
         */
        @WithDefault("true")
        boolean lendBodyChunks();

        /**
         * Serve HTTP/2 without TLS (h2c) on the plain-text port: the {@code Upgrade: h2c} handshake and
         * prior knowledge. Off by default: the JDK's HttpClient, which asks for the upgrade on every
         * http:// request, lost answers on upgraded connections, and without h2c every such request is
         * answered in HTTP/1.1. Turn it on for clients that need prior knowledge. Defaults to {@code false}.
         */
        @WithDefault("false")
        boolean http2ClearText();

        /**
         * Largest multipart response (part headers and shards) that is copied into one buffer and
         * written as one piece instead of a gathering write of its parts; small shards cost less
         * copied than sent piece by piece. {@code 0} turns the copy off; at most {@code 1M}.
         * Defaults to {@code 32K}.
         */
        @WithDefault("32K")
        MemorySize coalesceResponseSize();
    }

    interface Shutdown {
        /**
         * On SIGTERM, after {@code quarkus.shutdown.delay}, how long requests already admitted (streams
         * included) and their jobs may still run before they are aborted; requests arriving meanwhile
         * get the contract's 503 (problem+json, {@code Retry-After}, {@code Connection: close}).
         * Defaults to {@code 30s}.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Stream {
        /** Largest {@code cell} a streamed request may ask for (1 byte to 1G). Defaults to {@code 4M}. */
        @WithDefault("4M")
        MemorySize maxCellSize();

        /** Largest object a streamed request may carry; larger ones get 413. Defaults to {@code 1T}. */
        @WithDefault("1T")
        MemorySize maxObjectSize();

        /**
         * Stripes in flight per streamed request (being read, coded or written): each holds
         * {@code (k + m) * cell} bytes of native memory. From 2 to 16. Defaults to {@code 4}.
         */
        @WithDefault("4")
        int depth();
    }
}
