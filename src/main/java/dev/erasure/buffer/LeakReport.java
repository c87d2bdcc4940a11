package dev.erasure.buffer;

import java.util.List;

/**
 * What a pool still held when it was closed. {@code stacks} holds one allocation stack per leaked
 * arena when {@code erasure.buffer.track-allocations=true}, otherwise it is empty.
 */
public record LeakReport(int arenas, long bytes, List<String> stacks) {

    public boolean isEmpty() {
        return arenas == 0 && bytes == 0;
    }
}
