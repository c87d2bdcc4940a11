"""Specifications of the local runner's parsers, on outputs recorded in load-tests/samples/.

Run: python3 -m unittest discover -s load-tests/runner -p 'test_*.py'   (CI runs it through
src/test/java/dev/erasure/loadtests/LoadRunnerTest.java). Standard library only.
"""
import os
import random
import unittest

import prom
import report
import shardsets
import wrkparse

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")


def sample(name):
    with open(os.path.join(SAMPLES, name)) as f:
        return f.read()


class WrkOutputTest(unittest.TestCase):

    def test_lua_summary_gives_exact_percentiles_and_rate(self):
        run = wrkparse.parse(sample("wrk-lua-echo-4KiB-c4.txt"))
        self.assertEqual(run["requests"], 267)
        self.assertAlmostEqual(run["duration_s"], 3.026683)
        self.assertAlmostEqual(run["requests_per_s"], 267 / 3.026683)
        self.assertEqual(run["bytes_read"], 1124526)
        self.assertAlmostEqual(run["latency_ms"]["p50"], 43.994)
        self.assertAlmostEqual(run["latency_ms"]["p95"], 52.702)
        self.assertAlmostEqual(run["latency_ms"]["p99"], 75.806)
        self.assertAlmostEqual(run["latency_ms"]["max"], 76.339)
        self.assertEqual(sum(run["errors"].values()), 0)

    def test_text_summary_agrees_with_the_lua_line(self):
        text = wrkparse.parse_text(sample("wrk-lua-echo-4KiB-c4.txt"))
        self.assertEqual(text["requests"], 267)
        self.assertAlmostEqual(text["requests_per_s"], 88.22)
        self.assertAlmostEqual(text["duration_s"], 3.03)
        self.assertAlmostEqual(text["transfer_per_s"], 362.83 * 1024)
        self.assertAlmostEqual(text["latency_percentiles_s"][99.0], 0.07581)

    def test_recording_of_the_service_under_load(self):
        run = wrkparse.parse(sample("wrk-lua-encode-1MiB-c16.txt"))
        self.assertEqual(run["requests"], 399)
        self.assertEqual(run["bytes_read"], 586459264)
        self.assertAlmostEqual(run["latency_ms"]["p99"], 434.992)
        self.assertAlmostEqual(wrkparse.parse_text(sample("wrk-lua-encode-1MiB-c16.txt"))["transfer_per_s"],
                               134.58 * 1024 * 1024)

    def test_non_2xx_answers_are_counted_as_errors(self):
        run = wrkparse.parse(sample("wrk-lua-non2xx.txt"))
        self.assertEqual(run["requests"], 88)
        self.assertEqual(run["errors"]["status"], 18)

    def test_socket_timeouts_are_counted_as_errors(self):
        run = wrkparse.parse(sample("wrk-lua-timeouts.txt"))
        self.assertEqual(run["requests"], 13)
        self.assertEqual(run["errors"]["timeout"], 3)
        self.assertEqual(run["errors"]["status"], 0)

    def test_plain_wrk_output_without_the_lua_line_falls_back_to_the_text(self):
        run = wrkparse.parse(sample("wrk-plain-no-lua.txt"))
        self.assertEqual(run["requests"], 2250)
        self.assertAlmostEqual(run["requests_per_s"], 1122.91)
        self.assertAlmostEqual(run["latency_ms"]["p50"], 0.363)
        self.assertAlmostEqual(run["latency_ms"]["p99"], 79.87)
        self.assertEqual(run["errors"]["status"], 2250)
        self.assertNotIn("p95", run["latency_ms"], "wrk's text has no p95; none may be invented")

    def test_output_without_a_summary_is_rejected(self):
        with self.assertRaises(ValueError):
            wrkparse.parse("unable to connect to 127.0.0.1:8080 Connection refused\n")

    def test_disagreeing_request_counts_are_rejected(self):
        tampered = sample("wrk-lua-echo-4KiB-c4.txt").replace("267 requests in", "266 requests in")
        with self.assertRaises(ValueError):
            wrkparse.parse(tampered)

    def test_units(self):
        self.assertAlmostEqual(wrkparse.parse_duration("363.00us"), 363e-6)
        self.assertAlmostEqual(wrkparse.parse_duration("1.50m"), 90.0)
        self.assertEqual(wrkparse.parse_bytes("1.00MB"), 1048576)
        with self.assertRaises(ValueError):
            wrkparse.parse_duration("fast")


class PrometheusTest(unittest.TestCase):
    """On /q/metrics recorded from the running service while wrk sent 1 MiB encodes at c=16."""

    def test_native_bytes_in_use_is_read(self):
        self.assertEqual(prom.native_bytes_in_use(sample("q-metrics-encode-1MiB-c16.txt")), 23488512.0)

    def test_every_line_of_the_recording_is_understood(self):
        samples = prom.parse(sample("q-metrics-encode-1MiB-c16.txt"))
        lines = [line for line in sample("q-metrics-encode-1MiB-c16.txt").splitlines()
                 if line.strip() and not line.startswith("#")]
        self.assertEqual(len(samples), len(lines))

    def test_labels_and_exponents_are_parsed(self):
        samples = prom.parse(sample("q-metrics-encode-1MiB-c16.txt"))
        self.assertIn(("erasure_native_budget_bytes", {}, 536870912.0), samples)
        self.assertIn(("erasure_jobs_total", {"op": "encode", "outcome": "success"}, 64.0), samples)
        self.assertIn(("jvm_memory_used_bytes", {"area": "nonheap", "id": "CodeHeap 'profiled nmethods'"}, 6563712.0),
                      samples)
        self.assertEqual(prom.total(samples, ("erasure_workers",)), 2.0)

    def test_absent_metric_is_none_not_zero(self):
        self.assertIsNone(prom.native_bytes_in_use("process_uptime_seconds 1.0\n"))

    def test_the_unit_suffixed_name_counts_too(self):
        self.assertEqual(prom.native_bytes_in_use('erasure_native_bytes_in_use_bytes{pool="a"} 5\n'), 5.0)

    def test_a_non_prometheus_body_is_rejected(self):
        with self.assertRaises(ValueError):
            prom.parse("<html>502 Bad Gateway</html>\n")


