// Block E, the transactions, as the core installs them: after the features they build on (the
// authorization, when installed: else every idToken is accepted), before the others, which
// find them in `parts`. Not a feature a build can leave out (the core's, as --features core says).
import { StationFeature201 } from '../feature';
import { acceptAll, installTransactions } from './transactions';

export const transactionsFeature: StationFeature201 = {
  name: 'core',
  install: (station, parts) => {
    parts.transactions = installTransactions(station, parts.authorizer || acceptAll);
  },
};
