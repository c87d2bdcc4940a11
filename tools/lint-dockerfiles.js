#!/usr/bin/env node
// Lints Dockerfiles with dockerfile-utils (the validator behind the VS Code Docker language server)
// with every optional rule raised to an error, and prints one JSON report per file so that tests
// can also check the project's own policy (non-root USER, exec-form ENTRYPOINT, no HEALTHCHECK).
//
// Usage: node tools/lint-dockerfiles.js Dockerfile.native Dockerfile.jvm
// Output (stdout): [{"file": ..., "diagnostics": [{"line": 1-based, "severity": "error"|"warning",
//   "message": ...}], "stages": [{"from": image as written, "name": alias|null, "instructions":
//   [{"line": 1-based, "keyword": "RUN", "arguments": raw text, "json": [..] | null}]}]}]
// Exit status: 0 when no file has a diagnostic, 1 otherwise, 2 on a usage error.
"use strict";

const fs = require("fs");
const { validate, ValidationSeverity } = require("dockerfile-utils");
const { DockerfileParser } = require("dockerfile-ast");

const STRICT = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function describe(instruction) {
  const json = typeof instruction.getJSONStrings === "function"
    ? instruction.getJSONStrings().map((s) => s.getJSONValue())
    : null;
  return {
    line: instruction.getRange().start.line + 1,
    keyword: instruction.getKeyword(),
    arguments: instruction.getArgumentsContent(),
    json: json && json.length > 0 ? json : null,
  };
}

function stagesOf(content) {
  const dockerfile = DockerfileParser.parse(content);
  // Instructions before the first FROM (global ARGs) form a stage with "from": null.
  let current = { from: null, name: null, instructions: [] };
  const stages = [current];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      current = { from: instruction.getImage(), name: instruction.getBuildStage() || null, instructions: [] };
      stages.push(current);
    }
    current.instructions.push(describe(instruction));
  }
  return stages.filter((stage) => stage.from !== null || stage.instructions.length > 0);
}

function lint(file) {
  const content = fs.readFileSync(file, "utf8");
  const diagnostics = validate(content, STRICT).map((d) => ({
    line: d.range.start.line + 1,
    severity: d.severity === 1 ? "error" : "warning",
    message: d.message,
  }));
  return { file, diagnostics, stages: stagesOf(content) };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node lint-dockerfiles.js DOCKERFILE...\n");
  process.exit(2);
}
const reports = files.map(lint);
process.stdout.write(JSON.stringify(reports, null, 2) + "\n");
process.exit(reports.some((r) => r.diagnostics.length > 0) ? 1 : 0);