class ShardSetTest(unittest.TestCase):

    def test_split_pads_the_last_shards(self):
        self.assertEqual(shardsets.split(bytes(range(1, 11)), 4),
                         [b"\x01\x02\x03", b"\x04\x05\x06", b"\x07\x08\x09", b"\x0a\x00\x00"])

    def test_multipart_round_trip_keeps_bodies_that_look_like_delimiters(self):
        tricky = b"\r\n--shard\r\n--other\r\n\r\n" + bytes(range(256))  # a boundary never occurs in a body
        parts = [(0, "00000000", tricky), (3, "0000abcd", b""), (5, "ffffffff", tricky * 2)]
        parsed = shardsets.parse_mixed(shardsets.build_mixed(parts, "shards"), 'multipart/mixed; boundary="shards"')
        self.assertEqual([(int(h["shard-index"]), h["shard-crc32c"], body) for h, body in parsed], parts)

    def test_truncated_multipart_is_rejected(self):
        body = shardsets.build_mixed([(0, "00000000", b"abc")], "b")
        with self.assertRaises(ValueError):
            shardsets.parse_mixed(body[:-8], "multipart/mixed; boundary=b")

    def test_erasures_are_distinct_and_in_range(self):
        rng = random.Random(1)
        for _ in range(100):
            picked = shardsets.pick_erasures(14, 4, rng)
            self.assertEqual(len(set(picked)), 4)
            self.assertEqual(picked, sorted(picked))
            self.assertTrue(all(0 <= i < 14 for i in picked))


class ReportTest(unittest.TestCase):

    def test_only_the_http_load_section_is_replaced(self):
        document = ("# Benchmarks\n\n<!-- section:codec-kernels -->\n## Codec kernels\nJMH\n"
                    "<!-- /section:codec-kernels -->\n\n" + report.BEGIN + "\nold\n" + report.END + "\n")
        updated = report.replace_section(document, report.BEGIN + "\nnew\n" + report.END + "\n")
        self.assertIn("## Codec kernels\nJMH\n", updated)
        self.assertIn("\nnew\n", updated)
        self.assertNotIn("\nold\n", updated)

    def test_the_section_is_appended_when_absent(self):
        updated = report.replace_section("# Benchmarks\n\nother\n", report.BEGIN + "\nnew\n" + report.END + "\n")
        self.assertTrue(updated.startswith("# Benchmarks\n\nother\n\n" + report.BEGIN))

    def test_ratio_divides_by_the_baseline_at_the_same_concurrency(self):
        points = [{"scenario": "echo_small", "baseline": "", "connections": 4, "requests_per_s": 200.0},
                  {"scenario": "echo_small", "baseline": "", "connections": 1, "requests_per_s": 80.0},
                  {"scenario": "encode_small", "baseline": "echo_small", "connections": 4, "requests_per_s": 150.0}]
        self.assertAlmostEqual(report.ratio(points[2], points), 0.75)
        self.assertIsNone(report.ratio(dict(points[2], connections=16), points))

    def test_sweep_table_compares_inline_encode_with_the_handoff_service(self):
        def point(kind, size, rps, p50):
            return {"kind": kind, "size": size, "connections": 4, "requests_per_s": rps,
                    "latency_ms": {"p50": p50, "p99": 4 * p50}}
        run = {"args": {"sweep_level": 4}, "sweep": [
            point("echo", 1024, 1000.0, 0.2), point("encode", 1024, 800.0, 0.25), point("encode_handoff", 1024, 400.0, 0.5),
            point("echo", 4096, 900.0, 0.2), point("encode", 4096, 600.0, 0.3)]}
        rows = report._sweep_table(run)
        self.assertIn("hand-off req/s", rows[0])
        self.assertEqual(rows[2], "| 1024 B | 1000 | 800 | 0.80 | 0.200 | 0.250 | 50 | 1.000 | 400 | 0.500 | 2.00 |")
        self.assertTrue(rows[3].endswith("| – | – | – |"), rows[3])
        summary = " ".join(report._sweep_summary(run))
        self.assertIn("1024 B 2.00×", summary)
        self.assertNotIn("4096 B 0", summary.split("Encode ÷ hand-off")[1])

    def test_sweep_table_without_handoff_keeps_its_columns(self):
        run = {"args": {"sweep_level": 4}, "sweep": [
            {"kind": "echo", "size": 1024, "requests_per_s": 10.0, "latency_ms": {"p50": 1.0, "p99": 2.0}},
            {"kind": "encode", "size": 1024, "requests_per_s": 5.0, "latency_ms": {"p50": 2.0, "p99": 3.0}}]}
        rows = report._sweep_table(run)
        self.assertNotIn("hand-off", rows[0])
        self.assertEqual(rows[2], "| 1024 B | 10 | 5 | 0.50 | 1.000 | 2.000 | 1000 | 3.000 |")


if __name__ == "__main__":
    unittest.main()
