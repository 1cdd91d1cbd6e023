// `openkms …` inside a documented block, run by the docs test's own process (the same `main` the binary runs, without
// a Node start and a TypeScript compile per command): posts argv and the working directory to the test's CLI server,
// prints what the command printed and exits with its exit code. Plain JavaScript so that it starts fast.
const url = process.env.OPENKMS_DOCS_CLI_URL;
const res = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }),
});
const { code, stdout, stderr } = await res.json();
process.stdout.write(stdout);
process.stderr.write(stderr);
process.exitCode = code;
