package dev.erasure.codec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operations of {@link CorrectBenchmark} timed on thread CPU time, in alternation, for a
 * shared and noisy machine (time the thread was not scheduled does not count). Prints one line
 * per kernel, codec and operation: {@code cpu <kernel> <codec> <op> <median microseconds per op>}.
 *
 * <p>Usage: {@code CorrectCpuTime <seconds per round> <rounds> <kernel,...> <codec,...>}.
 */
public final class CorrectCpuTime {

    private CorrectCpuTime() {
    }

    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[0]);
        int rounds = Integer.parseInt(args[1]);
        for (String kernel : args[2].split(",")) {
            for (String codec : args[3].split(",")) {
                CorrectBenchmark state = new CorrectBenchmark();
                state.kernel = kernel;
                state.codec = codec;
                state.shape = "10x4";
                state.objectSize = 1 << 20;
                state.setUp();
                Map<String, Runnable> ops = new LinkedHashMap<>();
                ops.put("encode", state::encode);
                ops.put("decodeLost2", state::decodeLost2);
                ops.put("correctLost2", state::correctLost2);
                ops.put("decodeLost4", state::decodeLost4);
                ops.put("correctAll", state::correctAll);
                ops.put("locateWholeShard", state::locateWholeShard);
                Map<String, double[]> results = new LinkedHashMap<>();
                ops.keySet().forEach(op -> results.put(op, new double[rounds]));
                for (int warm = 0; warm < 3; warm++) {
                    ops.values().forEach(op -> time(op, seconds));
                }
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, Runnable> op : ops.entrySet()) {
                        results.get(op.getKey())[round] = time(op.getValue(), seconds);
                    }
                }
                for (Map.Entry<String, double[]> result : results.entrySet()) {
                    double[] sorted = result.getValue().clone();
                    Arrays.sort(sorted);
                    System.out.printf("cpu %s %s %s %.1f%n", kernel, codec, result.getKey(), sorted[rounds / 2]);
                }
                state.tearDown();
            }
        }
    }

    /** Microseconds of thread CPU time per call, over at least {@code seconds} of CPU time. */
    private static double time(Runnable op, double seconds) {
        return BenchStripes.cpuNanosPerCall(op, seconds) / 1e3;
    }
}
