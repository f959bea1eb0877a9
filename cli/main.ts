/** The `kyc` executable (`bin/kyc.js`, `npm run kyc`): runs the CLI on this process's arguments, then exits. */
import { flush, processIo } from './io';
import { run } from './run';

const io = processIo();
void run(process.argv.slice(2), io).then(async (code) => {
  await flush(io.stdout, io.stderr);
  // Exit explicitly: a gRPC channel or a stray timer must not keep a finished command alive.
  process.exit(code);
});
