"""Specifications of the local runner's parsers, on outputs recorded in load-tests/samples/.

Run: python3 -m unittest discover -s load-tests/runner -p 'test_*.py'   (CI runs it through
src/test/java/dev/erasure/loadtests/LoadRunnerTest.java). Standard library only.
"""
import importlib.util
import os
import random
import unittest

import peer
import prom
import report
import service
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


def peer_point(server, endpoint, size, round_, rps, p99, cpu):
    return {"server": server, "endpoint": endpoint, "size": size, "round": round_, "connections": 16,
            "requests_per_s": rps, "latency_ms": {"p50": p99 / 2, "p99": p99}, "cpu_ms_per_request": cpu}


class GoPeerTest(unittest.TestCase):
    """Server CPU time from /proc and the tables and goal verdicts of the Go peer comparison."""

    def test_stat_fields_are_counted_after_the_command_name(self):
        # a command name with spaces and parentheses must not shift the fields
        line = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1234 567 0 0 20 0 41 0 100 0 0\n"
        self.assertEqual(peer.parse_stat(line), (1234, 567))

    def test_own_process_cpu_time_is_read(self):
        spent = peer.cpu_seconds(os.getpid())
        self.assertIsNotNone(spent)
        self.assertGreaterEqual(spent, 0.0)
        self.assertIsNone(peer.cpu_seconds(2 ** 22 + 12345), "no such pid: no figure, not zero")

    def test_cpu_per_request(self):
        self.assertAlmostEqual(peer.cpu_ms_per_request(10.0, 12.5, 1000), 2.5)
        self.assertIsNone(peer.cpu_ms_per_request(None, 12.5, 1000))
        self.assertIsNone(peer.cpu_ms_per_request(10.0, 12.5, 0))

    def test_ratios_pair_each_round_with_the_peer_point_right_after_it(self):
        points = [peer_point("service", "echo", 4096, 1, 300.0, 2.0, 0.5), peer_point("go", "echo", 4096, 1, 100.0, 4.0, 1.0),
                  peer_point("service", "echo", 4096, 2, 200.0, 2.0, 0.6), peer_point("go", "echo", 4096, 2, 200.0, 1.0, 0.4)]
        pairs = report.peer_pairs(points)[("echo", 4096)]
        self.assertEqual([(p["round"], q["round"]) for p, q in pairs], [(1, 1), (2, 2)])
        first, second = (report.peer_ratios(pair) for pair in pairs)
        self.assertAlmostEqual(first["rps"], 3.0)
        self.assertAlmostEqual(first["cpu"], 0.5)
        self.assertAlmostEqual(first["p99"], 0.5)
        self.assertAlmostEqual(second["cpu"], 1.5)

    def test_goals_are_judged_round_by_round(self):
        points = []
        for r, (cpu_ours, rps_ours) in enumerate([(0.6, 1100.0), (1.2, 900.0)], start=1):
            points += [peer_point("service", "encode", 1048576, r, rps_ours, 1.0, cpu_ours),
                       peer_point("go", "encode", 1048576, r, 1000.0, 2.0, 1.0)]
        points += [peer_point("service", "echo", 4096, 1, 25000.0, 1.0, 0.01),
                   peer_point("go", "echo", 4096, 1, 10000.0, 2.0, 0.03)]
        goals = {what: (verdict, seen) for what, verdict, seen in report.peer_goals(points)}
        self.assertEqual(goals["encode 1 MiB: CPU/request ours/Go's <= 1"], ("met in 1 of 2 rounds", "0.60-1.20"))
        self.assertEqual(goals["encode 1 MiB: p99 ours/Go's <= 1"], ("**met**", "0.50"))
        self.assertEqual(goals["encode 1 MiB: target: CPU/request ours/Go's <= 0.7"][0], "met in 1 of 2 rounds")
        self.assertEqual(goals["echo 4 KiB: req/s ours/Go's >= 2"], ("**met**", "2.50"))
        self.assertEqual(goals["echo 4 KiB: CPU/request ours/Go's <= 0.5"], ("**met**", "0.33"))
        self.assertNotIn("echo 1 MiB: CPU/request ours/Go's <= 1", goals, "what was not measured is not judged")

    def test_unknown_cpu_is_not_a_verdict(self):
        points = [peer_point("service", "echo", 65536, 1, 10.0, 1.0, None), peer_point("go", "echo", 65536, 1, 20.0, 1.0, 1.0)]
        goals = {what: verdict for what, verdict, _ in report.peer_goals(points)}
        self.assertNotIn("echo 64 KiB: CPU/request ours/Go's <= 1", goals)
        self.assertEqual(goals["echo 64 KiB: req/s ours/Go's >= 1"], "**not met**")

    def test_peer_table_ranges_over_rounds(self):
        points = [peer_point("service", "encode", 65536, 1, 5000.0, 4.0, 0.2), peer_point("go", "encode", 65536, 1, 4000.0, 8.0, 0.25),
                  peer_point("service", "encode", 65536, 2, 5400.0, 4.0, 0.2), peer_point("go", "encode", 65536, 2, 4000.0, 8.0, 0.25)]
        rows = report._peer_table(points)
        self.assertEqual(len(rows), 3)
        self.assertTrue(rows[2].startswith("| encode 64 KiB | 5000-5400 | 4000 | 1.25-1.35 | 2.000 / 4.000 | "), rows[2])
        self.assertTrue(rows[2].endswith("| 0.2000 | 0.2500 | **0.80** |"), rows[2])

    def test_a_missing_peer_is_reported_with_its_reason(self):
        run = {"machine": {"date": "2026-12-01 18:00 UTC"}, "args": {},
               "peer": {"missing": "go is not installed", "checks": [], "points": []}}
        text = report.peer_section(run)
        self.assertIn("Not measured in the last run (2026-12-01 18:00 UTC): go is not installed.", text)
        updated = report.replace_section("# B\n\n" + report.PEER_BEGIN + "\nold\n" + report.PEER_END + "\n", text,
                                         report.PEER_BEGIN, report.PEER_END)
        self.assertNotIn("old", updated)
        self.assertIn("go is not installed", updated)

    def test_answers_that_differ_are_named(self):
        headers = {name: "1" for name in peer.SHARD_HEADERS}
        ours = (headers, [(0, "0000abcd", b"abc"), (1, "00000001", b"d")])
        self.assertEqual(peer.differences(ours, ours), [])
        theirs = (dict(headers, **{"Shard-Size": "2"}), [(0, "0000abcd", b"abc"), (1, "00000001", b"e")])
        found = peer.differences(ours, theirs)
        self.assertEqual(len(found), 2)
        self.assertIn("Shard-Size: 1 vs 2", found)
        self.assertIn("part 1/1 differs", found[1])



