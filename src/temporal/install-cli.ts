import { ensureTemporalCli } from './cli-binary';

ensureTemporalCli().then(
  (path) => console.log(path),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
