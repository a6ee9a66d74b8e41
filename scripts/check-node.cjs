// Run before `npm start` and `npm test` (plain JS: it must work before the
// build, on any Node). One line instead of a failure deep inside a dependency.
const REQUIRED = [22, 12];

/** Why this Node.js cannot run the project, or undefined. */
function nodeProblem(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1])) return undefined;
  return `iot-backend needs Node.js >= ${REQUIRED.join('.')} (24 LTS recommended); this is v${version.replace(/^v/, '')}`;
}

module.exports = { nodeProblem };

if (require.main === module) {
  const problem = nodeProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
