package dev.erasure.api;

/** The Java heap ran out while a request was served; the service answers 503 + Retry-After. */
final class HeapExhaustedException extends RuntimeException {

    HeapExhaustedException() {
        super("the service's Java heap is exhausted; retry later", null, false, false);
    }
}