class RssTest(unittest.TestCase):
    """The RSS reading shared by the runner's Service and stream_bench.py's --pid."""

    def test_reads_this_process_rss_and_none_for_a_process_that_does_not_exist(self):
        rss = service.RunningService(os.getpid()).rss_bytes()
        self.assertIsNotNone(rss)
        self.assertGreater(rss, 1 << 20)
        self.assertEqual(rss % 1024, 0)
        self.assertIsNone(service.rss_bytes(2 ** 22 + 1))  # above Linux's largest pid


def load_floor():
    """load-tests/floor/floor.py, which lives beside the runner and imports its modules."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "floor", "floor.py")
    spec = importlib.util.spec_from_file_location("floor", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FloorTest(unittest.TestCase):

    def test_threads_are_grouped_by_name_without_their_numbers(self):
        floor = load_floor()
        self.assertEqual(floor.group("vert.x-eventloop-thread-3"), "vert.x-eventloop-thread-#")
        self.assertEqual(floor.group("GC Thread#12"), "GC Thread##")
        self.assertEqual(floor.group("erasure-worker-0"), floor.group("erasure-worker-1"))

    def test_ranges_collapse_when_equal_and_skip_missing_values(self):
        floor = load_floor()
        self.assertEqual(floor.span([0.71, None, 0.84], "{:.2f}"), "0.71-0.84")
        self.assertEqual(floor.span([0.5, 0.5], "{:.2f}"), "0.50")
        self.assertEqual(floor.span([None], "{:.2f}"), "–")

    def test_external_servers_are_parsed_and_measured_after_the_started_ones(self):
        floor = load_floor()
        args = floor.parse_args(["--servers", "service,netty", "--sizes", "1048576,4096",
                                 "--external", "other=http://127.0.0.1:8090/@4242", "--reference", "other"])
        self.assertEqual(args.servers, ["service", "netty", "other"])
        self.assertEqual(args.sizes, [1048576, 4096])
        self.assertEqual(args.externals, {"other": ("http://127.0.0.1:8090", 4242)})
        self.assertEqual(args.reference, "other")

    def test_a_service_option_may_follow_its_flag_as_a_separate_argument(self):
        floor = load_floor()
        args = floor.parse_args(["--service-opt", "-Dquarkus.vertx.prefer-native-transport=true",
                                 "--service-opt=-Da=1", "--rounds", "2"])
        self.assertEqual(args.service_opt, ["-Dquarkus.vertx.prefer-native-transport=true", "-Da=1"])
        self.assertEqual(args.rounds, 2)
        self.assertEqual(service.joined_service_opts(["--jar", "x.jar", "--service-opt"]), ["--jar", "x.jar", "--service-opt"])
        self.assertEqual(service.joined_service_opts(["--service-arg", "-Db=2"]), ["--service-arg=-Db=2"])


if __name__ == "__main__":
    unittest.main()
