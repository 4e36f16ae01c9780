// Builds the native hosts (x86-64 and, where the cross tools are, armhf) in a process of its
// own while test/run.mjs runs the QuickJS tests, so that the Node-side test files find them
// built instead of spending their own timeout on it (QuickJS alone takes minutes to build for
// armhf on 2 cores). Never installs anything: a missing toolchain is reported by the test files
// that need it, with their skip reason; a failing build is left for them to report too.
import { buildShim, buildShimArmhf } from '../firmware-shim/build.mjs';

const say = (line) => process.stderr.write(line + '\n');
for (const [name, build] of [['native', buildShim], ['armhf', buildShimArmhf]]) {
  try {
    const result = build({ say });
    say(result.ok ? `prebuild: the ${name} host is built` : `prebuild: no ${name} host: ${result.reason}`);
  } catch (err) {
    say(`prebuild: the ${name} host's build failed (the tests that need it will say why): ${err.message.split('\n')[0]}`);
  }
}
